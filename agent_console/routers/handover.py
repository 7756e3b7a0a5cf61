"""The shift's hand-over page: a worker's open cases with what is due next, handed in
bulk to the next shift's workers by a supervisor.

Supervisors and admins pick the worker (themselves at first); an agent sees their own
list, read-only ("my hand-over"). The ticked cases go in turn to the chosen workers, all
or none: one case someone reassigned meanwhile refuses the batch, naming it.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.assignment_view import handover_worker, said
from agent_console.case_notices import tell_new_owners
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import client_ip, limit_body
from agent_console.templating import templates
from callcenter.agents import service as users
from callcenter.cases import agencies, assignment, caseload
from callcenter.errors import DomainError, InvalidInput

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
# A ticked case as the list drew it: "<case id>:<version>".
TICKED = re.compile(r"^(\d{1,10}):(\d{1,10})$")
MAX_ID = 2_147_483_647


def _ticked(values: list[str]) -> list[tuple[int, int]]:
    out = []
    for value in values:
        match = TICKED.match(value)
        if not match or max(int(match[1]), int(match[2])) > MAX_ID:
            raise InvalidInput("a ticked case is not one the list drew", field="case_ids")
        out.append((int(match[1]), int(match[2])))
    return out


@router.get("/handover", response_class=HTMLResponse)
def handover_page(request: Request,
                  worker_id: int | None = Query(default=None, ge=1, le=MAX_ID),
                  moved: int | None = Query(default=None, ge=0, le=10_000),
                  viewer: Viewer = Worker, db: Session = DB) -> Response:
    worker = handover_worker(viewer, worker_id)
    may_hand_over = viewer.role.value in assignment.REASSIGNING_ROLES
    person = users.by_id(db, worker)
    return templates.TemplateResponse(request, "owners/handover.html", page_context(
        request, worker_id=worker, worker_name=person.display_name if person else "-",
        rows=caseload.open_owned(db, worker), may_hand_over=may_hand_over,
        workers=assignment.workers(db) if may_hand_over else [],
        team_names=caseload.team_names(db), province_by_code=agencies.provinces_by_code(),
        moved=moved))


@router.post("/handover")
def hand_over(request: Request, worker_id: int = Form(ge=1, le=MAX_ID),
              case: list[str] = Form(default=[], max_length=assignment.MAX_BATCH),
              to_owner_id: list[int] = Form(default=[], max_length=50),
              reason: str = Form(default="", max_length=300),
              viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    """Reassign the ticked cases; back to the worker's (now shorter) list."""
    try:
        rows = assignment.handover(
            db, _ticked(case), [i for i in to_owner_id if 0 < i <= MAX_ID],
            actor_id=viewer.id, actor_role=viewer.role.value, reason=reason.strip() or None,
            source_ip=client_ip(request))
    except DomainError as exc:
        raise said(request, exc) from None
    tell_new_owners(request, db, viewer, rows)
    return htmx.redirect(request, f"/handover?worker_id={worker_id}&moved={len(rows)}")
