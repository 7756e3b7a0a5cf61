"""The transcript's system lines and a refused picture's reason: stored in plain English
words (the record reads alone, and the rows already written keep theirs), shown on a
page in its own language by the code read back from those words. Pure.
"""

from __future__ import annotations

import re

BLOCKED = "the person blocked the account"
ENDED = "the agent ended the conversation"
SIGNED_OUT = "back to the queue: the agent signed out"
RETURNED = "back to the queue: returned by a supervisor"
NO_MESSAGE_ID = "a picture without a message id"
# These two end with ": <detail>" (the kind of message, the picture's refusal).
KIND_NOT_KEPT = "a message of a kind not kept"
PICTURE_REFUSED = "a picture was refused"

_WHOLE = {BLOCKED: "blocked", ENDED: "ended", SIGNED_OUT: "signed_out",
          RETURNED: "returned", NO_MESSAGE_ID: "no_message_id"}
_PREFIXED = {KIND_NOT_KEPT: "kind_not_kept", PICTURE_REFUSED: "picture_refused"}
_TOO_LARGE = re.compile(r"larger than (\d+) MB")


def with_detail(line: str, detail: str) -> str:
    return f"{line}: {detail}"[:200]


def code_of(text: str | None) -> tuple[str, str] | None:
    """(code, detail) of a system line the system wrote; None for any other words."""
    text = text or ""
    if text in _WHOLE:
        return _WHOLE[text], ""
    for prefix, code in _PREFIXED.items():
        if text.startswith(prefix + ": "):
            return code, text.removeprefix(prefix + ": ")
    return None


def refusal_code(reason: str | None) -> tuple[str, str] | None:
    """(code, megabytes) of a picture's refusal (``media.refusal``'s words)."""
    if reason == "empty":
        return "empty", ""
    if reason == "not an image":
        return "not_image", ""
    found = _TOO_LARGE.fullmatch(reason or "")
    return ("too_large", found.group(1)) if found else None
