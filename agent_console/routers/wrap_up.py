"""The agent's after-call work on the agent page (htmx fragment, refreshed every few seconds).

``POST /agent/wrap-up`` looks at the agent's last call: if its queue requires wrap-up and
the call has neither a disposition nor a case, the agent is paused in Asterisk with reason
``wrap_up`` (and paused again if they resume too early); once the call has one, a pause
the console made for it is lifted. It is a POST because it may change the agent's queue
state. The rules are ``callcenter.calls.wrap_up``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import pbx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.templating import templates
from callcenter.agents import refusals
from callcenter.agents import state as agent_state
from callcenter.agents.models import Role
from callcenter.calls import after_call, wrap_up
from callcenter.cases import call_guests
from callcenter.db import utcnow
from callcenter.queues.stats import parse_time

router = APIRouter(include_in_schema=False)
AgentOnly = Depends(require(Role.AGENT))
BUSY = ("in_call", "ringing")


def _ours(live: dict[str, Any], ended_at: datetime) -> bool:
    """A wrap_up pause that began after the call ended: the one this page made."""
    since = parse_time(live.get("changed_at"))
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return live.get("paused_reason") == wrap_up.PAUSE_REASON and (
        since is None or since >= ended_at)


def _hold_or_free(request: Request, viewer: Viewer, live: dict[str, Any] | None, *,
                  status: str | None, work: wrap_up.WrapUp, required: bool,
                  ended_at: datetime) -> None:
    """Pause the agent who owes wrap-up; free one the page paused once it is done."""
    node = pbx.node_for(request, live)
    commands = pbx.commands(request)
    try:
        if work.owed and status == "available":
            agent_state.pause(commands, user=viewer, node=node, reason=wrap_up.PAUSE_REASON)
        elif required and not work.owed and status == "paused" and _ours(live or {}, ended_at):
            agent_state.unpause(commands, user=viewer, node=node)
    except refusals.PbxRefused:
        # Asked again in 5 s; meanwhile the page's banner says when the PBX is away, and
        # Asterisk's own wrapuptime still holds the next call for a moment.
        return


@router.post("/agent/wrap-up", response_class=HTMLResponse)
def wrap_up_work(request: Request, viewer: Viewer = AgentOnly, db: Session = DB) -> Response:
    now = utcnow()
    call = after_call.last_call(db, viewer.id)
    live, _ok = pbx.read_live(request, viewer)
    status = (live or {}).get("status")
    work = None
    if call is not None and status not in BUSY:
        required = after_call.wrap_up_required(db, call.queue_name)
        work = wrap_up.wrap_up(ended_at=call.ended_at, now=now, required=required,
                               disposition=call.disposition,
                               has_case=call_guests.call_has_case(db, call.id))
        _hold_or_free(request, viewer, live, status=status, work=work, required=required,
                      ended_at=call.ended_at)
    return templates.TemplateResponse(request, "agent/_wrap_up.html", page_context(
        request, work=work, call=call), block_name="work")
