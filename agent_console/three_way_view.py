"""The three-way panel and the wrap-up line as the agent page draws them.

What the routes of ``routers/three_way.py`` share: the call's live state and the agent's
own channel from the bridge, the guests brought up to date with what the bridge saw,
and language names in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import pbx, screenpop
from agent_console.deps import Viewer, language
from callcenter.calls import guests
from callcenter.calls import interpreter_rules as rules
from callcenter.calls.models import Call


def live_of(request: Request, call: Call) -> dict[str, Any] | None:
    return screenpop.live_call(request.app.state.redis, call.node, call.uniqueid)


def agent_channel(request: Request, viewer: Viewer, call: Call) -> str | None:
    """The agent's own leg of this call, as the bridge reports the agent (None if the
    agent is not on it: a supervisor looking, or the call has moved on)."""
    live, _ok = pbx.read_live(request, viewer)
    if not live or live.get("current_call") != call.uniqueid:
        return None
    return live.get("channel")


def language_namer(request: Request) -> Callable[[str], str]:
    english = language(request) == "en"
    return lambda code: rules.language_name(code, english=english)


def panel(request: Request, db: Session, viewer: Viewer, call: Call) -> dict[str, object]:
    """Everything the panel shows; the guests' rows take what the bridge saw first
    (their channel, when they joined and left), so the record follows the call."""
    live = live_of(request, call)
    participants = (live or {}).get("participants") or []
    rows = guests.note_live(db, call, participants)
    return {"call": call, "guests": rows, "participants": participants,
            "in_conference": bool((live or {}).get("conference")),
            "connected": agent_channel(request, viewer, call) is not None,
            "language_name": language_namer(request)}
