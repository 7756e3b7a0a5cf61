"""Conversations, their messages both ways, and the webhook events received (the dedupe record).

A LINE user id is personal data: it is stored because replies need it, and never
written to a log or an error message (log the conversation's id instead).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.pick_lists import PickItem


class ConversationStatus(StrEnum):
    # Greeted, no topic chosen yet: in no queue (nothing typed yet either).
    NEW = "new"
    WAITING = "waiting"
    OFFERED = "offered"
    ACTIVE = "active"
    ENDED = "ended"
    # The person blocked the account (LINE's "unfollow"): nothing can be sent any more.
    BLOCKED = "blocked"


# A conversation in one of these is the person's current one; a new follow after it
# ended or was blocked starts another.
OPEN_STATUSES = (ConversationStatus.NEW, ConversationStatus.WAITING,
                 ConversationStatus.OFFERED, ConversationStatus.ACTIVE)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    LOCATION = "location"
    STICKER = "sticker"
    # Written by the system for the transcript (an image refused, the person blocked us).
    SYSTEM = "system"


class SendState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Conversation(Base):
    __tablename__ = "chat_conversations"
    __table_args__ = (
        Index("ix_chat_conversations_line_user_id_status", "line_user_id", "status"),
        Index("ix_chat_conversations_status_queue_name", "status", "queue_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="th")
    # An IssueArea value, "general" (typed without choosing) or "urgent" (in danger now).
    topic: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[ConversationStatus] = mapped_column(
        enum_type(ConversationStatus, "chat_conversation_status"),
        default=ConversationStatus.NEW)
    queue_name: Mapped[str | None] = mapped_column(String(80))
    # Since when it waits in its queue (the wallboard's oldest wait), None once taken.
    waiting_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The last message the agent's desk showed: the person's messages after it are unread.
    agent_read_up_to: Mapped[int | None]
    # Routing (``routing.py``). When it first started to wait: the service level counts
    # from here, and a return to the queue never moves it (``waiting_since`` is the place
    # in line, kept through an offer so a decline puts it back where it was).
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    offered_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    # The last agent who declined it or let the offer lapse: offered someone else next.
    # A plain id (no key): it only steers the next offer.
    declined_by_id: Mapped[int | None]


class ChatCapacity(Base):
    """How many conversations an agent holds at once; no row means the default."""

    __tablename__ = "chat_capacities"
    __table_args__ = (CheckConstraint("capacity >= 0 AND capacity <= 20",
                                      name="capacity_range"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    capacity: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatMessage(Base):
    """One message of a conversation; an outbound one is also its outbox row."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        Index("ix_chat_messages_conversation_id_created_at", "conversation_id", "created_at"),
        Index("ix_chat_messages_send_state_next_attempt_at", "send_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction, "chat_direction"))
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind, "chat_message_kind"))
    text: Mapped[str | None] = mapped_column(Text)
    # Outbound: the quick-reply menu sent with the text (LINE's JSON, built by line_protocol).
    quick_reply: Mapped[dict | None] = mapped_column(JSON)
    media_path: Mapped[str | None] = mapped_column(String(300))
    media_size: Mapped[int | None]
    media_type: Mapped[str | None] = mapped_column(String(60))
    # Why an image was not kept (not an image, too large, not fetched): the person is told.
    refused_reason: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    line_message_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Outbound only ------------------------------------------------------------------
    # X-Line-Retry-Key of every push attempt: LINE accepts one push per key (409 after).
    retry_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    send_state: Mapped[SendState | None] = mapped_column(enum_type(SendState, "chat_send_state"))
    # The reply token of the event this answers, used on the first attempt while valid.
    reply_token: Mapped[str | None] = mapped_column(String(100))
    reply_token_expires_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    attempt_count: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    sent_via: Mapped[str | None] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(String(300))


class CannedReply(PickItem, Base):
    """A reply staff pick and edit before sending (callcenter.pick_lists): the labels are
    the reply's text in Thai and in English, the code names it for admins."""

    __tablename__ = "chat_canned_replies"
    __table_args__ = (UniqueConstraint("code"),)


class LineWebhookEvent(Base):
    """One webhook event as LINE sent it: stored once (unique ``webhookEventId``), applied
    by a job after the commit; ``processed_at`` says it was applied."""

    __tablename__ = "line_webhook_events"
    __table_args__ = (
        Index("ix_line_webhook_events_processed_at_received_at", "processed_at",
              "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # The event's own JSON (it holds the person's words and ids: a record, never a log).
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    # What the job made of it: "applied", "ignored: unknown type", …
    outcome: Mapped[str | None] = mapped_column(String(80))
