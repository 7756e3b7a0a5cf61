"""The LINE Messaging API's wire format, pure: the webhook signature, webhook bodies in,
message JSON out. No socket, no clock, no database (tested with literal bodies).

LINE signs the raw body (``X-Line-Signature``: base64 of HMAC-SHA256 with the channel
secret); the body is parsed only once the signature holds. A body is refused as a whole
when it is not LINE's shape; an event of a type this code does not know is still read
(its id and type) so it can be stored and ignored, never lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# LINE's own limits on what it accepts from us.
TEXT_MAX = 5000
QUICK_REPLY_MAX_ITEMS = 13
QUICK_REPLY_LABEL_MAX = 20
POSTBACK_DATA_MAX = 300
MESSAGES_PER_REQUEST = 5
# Ours: a webhook body holds a few events; far more is no LINE delivery.
EVENTS_MAX = 500
EVENT_ID_MAX = 64


class ProtocolError(ValueError):
    """A webhook body that is not LINE's shape (its message never quotes the body)."""


def signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_valid(secret: str | None, body: bytes, given: str | None) -> bool:
    """Whether ``given`` is LINE's signature of ``body``; never with no secret configured."""
    if not secret or not given:
        return False
    return hmac.compare_digest(signature(secret, body).encode(), given.strip().encode())


@dataclass(frozen=True, slots=True)
class LineEvent:
    """One webhook event, read leniently: fields a type lacks are None."""

    event_id: str
    type: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    user_id: str | None = field(default=None, repr=False)
    at: datetime | None = None
    reply_token: str | None = field(default=None, repr=False)
    redelivery: bool = False
    message_id: str | None = None
    message_type: str | None = None
    text: str | None = field(default=None, repr=False)
    latitude: float | None = None
    longitude: float | None = None
    postback_data: str | None = None


def parse_body(body: bytes) -> list[dict[str, Any]]:
    """The events of a (signed) webhook body, each with a usable id and type."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("the body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ProtocolError("the body has no list of events")
    events = data["events"]
    if len(events) > EVENTS_MAX:
        raise ProtocolError(f"more than {EVENTS_MAX} events")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise ProtocolError(f"event {index} is not an object")
        event_id, kind = event.get("webhookEventId"), event.get("type")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= EVENT_ID_MAX:
            raise ProtocolError(f"event {index} has no usable webhookEventId")
        if not isinstance(kind, str) or not 0 < len(kind) <= 40:
            raise ProtocolError(f"event {index} has no usable type")
    return events


def read_event(raw: dict[str, Any]) -> LineEvent:
    """A stored event's fields; wrong-typed fields are read as missing."""
    source = _dict(raw.get("source"))
    message = _dict(raw.get("message"))
    postback = _dict(raw.get("postback"))
    timestamp = raw.get("timestamp")
    at = (datetime.fromtimestamp(timestamp / 1000, UTC)
          if isinstance(timestamp, int | float) and timestamp > 0 else None)
    return LineEvent(
        event_id=str(raw.get("webhookEventId")),
        type=str(raw.get("type")),
        raw=raw,
        user_id=_str(source.get("userId"), 64) if source.get("type") == "user" else None,
        at=at,
        reply_token=_str(raw.get("replyToken"), 100),
        redelivery=bool(_dict(raw.get("deliveryContext")).get("isRedelivery")),
        message_id=_str(message.get("id"), 40),
        message_type=_str(message.get("type"), 20),
        text=_str(message.get("text"), TEXT_MAX),
        latitude=_number(message.get("latitude"), 90),
        longitude=_number(message.get("longitude"), 180),
        postback_data=_str(postback.get("data"), POSTBACK_DATA_MAX),
    )


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _number(value: object, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if -bound <= value <= bound else None


# Outbound -------------------------------------------------------------------------------


def quick_reply(items: list[tuple[str, str, str]]) -> dict[str, Any]:
    """LINE's quickReply object from (label, postback data, text shown in the chat)."""
    if len(items) > QUICK_REPLY_MAX_ITEMS:
        raise ValueError(f"at most {QUICK_REPLY_MAX_ITEMS} quick replies")
    return {"items": [
        {"type": "action", "action": {
            "type": "postback", "label": label[:QUICK_REPLY_LABEL_MAX],
            "data": data[:POSTBACK_DATA_MAX], "displayText": shown[:300]}}
        for label, data, shown in items]}


def text_message(text: str, quick: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "text", "text": text[:TEXT_MAX]}
    if quick:
        message["quickReply"] = quick
    return message


def reply_body(reply_token: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"replyToken": reply_token, "messages": messages[:MESSAGES_PER_REQUEST]}


def push_body(to: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"to": to, "messages": messages[:MESSAGES_PER_REQUEST]}
