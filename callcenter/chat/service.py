"""Reading and writing conversations and their messages. Takes the session, never commits.

Callers: the webhook's jobs (``inbound.py``) and the agent's chat desk (``desk.py``: an
agent's reply is ``queue_outbound`` with the agent as author, then ``outbox`` sends it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from callcenter.chat import policy, system_lines
from callcenter.chat.models import (
    OPEN_STATUSES,
    ChatMessage,
    Conversation,
    ConversationStatus,
    Direction,
    MessageKind,
    SendState,
)


def open_conversation(session: Session, line_user_id: str) -> Conversation | None:
    """The person's current conversation, locked for this transaction (a person's events
    may be applied by two workers at once)."""
    return session.scalars(
        select(Conversation)
        .where(Conversation.line_user_id == line_user_id,
               Conversation.status.in_(OPEN_STATUSES))
        .order_by(Conversation.id.desc()).limit(1).with_for_update()
    ).first()


def latest_id(session: Session, line_user_id: str) -> int | None:
    """The id of the person's newest conversation, whatever its state."""
    return session.scalar(select(Conversation.id).where(
        Conversation.line_user_id == line_user_id).order_by(Conversation.id.desc()).limit(1))


def start_conversation(session: Session, line_user_id: str, *, now: datetime,
                       language: str = policy.DEFAULT_LANGUAGE) -> Conversation:
    conversation = Conversation(line_user_id=line_user_id, language=language,
                                status=ConversationStatus.NEW, created_at=now,
                                updated_at=now)
    session.add(conversation)
    session.flush()
    return conversation


def current_or_new(session: Session, line_user_id: str, *, now: datetime) -> Conversation:
    return (open_conversation(session, line_user_id)
            or start_conversation(session, line_user_id, now=now))


def wait_in_queue(conversation: Conversation, topic: str, *, now: datetime) -> bool:
    """Put the conversation in its topic's queue; True when it starts waiting now.

    A conversation already with an agent keeps its agent; only "in danger" changes its
    topic then, so the agent's screen shows it.
    """
    conversation.updated_at = now
    if conversation.status in (ConversationStatus.OFFERED, ConversationStatus.ACTIVE):
        if topic == policy.URGENT:
            conversation.topic = topic
        return False
    starts = conversation.status is ConversationStatus.NEW
    conversation.topic = topic
    conversation.queue_name = policy.queue_name(topic, conversation.language)
    conversation.status = ConversationStatus.WAITING
    if starts or conversation.waiting_since is None:
        conversation.waiting_since = now
    if conversation.queued_at is None:
        conversation.queued_at = now
    return starts


def append_inbound(session: Session, conversation: Conversation, kind: MessageKind, *,
                   at: datetime, line_message_id: str | None = None,
                   **fields: object) -> ChatMessage:
    """Record what the person sent; a message LINE delivers again is recorded once."""
    if line_message_id is not None:
        existing = session.scalars(select(ChatMessage).where(
            ChatMessage.line_message_id == line_message_id)).first()
        if existing is not None:
            return existing
    message = ChatMessage(conversation_id=conversation.id, direction=Direction.IN, kind=kind,
                          line_message_id=line_message_id, created_at=at, **fields)
    session.add(message)
    conversation.updated_at = max(conversation.updated_at, at)
    session.flush()
    return message


def note(session: Session, conversation: Conversation, text: str, *,
         now: datetime) -> ChatMessage:
    """A line of the transcript written by the system (never sent to the person)."""
    return append_inbound(session, conversation, MessageKind.SYSTEM, at=now, text=text)


def queue_outbound(session: Session, conversation: Conversation, text: str, *,
                   now: datetime, quick_reply: dict | None = None,
                   reply_token: str | None = None, token_expires_at: datetime | None = None,
                   author_id: int | None = None) -> ChatMessage:
    """An outbound text, owed from now: the outbox row ``outbox`` sends (after commit)."""
    message = ChatMessage(
        conversation_id=conversation.id, direction=Direction.OUT, kind=MessageKind.TEXT,
        text=text, quick_reply=quick_reply, created_at=now, author_id=author_id,
        retry_key=str(uuid.uuid4()), send_state=SendState.PENDING, next_attempt_at=now,
        reply_token=reply_token, reply_token_expires_at=token_expires_at)
    session.add(message)
    session.flush()
    return message


def block(session: Session, conversation: Conversation, *, now: datetime) -> None:
    """The person blocked the account: the conversation ends and nothing owed is sent."""
    conversation.status = ConversationStatus.BLOCKED
    conversation.waiting_since = None
    conversation.updated_at = now
    session.execute(
        update(ChatMessage)
        .where(ChatMessage.conversation_id == conversation.id,
               ChatMessage.send_state == SendState.PENDING)
        .values(send_state=SendState.FAILED, error="the person blocked the account"))
    note(session, conversation, system_lines.BLOCKED, now=now)


def transcript(session: Session, conversation_id: int) -> list[ChatMessage]:
    """Every message of a conversation, both ways, in the order they were written."""
    return list(session.scalars(
        select(ChatMessage).where(ChatMessage.conversation_id == conversation_id)
        .order_by(ChatMessage.created_at, ChatMessage.id)))


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue_name: str
    waiting: int
    oldest_waiting_since: datetime | None


def waiting_by_queue(session: Session) -> list[QueueFigures]:
    """Each chat queue's waiting conversations and its oldest wait (for the wallboard)."""
    rows = session.execute(
        select(Conversation.queue_name, func.count(), func.min(Conversation.waiting_since))
        .where(Conversation.status == ConversationStatus.WAITING)
        .group_by(Conversation.queue_name).order_by(Conversation.queue_name))
    return [QueueFigures(name, count, oldest) for name, count, oldest in rows]
