"""Conversations as the routing leaves them for the desk: ACTIVE with an agent (set
directly: the routing's offer and accept are another part's), with messages of each kind."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.chat import service
from callcenter.chat.inbound import MEDIA_FOLDER
from callcenter.chat.models import ChatMessage, Conversation, ConversationStatus, MessageKind
from callcenter.db import utcnow

# The smallest PNG: its magic bytes are what the desk serves it by.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
       b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def user_id(db: Session, login: str) -> int:
    return db.scalar(select(User.id).where(User.login == login))


def active_conversation(db: Session, agent_id: int, *, topic: str = "family_violence",
                        language: str = "th") -> Conversation:
    now = utcnow()
    conversation = service.start_conversation(db, f"U{uuid.uuid4().hex}", now=now,
                                              language=language)
    conversation.topic = topic
    conversation.queue_name = f"chat-{topic}-{language}"
    conversation.status = ConversationStatus.ACTIVE
    conversation.agent_id = agent_id
    db.flush()
    return conversation


def says(db: Session, conversation: Conversation, text: str) -> ChatMessage:
    return service.append_inbound(db, conversation, MessageKind.TEXT, at=utcnow(),
                                  line_message_id=uuid.uuid4().hex[:20], text=text)


def sends_picture(db: Session, conversation: Conversation, data_dir: Path, *,
                  folder: str | None = None) -> ChatMessage:
    """A picture as the inbound job keeps it: under the data folder, typed by its bytes
    (``folder``: a fixed one, for a data folder that outlives the test)."""
    name = uuid.uuid4().hex[:20]
    relative = (Path(MEDIA_FOLDER) / (folder or str(conversation.id))
                / f"{folder or name}.png")
    (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    (data_dir / relative).write_bytes(PNG)
    return service.append_inbound(db, conversation, MessageKind.IMAGE, at=utcnow(),
                                  line_message_id=name, media_path=str(relative),
                                  media_size=len(PNG), media_type="image/png")


def sends_location(db: Session, conversation: Conversation) -> ChatMessage:
    return service.append_inbound(db, conversation, MessageKind.LOCATION, at=utcnow(),
                                  line_message_id=uuid.uuid4().hex[:20], latitude=18.78833,
                                  longitude=98.98531, text="ถนนห้วยแก้ว เชียงใหม่")


def sends_sticker(db: Session, conversation: Conversation) -> ChatMessage:
    return service.append_inbound(db, conversation, MessageKind.STICKER, at=utcnow(),
                                  line_message_id=uuid.uuid4().hex[:20])
