"""Owners on the case pages: reassigning a case from its page, and "my cases".

``/cases/mine`` lists the cases I own (open ones first, by what is due next, then my
latest closed ones) and my teams' open cases. The reassign form posts to
``/cases/{case_id}/assignment`` with the case's version; the new owner is told live.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.assignment_view import said
from agent_console.case_access import ReadableCase
from agent_console.case_notices import tell_new_owners
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import client_ip, limit_body
from agent_console.templating import templates
from callcenter.agents import service as users
from callcenter.cases import agencies, assignment, caseload
from callcenter.cases.models import Case
from callcenter.errors import DomainError

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
# Bounded so a forged value is a 422, never a database error.
MAX_ID = 2_147_483_647


@router.get("/cases/mine", response_class=HTMLResponse)
def my_cases(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    team = caseload.teams_open(db, viewer.id)
    owners = users.by_ids(db, {r.case.owner_id for r in team if r.case.owner_id})
    return templates.TemplateResponse(request, "owners/mine.html", page_context(
        request, owned=caseload.open_owned(db, viewer.id),
        closed=caseload.closed_owned(db, viewer.id), team=team,
        owner_names={i: u.display_name for i, u in owners.items()},
        team_names=caseload.team_names(db), province_by_code=agencies.provinces_by_code()))


@router.post("/cases/{case_id}/assignment")
def reassign(request: Request, owner_id: int = Form(ge=1, le=MAX_ID),
             team_id: str = Form(default="", max_length=12, pattern=r"^\d*$"),
             reason: str = Form(default="", max_length=300), version: int = Form(ge=1, le=MAX_ID),
             viewer: Viewer = Worker, case: Case = ReadableCase,
             db: Session = DB) -> Response:
    """The case page's form: its team list starts at the case's team ("" is no team)."""
    try:
        row = assignment.reassign(
            db, case.id, to_owner_id=owner_id, actor_id=viewer.id,
            actor_role=viewer.role.value, reason=reason, version=version, keep_team=False,
            to_team_id=int(team_id) if team_id else None, source_ip=client_ip(request))
    except DomainError as exc:
        raise said(request, exc) from None
    tell_new_owners(request, db, viewer, [row])
    return htmx.redirect(request, f"/cases/{case.id}")
