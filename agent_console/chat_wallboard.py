"""The wallboard's chat queues (``callcenter.chat.board``), read for one drawing.

With Redis away the agents' live state is unknown: the rows still show what waits and
today's service level, and no free capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from sqlalchemy.orm import Session

from callcenter.chat import board, presence
from callcenter.chat.config import get_line_settings
from callcenter.reports import today

# A chat queue's oldest wait is redrawn this often while someone waits (chat changes are
# not on the bridge's bus the board listens to).
REDRAW_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class ChatBoard:
    rows: list[board.ChatQueueRow]
    threshold_seconds: int

    @property
    def redraw_in(self) -> float | None:
        return REDRAW_SECONDS if self.rows else None


def read(db: Session, client: redis.Redis, now: datetime) -> ChatBoard:
    try:
        live = presence.read(db, client)
    except redis.RedisError:
        live = {}
    threshold = get_line_settings().chat_service_level_seconds
    return ChatBoard(board.rows(db, presence=live, now=now, day_start=today.day_start(now),
                                threshold=timedelta(seconds=threshold)), threshold)
