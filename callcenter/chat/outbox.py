"""Sending what is owed to a person on LINE, as dispatch's alerts are sent: each outbound
message is its own outbox row, claimed under a lease by one job at a time, retried
with backoff while LINE is down, never dropped.

No duplicates: a reply token is single-use and LINE's reply has no retry key, so only a
first attempt still in time replies; every later attempt pushes under the message's
``retry_key`` (``X-Line-Retry-Key``), and LINE answers a key it already accepted with
409, which counts as sent. (The one gap left: a first reply that timed out yet reached
LINE, then a push. LINE gives no way to ask; the transcript shows both attempts.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from callcenter.chat import line_api, line_protocol, policy
from callcenter.chat.config import LineSettings
from callcenter.chat.line_api import LineApiError
from callcenter.chat.models import ChatMessage, Conversation, ConversationStatus, SendState

log = logging.getLogger(__name__)


def claimable(now: datetime):
    return and_(ChatMessage.next_attempt_at <= now,
                or_(ChatMessage.send_state == SendState.PENDING,
                    ChatMessage.send_state == SendState.SENDING))


@dataclass(frozen=True, slots=True)
class Claim:
    message_id: int
    conversation_id: int
    to: str
    messages: list[dict[str, Any]]
    retry_key: str
    reply_token: str | None
    blocked: bool
    expired: bool


def claim(session: Session, message_id: int, *, now: datetime,
          settings: LineSettings) -> Claim | None:
    """Take one attempt at the message for a lease; None when nothing is owed now."""
    lease_until = now + timedelta(seconds=settings.line_send_lease_seconds)
    taken = session.execute(
        update(ChatMessage).where(ChatMessage.id == message_id, claimable(now))
        .values(send_state=SendState.SENDING, next_attempt_at=lease_until,
                attempt_count=ChatMessage.attempt_count + 1)
        .returning(ChatMessage.id)).scalar()
    if taken is None:
        return None
    message = session.get(ChatMessage, message_id, populate_existing=True)
    conversation = session.get(Conversation, message.conversation_id)
    assert message is not None and conversation is not None
    token = message.reply_token if policy.reply_token_usable(
        token=message.reply_token, expires_at=message.reply_token_expires_at,
        attempts_made=message.attempt_count, now=now) else None
    return Claim(
        message_id=message.id, conversation_id=conversation.id, to=conversation.line_user_id,
        messages=[line_protocol.text_message(message.text or "", message.quick_reply)],
        retry_key=message.retry_key or "", reply_token=token,
        blocked=conversation.status is ConversationStatus.BLOCKED,
        expired=policy.gave_up(message.created_at, now, hours=settings.line_give_up_hours))


def send(settings: LineSettings, taken: Claim) -> tuple[str, str]:
    """(how, LINE's request id): by reply while the token serves, else by push."""
    if taken.reply_token:
        return "reply", line_api.reply(settings, taken.reply_token, taken.messages)
    return "push", line_api.push(settings, taken.to, taken.messages, taken.retry_key)


def record_sent(session: Session, message_id: int, *, via: str, now: datetime) -> None:
    session.execute(update(ChatMessage)
                    .where(ChatMessage.id == message_id,
                           ChatMessage.send_state == SendState.SENDING)
                    .values(send_state=SendState.SENT, sent_at=now, sent_via=via,
                            error=None, reply_token=None))


def record_failed(session: Session, message_id: int, *, error: str, now: datetime) -> None:
    """Given up: said on the row (the console shows it), never retried."""
    session.execute(update(ChatMessage)
                    .where(ChatMessage.id == message_id,
                           ChatMessage.send_state.in_((SendState.SENDING,
                                                       SendState.PENDING)))
                    .values(send_state=SendState.FAILED, error=error[:300],
                            reply_token=None))


def record_error(session: Session, taken: Claim, exc: LineApiError, *, now: datetime,
                 settings: LineSettings) -> str:
    """Retry later (LINE down, its limits), at once by push (a reply token refused), or
    give up (LINE refused the message itself). The outcome, for the job's log line."""
    message = session.get(ChatMessage, taken.message_id, populate_existing=True)
    if message is None or message.send_state is not SendState.SENDING:
        return "not ours any more"
    message.error = str(exc)[:300]
    message.reply_token = None  # whatever happened, the next attempt pushes
    if taken.reply_token and not exc.transient:
        # The token was spent or too old (LINE: 400 "Invalid reply token").
        message.send_state, message.next_attempt_at = SendState.PENDING, now
        return "retry by push"
    if exc.transient and not taken.expired:
        delay = policy.retry_delay(message.attempt_count, base=settings.line_retry_base_seconds,
                                   cap=settings.line_retry_max_seconds)
        message.send_state = SendState.PENDING
        message.next_attempt_at = now + timedelta(seconds=delay)
        return "retry later"
    message.send_state = SendState.FAILED
    return "failed"


def owed(session: Session, *, now: datetime, overdue_by: float = 0.0,
         limit: int = 500) -> list[tuple[int, int]]:
    """(message id, attempts so far) of outbound messages a worker should take now."""
    rows = session.execute(
        select(ChatMessage.id, ChatMessage.attempt_count)
        .where(claimable(now - timedelta(seconds=overdue_by)))
        .order_by(ChatMessage.next_attempt_at).limit(limit))
    return [(r.id, r.attempt_count) for r in rows]
