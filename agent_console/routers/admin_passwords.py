"""An admin's password actions on a person: a one-time set-up link, a forced change.

Neither shows nor sets a password. The set-up link is sensitive (whoever holds it
chooses the person's password), so it wants a fresh second factor, and its page is the
only place the link is ever shown: it is not stored (only its hash), not logged and not
mailed. The JSON twins are in ``api_admin_passwords.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only, fresh_second_factor
from agent_console.deps import Viewer, db_session, page_context
from agent_console.limits import Id, client_ip
from agent_console.templating import templates
from callcenter.agents import password_changes, setup_links
from callcenter.agents import service as agents
from callcenter.db import utcnow

router = APIRouter(prefix="/admin/people")


def setup_url(request: Request, token: str) -> str:
    """The link in full, from the address the admin reached the console at."""
    return f"{str(request.base_url).rstrip('/')}/setup/{token}"


@router.post("/{user_id}/setup-link", response_class=HTMLResponse)
def issue_setup_link(
    request: Request,
    user_id: Id,
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    now = utcnow()
    token = setup_links.issue(db, user_id=user_id, actor_id=viewer.id, now=now,
                              source_ip=client_ip(request))
    person = agents.by_id(db, user_id)
    context = page_context(request, person=person, url=setup_url(request, token),
                           expires_at=now + setup_links.LIFETIME)
    response = templates.TemplateResponse(request, "admin/people/setup_link.html", context)
    # Shown once: going back must not draw it again from a cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.post("/{user_id}/force-password-change")
def force_password_change(
    request: Request,
    user_id: Id,
    viewer: Viewer = Depends(admin_only),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    password_changes.force_change(db, user_id=user_id, actor_id=viewer.id,
                                  source_ip=client_ip(request))
    # The person's page confirms it when ``password_forced`` is among its ``DONE`` keys.
    return htmx.redirect(request, f"/admin/people/{user_id}?done=password_forced")
