"""Break the glass (pages): open a case not one's own with a stated reason, and the
supervisors' review of every such opening. The rule is ``callcenter.cases.need_to_know``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, client_ip, limit_body
from agent_console.templating import templates
from callcenter.cases import access_grants, read_rights
from callcenter.cases import need_to_know as rule
from callcenter.cases import service as cases
from callcenter.cases.models import Case
from callcenter.db import utcnow
from callcenter.errors import InvalidInput

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
PER_PAGE = 50


def _form(request: Request, case: Case, *, reason: str = "", problem: bool = False,
          status: int = 200) -> Response:
    return templates.TemplateResponse(request, "access/break_glass.html", page_context(
        request, case=case, reason=reason, problem=problem,
        reason_min=rule.REASON_MIN, reason_max=rule.REASON_MAX,
        grant_hours=int(rule.GRANT_LENGTH.total_seconds() // 3600)), status_code=status)


@router.get("/cases/{case_id}/break-glass", response_class=HTMLResponse)
def break_glass_form(case_id: Id, request: Request, viewer: Viewer = Worker,
                     db: Session = DB) -> Response:
    """The reason form: the case's number, status, province, urgency and date only. One
    who may read the case already goes straight to it."""
    case = cases.get(db, case_id)
    if read_rights.access(db, viewer, case, now=utcnow()) is not None:
        return htmx.redirect(request, f"/cases/{case.id}")
    return _form(request, case)


@router.post("/cases/{case_id}/break-glass")
def break_glass(case_id: Id, request: Request,
                reason: str = Form(default="", max_length=1000),
                viewer: Viewer = Worker, db: Session = DB) -> Response:
    """Write the grant and its audit event (``case.break_glass``), then open the case."""
    case = cases.get(db, case_id)
    if read_rights.access(db, viewer, case, now=utcnow()) is None:
        try:
            access_grants.break_glass(db, case=case, user_id=viewer.id, reason=reason,
                                      now=utcnow(), source_ip=client_ip(request))
        except InvalidInput:
            return _form(request, case, reason=reason, problem=True, status=422)
    return htmx.redirect(request, f"/cases/{case.id}")


@router.get("/access-reviews", response_class=HTMLResponse)
def reviews(request: Request, unreviewed: bool = Query(default=False),
            page: int = Query(default=1, ge=1, le=10_000),
            viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    """Every break-the-glass opening, newest first (or the unreviewed ones alone)."""
    rows = access_grants.review_list(db, unreviewed_only=unreviewed, page=page,
                                     per_page=PER_PAGE)
    return templates.TemplateResponse(request, "access/reviews.html", page_context(
        request, rows=rows, unreviewed=unreviewed, page=page, per_page=PER_PAGE,
        note_max=access_grants.NOTE_MAX, now=utcnow()))


@router.post("/access-reviews/{grant_id}/review")
def review(grant_id: Id, request: Request, note: str = Form(default="", max_length=300),
           unreviewed: bool = Form(default=False),
           viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    """Mark an opening reviewed, with an optional note; back to the list as it was."""
    access_grants.mark_reviewed(db, access_grants.get(db, grant_id), reviewer_id=viewer.id,
                                note=note, now=utcnow(), source_ip=client_ip(request))
    return htmx.redirect(request, "/access-reviews" + ("?unreviewed=true" if unreviewed else ""))
