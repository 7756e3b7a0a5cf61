"""The chat queues as the wallboard shows them beside the voice queues: per queue, the
conversations waiting and the oldest wait, the agents chatting in it, the free capacity
of the agents who could take one now, and today's service level (accepted within the
threshold of starting to wait, ``routing_policy.service_level``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callcenter.chat import policy, routing, routing_policy, service
from callcenter.chat.capacity import HELD
from callcenter.chat.models import Conversation


@dataclass(frozen=True, slots=True)
class ChatQueueRow:
    name: str
    topic: str
    language: str
    waiting: int
    oldest_wait_seconds: int | None
    chatting: int  # agents holding at least one conversation of this queue
    capacity_free: int  # places free now with agents who serve its language
    level: routing_policy.LevelCount


def _topic(name: str) -> str:
    return name.removeprefix("chat-").rsplit("-", 1)[0]


def rows(session: Session, *, presence: Mapping[int, str], now: datetime,
         day_start: datetime, threshold: timedelta) -> list[ChatQueueRow]:
    """Every chat queue with someone waiting, held, or started today; urgent first."""
    waiting = {q.queue_name: q for q in service.waiting_by_queue(session) if q.queue_name}
    chatting: dict[str, set[int]] = defaultdict(set)
    for name, agent_id in session.execute(
            select(Conversation.queue_name, Conversation.agent_id)
            .where(Conversation.status.in_(HELD), Conversation.queue_name.is_not(None))):
        chatting[name].add(agent_id)
    started: dict[str, list] = defaultdict(list)
    for name, queued_at, accepted_at in session.execute(
            select(Conversation.queue_name, Conversation.queued_at, Conversation.accepted_at)
            .where(Conversation.queued_at >= day_start, Conversation.queue_name.is_not(None),
                   or_(Conversation.accepted_at.is_(None),
                       Conversation.accepted_at >= day_start))):
        started[name].append((queued_at, accepted_at))
    free_by_language: dict[str, int] = defaultdict(int)
    for slot in routing.slots(session, presence):
        if routing_policy.may_take_chats(slot):
            for language in slot.languages:
                free_by_language[language] += slot.free
    found = []
    for name in set(waiting) | set(chatting) | set(started):
        language = routing_policy.queue_language(name)
        queue = waiting.get(name)
        oldest = (max(int((now - queue.oldest_waiting_since).total_seconds()), 0)
                  if queue is not None and queue.oldest_waiting_since else None)
        found.append(ChatQueueRow(
            name, _topic(name), language, queue.waiting if queue else 0, oldest,
            len(chatting.get(name, ())), free_by_language.get(language, 0),
            routing_policy.service_level(started.get(name, []), now=now, threshold=threshold)))
    return sorted(found, key=lambda r: (r.topic != policy.URGENT, r.name))
