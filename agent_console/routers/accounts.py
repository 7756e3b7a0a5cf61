"""Locked accounts: supervisors unlock agents, admins anyone (rules: callcenter.agents.service).

Five wrong passwords or codes lock an account for ``service.LOCKOUT``; an agent who
locked themselves out (or was locked out by someone else's attempts) should not lose
that part of their shift, so the supervisor on duty can lift it. Every unlock is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.deps import Viewer, db_session, page_context
from agent_console.limits import Id, client_ip
from agent_console.routers.wallboard import supervisor_only
from agent_console.templating import templates
from callcenter.agents import service as agents
from callcenter.db import utcnow

router = APIRouter(prefix="/supervisor/accounts")


@router.get("", response_class=HTMLResponse)
def locked(
    request: Request,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    accounts = agents.locked_accounts(db, actor=viewer.role, now=utcnow())
    context = page_context(request, accounts=accounts,
                           unlocked=request.query_params.get("unlocked") == "1")
    return templates.TemplateResponse(request, "accounts.html", context)


@router.post("/{user_id}/unlock")
def unlock(
    request: Request,
    user_id: Id,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    agents.unlock(db, actor_id=viewer.id, actor=viewer.role, user_id=user_id,
                  source_ip=client_ip(request))
    return htmx.redirect(request, "/supervisor/accounts?unlocked=1")
