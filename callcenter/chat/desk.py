"""What an agent does with a conversation that is theirs: the chat desk's service.

A conversation is an agent's while it is ACTIVE with their ``agent_id`` (the routing
puts it there). The desk lists those, shows one with its transcript, sends the agent's
replies through the outbox (``service.queue_outbound``; the caller enqueues the sends
after its commit) and ends it. Who may see a conversation at all: its agent, and
supervisors and admins; to anyone else it is missing. Takes the session, never commits;
the audit names ids only (never the person's words or LINE id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.chat import service, system_lines
from callcenter.chat.inbound import MEDIA_FOLDER
from callcenter.chat.models import (
    ChatMessage,
    Conversation,
    ConversationStatus,
    Direction,
    MessageKind,
)
from callcenter.errors import Conflict, InvalidInput, NotFound

ENTITY = "chat_conversation"
# LINE refuses a text message longer than this.
MAX_REPLY = 5000


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks: their id, and whether they are a supervisor or an admin."""

    id: int
    boss: bool


def may_see(conversation: Conversation, viewer: Viewer) -> bool:
    """Its agent (now or before), supervisors and admins; nobody else, whatever its state."""
    return viewer.boss or (conversation.agent_id is not None
                           and conversation.agent_id == viewer.id)


def may_write(conversation: Conversation, viewer: Viewer) -> bool:
    """Writing to the person: the conversation must be live, and the viewer its agent or
    a supervisor stepping in."""
    return (conversation.status is ConversationStatus.ACTIVE
            and may_see(conversation, viewer))


def get(session: Session, conversation_id: int, viewer: Viewer) -> Conversation:
    """The conversation if this viewer may see it; otherwise as missing (404)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or not may_see(conversation, viewer):
        raise NotFound(f"conversation {conversation_id} not found")
    return conversation


def check_writable(conversation: Conversation, viewer: Viewer) -> None:
    if not may_write(conversation, viewer):
        raise Conflict("this conversation is not active any more", field="status")


@dataclass(frozen=True, slots=True)
class DeskRow:
    """One line of the desk's list."""

    conversation: Conversation
    last_at: datetime
    unread: int


def _rows(session: Session, conversations: list[Conversation]) -> list[DeskRow]:
    if not conversations:
        return []
    ids = [c.id for c in conversations]
    last = dict(session.execute(
        select(ChatMessage.conversation_id, func.max(ChatMessage.created_at))
        .where(ChatMessage.conversation_id.in_(ids))
        .group_by(ChatMessage.conversation_id)).all())
    unread = _unread(session, conversations)
    return [DeskRow(c, last.get(c.id) or c.updated_at, unread.get(c.id, 0))
            for c in conversations]


def _unread(session: Session, conversations: list[Conversation]) -> dict[int, int]:
    """The person's messages after the last one the agent's desk showed."""
    counts: dict[int, int] = {}
    for conversation in conversations:
        seen = conversation.agent_read_up_to or 0
        counts[conversation.id] = session.scalar(
            select(func.count()).where(
                ChatMessage.conversation_id == conversation.id,
                ChatMessage.direction == Direction.IN,
                ChatMessage.kind != MessageKind.SYSTEM, ChatMessage.id > seen)) or 0
    return counts


def mine(session: Session, agent_id: int) -> list[DeskRow]:
    """The agent's active conversations, the longest waiting for an answer first."""
    conversations = list(session.scalars(
        select(Conversation).where(Conversation.status == ConversationStatus.ACTIVE,
                                   Conversation.agent_id == agent_id)
        .order_by(Conversation.updated_at, Conversation.id)))
    return _rows(session, conversations)


def all_active(session: Session) -> list[DeskRow]:
    """Every active conversation with its agent (supervisors' view)."""
    conversations = list(session.scalars(
        select(Conversation).where(Conversation.status == ConversationStatus.ACTIVE)
        .order_by(Conversation.agent_id, Conversation.updated_at, Conversation.id)))
    return _rows(session, conversations)


def mark_read(conversation: Conversation, messages: list[ChatMessage],
              viewer: Viewer) -> None:
    """The conversation's agent has seen everything up to the last message shown (a
    supervisor's look leaves the agent's unread count alone)."""
    if messages and conversation.agent_id == viewer.id:
        newest = max(m.id for m in messages)
        if (conversation.agent_read_up_to or 0) < newest:
            conversation.agent_read_up_to = newest


def clean_text(text: str) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise InvalidInput("write a message first", field="text")
    if len(cleaned) > MAX_REPLY:
        raise InvalidInput(f"at most {MAX_REPLY} characters", field="text")
    return cleaned


def reply(session: Session, conversation: Conversation, text: str, viewer: Viewer, *,
          now: datetime) -> ChatMessage:
    """The agent's message, owed from now (the caller enqueues its send after commit)."""
    check_writable(conversation, viewer)
    message = service.queue_outbound(session, conversation, clean_text(text), now=now,
                                     author_id=viewer.id)
    conversation.updated_at = now
    return message


def end(session: Session, conversation: Conversation, viewer: Viewer, *, now: datetime,
        closing: str | None = None) -> list[int]:
    """ACTIVE → ENDED, with the closing message first when one is written: the ids of
    the messages owed (to enqueue after the commit)."""
    check_writable(conversation, viewer)
    owed: list[int] = []
    if closing and closing.strip():
        owed.append(reply(session, conversation, closing, viewer, now=now).id)
    conversation.status = ConversationStatus.ENDED
    conversation.waiting_since = None
    conversation.updated_at = now
    service.note(session, conversation, system_lines.ENDED, now=now)
    audit.record(session, actor_id=viewer.id, action="chat.end", entity_type=ENTITY,
                 entity_id=conversation.id,
                 changes={"status": [ConversationStatus.ACTIVE.value,
                                     ConversationStatus.ENDED.value]})
    return owed


def message_of(session: Session, conversation: Conversation, message_id: int) -> ChatMessage:
    message = session.get(ChatMessage, message_id)
    if message is None or message.conversation_id != conversation.id:
        raise NotFound(f"message {message_id} not found")
    return message


def media_file(data_dir: Path, message: ChatMessage) -> Path:
    """The stored picture of a message; only a path under the chat's media folder is
    served, whatever the row says (a row is data, and data may be wrong)."""
    if message.kind is not MessageKind.IMAGE or not message.media_path:
        raise NotFound(f"message {message.id} has no picture")
    folder = (data_dir / MEDIA_FOLDER).resolve()
    path = (data_dir / message.media_path).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFound(f"message {message.id} has no picture")
    return path


def of_case(session: Session, case_id: int) -> list[Conversation]:
    """The conversations a case was opened from or attached to, oldest first."""
    return list(session.scalars(select(Conversation).where(Conversation.case_id == case_id)
                                .order_by(Conversation.created_at, Conversation.id)))

