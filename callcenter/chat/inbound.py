"""What each webhook event does to a conversation: the job's rules, given the session.

follow → a greeting with the topics as quick replies; a topic chosen (a quick reply,
or its label typed) → the conversation waits in ``chat-<topic>-<language>``; "in danger"
→ the urgent queue; anything written → the transcript (a first message without a topic
waits in the general queue: a person who types straight away must reach someone);
a picture → fetched, checked by size and magic bytes, kept under the data folder or
refused with a note; a location → its coordinates; unfollow → blocked, nothing more is
sent. Each event answers with at most one message, the only one to use its reply token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from callcenter.chat import line_protocol, media, policy, service, system_lines
from callcenter.chat.config import LineSettings
from callcenter.chat.line_api import Content
from callcenter.chat.line_protocol import LineEvent
from callcenter.chat.models import Conversation, ConversationStatus, MessageKind

log = logging.getLogger(__name__)

MEDIA_FOLDER = "chat_media"


@dataclass
class Applied:
    outcome: str
    outbound: list[int]
    # The conversation the event touched (its open pages are told after the commit).
    conversation_id: int | None = None


@dataclass(frozen=True)
class Tools:
    settings: LineSettings
    data_dir: Path
    # A picture's bytes by its LINE message id (``line_api.content``; a stub in tests).
    fetch: Callable[[str], Content]


def apply(session: Session, event: LineEvent, *, now: datetime, tools: Tools) -> Applied:
    if event.user_id is None:
        return Applied("ignored: no one-to-one user", [])
    handler = HANDLERS.get(event.type)
    if handler is None:
        # Stored with its type (the row), logged by its type only.
        log.info("line.event_ignored type=%s", event.type[:40])
        return Applied(f"ignored: {event.type}"[:80], [])
    applied = handler(session, event, now, tools)
    applied.conversation_id = service.latest_id(session, event.user_id)
    return applied


def _answer(session: Session, conversation: Conversation, event: LineEvent, key: str, *,
            now: datetime, tools: Tools, menu: bool = False) -> list[int]:
    language = conversation.language
    quick = line_protocol.quick_reply(policy.menu_items(language)) if menu else None
    expires = now + timedelta(seconds=tools.settings.line_reply_token_seconds)
    message = service.queue_outbound(
        session, conversation, policy.text(key, language), now=now, quick_reply=quick,
        reply_token=event.reply_token, token_expires_at=expires if event.reply_token else None)
    return [message.id]


def _follow(session, event, now, tools) -> Applied:
    conversation = service.current_or_new(session, event.user_id, now=now)
    return Applied("greeted", _answer(session, conversation, event, "greeting", now=now,
                                      tools=tools, menu=True))


def _unfollow(session, event, now, tools) -> Applied:
    conversation = service.open_conversation(session, event.user_id)
    if conversation is None:
        return Applied("blocked: no open conversation", [])
    service.block(session, conversation, now=now)
    return Applied("blocked", [])


def _choose(session, conversation: Conversation, event: LineEvent, topic: str, now,
            tools) -> list[int]:
    was_urgent = conversation.topic == policy.URGENT
    starts = service.wait_in_queue(conversation, topic, now=now)
    if topic == policy.URGENT and not was_urgent:
        return _answer(session, conversation, event, "urgent", now=now, tools=tools)
    if starts:
        return _answer(session, conversation, event, "queued", now=now, tools=tools)
    return []


def _postback(session, event, now, tools) -> Applied:
    conversation = service.current_or_new(session, event.user_id, now=now)
    language = policy.language_chosen(event.postback_data)
    if language is not None:
        conversation.language = language
        if conversation.queue_name and conversation.topic:
            conversation.queue_name = policy.queue_name(conversation.topic, language)
        return Applied("language", _answer(session, conversation, event, "greeting",
                                           now=now, tools=tools, menu=True))
    topic = policy.topic_chosen(postback=event.postback_data, text=None)
    if topic is None:
        return Applied("ignored: unknown postback", [])
    return Applied("topic", _choose(session, conversation, event, topic, now, tools))


def _message(session, event, now, tools) -> Applied:
    conversation = service.current_or_new(session, event.user_id, now=now)
    at = event.at or now
    kind = event.message_type
    answer: list[int] = []
    if kind == "text":
        service.append_inbound(session, conversation, MessageKind.TEXT, at=at,
                               line_message_id=event.message_id, text=event.text)
        topic = policy.topic_chosen(postback=None, text=event.text)
        if topic is not None:
            return Applied("topic", _choose(session, conversation, event, topic, now, tools))
    elif kind == "image":
        answer = _image(session, conversation, event, at=at, now=now, tools=tools)
    elif kind == "location":
        service.append_inbound(session, conversation, MessageKind.LOCATION, at=at,
                               line_message_id=event.message_id,
                               latitude=event.latitude, longitude=event.longitude,
                               text=_str(event.raw.get("message", {}).get("address")))
    elif kind == "sticker":
        service.append_inbound(session, conversation, MessageKind.STICKER, at=at,
                               line_message_id=event.message_id)
    else:
        service.note(session, conversation,
                     system_lines.with_detail(system_lines.KIND_NOT_KEPT, kind), now=at)
    if conversation.status is ConversationStatus.NEW:
        # A reply token serves one message: a second answer goes by push.
        later = replace(event, reply_token=None) if answer else event
        answer += _choose(session, conversation, later, policy.GENERAL, now, tools)
    return Applied(f"message: {kind}"[:80], answer)


def _image(session, conversation, event: LineEvent, *, at, now, tools: Tools) -> list[int]:
    if event.message_id is None:
        service.note(session, conversation, system_lines.NO_MESSAGE_ID, now=at)
        return []
    fetched = tools.fetch(event.message_id)
    refused = media.refusal(fetched.data, too_large=fetched.too_large,
                            max_bytes=tools.settings.line_image_max_bytes)
    if refused is not None:
        service.append_inbound(session, conversation, MessageKind.IMAGE, at=at,
                               line_message_id=event.message_id, refused_reason=refused)
        service.note(session, conversation,
                     system_lines.with_detail(system_lines.PICTURE_REFUSED, refused), now=at)
        return _answer(session, conversation, event, "image_refused", now=now, tools=tools)
    assert fetched.data is not None
    mime, extension = media.image_type(fetched.data[:16]) or ("", "bin")
    relative = Path(MEDIA_FOLDER) / str(conversation.id) / f"{event.message_id}.{extension}"
    target = tools.data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fetched.data)
    service.append_inbound(session, conversation, MessageKind.IMAGE, at=at,
                           line_message_id=event.message_id, media_path=str(relative),
                           media_size=len(fetched.data), media_type=mime)
    return []


def _str(value: object) -> str | None:
    return value[:500] if isinstance(value, str) and value else None


HANDLERS = {"follow": _follow, "unfollow": _unfollow, "postback": _postback,
            "message": _message}
