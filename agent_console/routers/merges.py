"""Merging a duplicate into a case (supervisors) and undoing a merge (admins): pages.

The merge page finds the duplicate by its number, shows what would move, asks why and
merges on confirmation; a refusal is said on the same page, in the page's language, and
changes nothing. The JSON twins are in ``api_merges.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx, i18n
from agent_console.admin_access import admin_only
from agent_console.case_access import ReadableCase
from agent_console.case_steps import read_case, record_read
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.templating import templates
from callcenter.cases import merging
from callcenter.cases.models import Case
from callcenter.errors import DomainError

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Supervisor = Depends(require(*access.AUDIT_ROLES))
Admin = Depends(admin_only)
NUMBER = r"^[0-9\- ]{0,20}$"


def problem_text(request: Request, exc: DomainError) -> str:
    """A refusal in the page's language: this part's message for the rule, else the
    kind of error, else the service's own words."""
    _ = page_context(request)["_"]
    english = i18n.catalogue("en")
    for key in (f"merge.problem.{exc.field}", f"error.{exc.code}"):
        if key in english:
            return _(key)
    return exc.message


def _merge_page(request: Request, db: Session, viewer: Viewer, target: Case, *, number: str,
                reason: str = "", problem: DomainError | None = None) -> Response:
    source = moves = None
    if number:
        try:
            source = merging.by_number(db, number)
            read_case(db, source.id, viewer, request)
            moves = merging.preview(db, source, target)
        except DomainError as exc:
            problem = problem or exc
    context = page_context(request, case=target, number=number, source=source, moves=moves,
                           reason=reason, problem=problem_text(request, problem)
                           if problem else None)
    return templates.TemplateResponse(request, "merge.html", context,
                                      status_code=problem.status_code if problem else 200)


@router.get("/cases/{case_id}/merge", response_class=HTMLResponse)
def merge_page(request: Request,
               number: str = Query(default="", max_length=20, pattern=NUMBER),
               viewer: Viewer = Supervisor, case: Case = ReadableCase,
               db: Session = DB) -> Response:
    """Find the duplicate by number and see what would move into this case."""
    target = record_read(db, case, viewer, request)
    return _merge_page(request, db, viewer, target, number=number.strip())


@router.post("/cases/{case_id}/merge")
def merge(request: Request, source_case_id: int = Form(ge=1, le=2**31 - 1),
          reason: str = Form(default="", max_length=2000),
          number: str = Form(default="", max_length=20, pattern=NUMBER),
          viewer: Viewer = Supervisor, case: Case = ReadableCase,
          db: Session = DB) -> Response:
    target = record_read(db, case, viewer, request)
    try:
        merging.merge(db, source_id=source_case_id, target_id=case.id, reason=reason,
                      actor_id=viewer.id, role=viewer.role.value)
    except DomainError as exc:
        return _merge_page(request, db, viewer, target, number=number.strip(), reason=reason,
                           problem=exc)
    return htmx.redirect(request, f"/cases/{case.id}")


def _merges_page(request: Request, db: Session, *, problem: DomainError | None = None,
                 problem_id: int | None = None) -> Response:
    context = page_context(request, merges=merging.views(db, merging.recent(db)),
                           problem=problem_text(request, problem) if problem else None,
                           problem_id=problem_id)
    return templates.TemplateResponse(request, "admin/merges.html", context,
                                      status_code=problem.status_code if problem else 200)


@router.get("/admin/merges", response_class=HTMLResponse)
def merges_page(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    """The latest merges, each with its undo while an admin may still undo it."""
    return _merges_page(request, db)


@router.post("/admin/merges/{merge_id}/undo")
def undo(merge_id: Id, request: Request, reason: str = Form(default="", max_length=2000),
         viewer: Viewer = Admin, db: Session = DB) -> Response:
    source_id = merging.get(db, merge_id).source_case_id
    try:
        merging.undo(db, merge_id, reason=reason, actor_id=viewer.id, role=viewer.role.value)
    except DomainError as exc:
        return _merges_page(request, db, problem=exc, problem_id=merge_id)
    return htmx.redirect(request, f"/cases/{source_id}")
