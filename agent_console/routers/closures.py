"""Closures waiting for a supervisor: the list, approving and sending back (pages)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.templating import templates
from callcenter.cases import closure

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Supervisor = Depends(require(*access.AUDIT_ROLES))
# A form's version as drawn; bounded so a forged one is a 422, never a database error.
VERSION = Form(ge=1, le=2_147_483_647)


@router.get("/closures", response_class=HTMLResponse)
def waiting_page(request: Request, viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "closures.html", page_context(
        request, waiting=closure.waiting(db)))


@router.post("/closures/{request_id}/approve")
def approve(request_id: Id, request: Request, version: int = VERSION,
            viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    row = closure.get_request(db, request_id)
    closure.approve(db, row, actor_id=viewer.id, role=viewer.role.value, version=version)
    return htmx.redirect(request, f"/cases/{row.case_id}")


@router.post("/closures/{request_id}/send-back")
def send_back(request_id: Id, request: Request, version: int = VERSION,
              reason: str = Form(default="", max_length=300),
              viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    row = closure.get_request(db, request_id)
    closure.send_back(db, row, actor_id=viewer.id, role=viewer.role.value, reason=reason,
                      version=version)
    return htmx.redirect(request, f"/cases/{row.case_id}")
