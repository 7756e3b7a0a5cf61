"""What the wallboard reads from the database, shared by the drawings of one second.

A busy floor has the board drawn ten times a second per web process, and profiling that
showed half of each drawing in SQL (today's tallies, the agents' last call ends, the
chat queues, the queues' settings, the pause reasons, today's cases by channel) although
none of it changes with the bridge's live updates that cause the drawings. Those tables
change when call rows are written (the bridge then publishes ``records.<node>.written``,
which the hub counts: ``Hub.rows_written``), when a chat moves (not on the board's bus:
the chat rows are redrawn every few seconds anyway, ``chat_wallboard.REDRAW_SECONDS``) or
when an admin edits a queue or a pause reason. So a drawing reuses the last read while
no rows were written since and it is younger than ``KEEP_SECONDS``; a drawing not counted
by the hub (no live page open, Redis away) always reads afresh. The chat rows, the
dearest part of the read, do not depend on call rows: on a floor whose calls end many
times a second they are reused for ``KEEP_SECONDS`` even when rows were written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agent_console import chat_wallboard
from callcenter.agents import pause_reasons
from callcenter.queues import service as queue_service
from callcenter.queues import stats
from callcenter.reports import channels as channel_counts
from callcenter.reports import today

# An admin's edit of a queue's targets or of a pause reason shows within this.
KEEP_SECONDS = 1.0


@dataclass(frozen=True)
class Tables:
    tallies: dict[str, stats.Tally]
    ends: dict[str, datetime]
    rules: Any  # queue_service.settings: each queue's targets and thresholds
    reasons: dict[str, tuple[str, str]]  # pause reason code → (Thai, English)
    cases_by_channel: Any
    chats: chat_wallboard.ChatBoard
    chats_read_at: float  # time.monotonic() when the chat rows were read (maybe earlier)
    read_at: float  # time.monotonic()
    written: int | None  # the hub's count of row writes when read (None: not counted)


def read(db: Session, client: Any, now: datetime, written: int | None,
         chats_of: Tables | None = None) -> Tables:
    """Read the tables now, but the chat rows of ``chats_of`` when given."""
    if chats_of is not None:
        chats, chats_read_at = chats_of.chats, chats_of.chats_read_at
    else:
        chats, chats_read_at = chat_wallboard.read(db, client, now), time.monotonic()
    return Tables(
        tallies=today.tallies(db, now), ends=today.last_call_ends(db, now),
        rules=queue_service.settings(db), reasons=pause_reasons.labels(db),
        cases_by_channel=channel_counts.today(db, now), chats=chats,
        chats_read_at=chats_read_at, read_at=time.monotonic(), written=written)


class KeptTables:
    """The process's last read; drawings run in threads, hence the lock."""

    def __init__(self) -> None:
        self._kept: Tables | None = None
        self._lock = threading.Lock()

    def get(self, written: int | None,
            read_now: Callable[[int | None, Tables | None], Tables]) -> Tables:
        """The kept read, or a new one (``read_now(written, chats_of)``)."""
        if written is None:
            return read_now(None, None)
        with self._lock:
            kept, now = self._kept, time.monotonic()
            if kept is not None and kept.written == written and now - kept.read_at < KEEP_SECONDS:
                return kept
            young_chats = kept is not None and now - kept.chats_read_at < KEEP_SECONDS
            # Read under the lock: two drawings (two views) at once read once.
            self._kept = read_now(written, kept if young_chats else None)
            return self._kept
