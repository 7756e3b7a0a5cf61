"""A signed-in person changes their own password (and must, when an admin forced it).

While ``must_change_password`` is set, this page and signing out are all the person may
reach (``deps.load_viewer``); the change lifts it. The current password is asked first,
so a browser left signed in cannot be used to take the account over.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.deps import Viewer, current_viewer, db_session, page_context
from agent_console.limits import client_ip
from agent_console.routers.auth import HOME_BY_ROLE
from agent_console.routers.setup import refusal_text
from agent_console.templating import templates
from callcenter.agents import password_changes
from callcenter.agents import service as agents
from callcenter.agents.passwords import WeakPassword
from callcenter.db import utcnow

router = APIRouter(prefix="/account", include_in_schema=False)


def _page(request: Request, viewer: Viewer, db: Session, *, error: str | None = None,
          field_error: str | None = None, status: int = 200) -> Response:
    user = agents.by_id(db, viewer.id)
    context = page_context(request, error=error, field_error=field_error,
                           forced=bool(user and user.must_change_password))
    return templates.TemplateResponse(request, "account_password.html", context,
                                      status_code=status)


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, viewer: Viewer = Depends(current_viewer),
                  db: Session = Depends(db_session, scope="function")) -> Response:
    return _page(request, viewer, db)


@router.post("/password")
def change_password(
    request: Request,
    current_password: str = Form(max_length=400),
    password: str = Form(max_length=400),
    password_again: str = Form(max_length=400),
    viewer: Viewer = Depends(current_viewer),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    try:
        password_changes.change_own(db, user_id=viewer.id, current=current_password,
                                    password=password, again=password_again, now=utcnow(),
                                    session_key=viewer.session_key,
                                    source_ip=client_ip(request))
    except WeakPassword as refused:
        return _page(request, viewer, db, error=refusal_text(request, refused),
                     field_error=refused.field, status=422)
    return htmx.redirect(request, HOME_BY_ROLE[viewer.role])
