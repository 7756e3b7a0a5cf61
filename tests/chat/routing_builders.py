"""Small builders for the chat routing tests: agents and waiting conversations."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from callcenter.agents.models import Role, User
from callcenter.chat import service
from callcenter.chat.config import LineSettings
from callcenter.chat.models import Conversation, ConversationStatus
from callcenter.db import utcnow

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
SETTINGS = LineSettings(chat_offer_timeout_seconds=30, chat_decline_rest_seconds=60,
                        chat_service_level_seconds=60)


def agent(session: Session, *, languages: tuple[str, ...] = ("th",),
          role: Role = Role.AGENT) -> User:
    tag = secrets.token_hex(4)
    row = User(login=f"chat-{tag}", display_name="สมหญิง ใจดี", password_hash="not-a-hash",
               role=role, languages=list(languages), phone_interface=f"PJSIP/c{tag}")
    session.add(row)
    session.flush()
    return row


def waiting(session: Session, *, minutes_ago: float, topic: str = "welfare",
            language: str = "th", now: datetime = T0) -> Conversation:
    since = now - timedelta(minutes=minutes_ago)
    row = service.start_conversation(session, f"U{secrets.token_hex(16)}", now=since,
                                     language=language)
    service.wait_in_queue(row, topic, now=since)
    session.flush()
    return row


def offered_chat(session: Session, *, agent_id: int, minutes_ago: float = 1) -> Conversation:
    """A conversation offered to the agent just now (as a routing pass leaves it)."""
    row = waiting(session, minutes_ago=minutes_ago)
    row.status = ConversationStatus.OFFERED
    row.agent_id = agent_id
    row.offered_at = utcnow()
    session.flush()
    return row
