"""The calls this system makes to the LINE Messaging API: reply, push, a picture's content.

Every way a call can fail becomes a ``LineApiError`` saying whether trying again may
help; its message names a status or an exception type, never the person or the text.
The addresses come from ``LineSettings`` (LINE's own, or the simulator's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from callcenter.chat import line_protocol, policy
from callcenter.chat.config import LineSettings

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
CONTENT_PATH = "/v2/bot/message/{message_id}/content"


class LineApiError(Exception):
    def __init__(self, message: str, *, transient: bool, status: int | None = None,
                 ambiguous: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        # No answer came (a timeout): LINE may have accepted the request all the same.
        self.ambiguous = ambiguous


@dataclass(frozen=True, slots=True)
class Content:
    data: bytes | None
    too_large: bool


def _headers(settings: LineSettings, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.line_channel_token or ''}", **extra}


def _post(settings: LineSettings, path: str, body: dict[str, Any],
          headers: dict[str, str]) -> httpx.Response:
    url = settings.line_api_base_url.rstrip("/") + path
    try:
        return httpx.post(url, json=body, headers=headers,
                          timeout=settings.line_timeout_seconds)
    except httpx.TimeoutException as exc:
        raise LineApiError(f"timeout after {settings.line_timeout_seconds:g}s",
                           transient=True, ambiguous=True) from exc
    except httpx.HTTPError as exc:
        raise LineApiError(f"connection: {type(exc).__name__}", transient=True) from exc


def _refused(reply: httpx.Response) -> LineApiError:
    return LineApiError(f"HTTP {reply.status_code}", status=reply.status_code,
                        transient=policy.is_transient(reply.status_code))


def reply(settings: LineSettings, token: str, messages: list[dict[str, Any]]) -> str:
    """Answer with the event's reply token; LINE's request id."""
    answer = _post(settings, REPLY_PATH, line_protocol.reply_body(token, messages),
                   _headers(settings))
    if not answer.is_success:
        raise _refused(answer)
    return answer.headers.get("x-line-request-id", "accepted")[:120]


def push(settings: LineSettings, to: str, messages: list[dict[str, Any]],
         retry_key: str) -> str:
    """Push under ``retry_key``; a 409 means LINE already accepted this key: sent."""
    answer = _post(settings, PUSH_PATH, line_protocol.push_body(to, messages),
                   _headers(settings, **{"X-Line-Retry-Key": retry_key}))
    if answer.status_code == 409:
        return answer.headers.get("x-line-accepted-request-id", "accepted")[:120]
    if not answer.is_success:
        raise _refused(answer)
    return answer.headers.get("x-line-request-id", "accepted")[:120]


def content(settings: LineSettings, message_id: str) -> Content:
    """A picture's bytes, read no further than the size limit."""
    url = (settings.line_data_api_base_url.rstrip("/")
           + CONTENT_PATH.format(message_id=message_id))
    limit = settings.line_image_max_bytes
    try:
        with httpx.stream("GET", url, headers=_headers(settings),
                          timeout=settings.line_timeout_seconds) as answer:
            if not answer.is_success:
                raise _refused(answer)
            declared = answer.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                return Content(None, too_large=True)
            chunks, size = [], 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > limit:
                    return Content(None, too_large=True)
                chunks.append(chunk)
            return Content(b"".join(chunks), too_large=False)
    except httpx.TimeoutException as exc:
        raise LineApiError("timeout fetching content", transient=True) from exc
    except httpx.HTTPError as exc:
        raise LineApiError(f"connection: {type(exc).__name__}", transient=True) from exc
