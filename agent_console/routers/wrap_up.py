"""The agent's after-call work on the agent page (htmx fragment, refreshed every few seconds).

``GET /agent/wrap-up`` only reads: the agent's last call, whether its queue requires
wrap-up and whether the call still owes a disposition or a case, with the timer since it
ended. The server, not this page, holds the rule (``callcenter.calls.wrap_up_jobs``
pauses and frees the agent), so a closed page changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import pbx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.templating import templates
from callcenter.agents.models import Role
from callcenter.calls import after_call, wrap_up, wrap_up_jobs
from callcenter.db import utcnow

router = APIRouter(include_in_schema=False)
AgentOnly = Depends(require(Role.AGENT))
BUSY = ("in_call", "ringing")


@router.get("/agent/wrap-up", response_class=HTMLResponse)
def wrap_up_work(request: Request, viewer: Viewer = AgentOnly, db: Session = DB) -> Response:
    call = after_call.last_call(db, viewer.id)
    live, _ok = pbx.read_live(request, viewer)
    work = None
    if call is not None and (live or {}).get("status") not in BUSY:
        work = wrap_up.wrap_up(ended_at=call.ended_at, now=utcnow(),
                               required=after_call.wrap_up_required(db, call.queue_name),
                               disposition=call.disposition,
                               has_case=wrap_up_jobs.has_case(db, call.id))
    return templates.TemplateResponse(request, "agent/_wrap_up.html", page_context(
        request, work=work, call=call), block_name="work")
