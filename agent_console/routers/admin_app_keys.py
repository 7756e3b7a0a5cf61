"""Partner applications' keys, for admins: the list, issuing a key, revoking one.

As a phone's password: the key is drawn into the answer of the request that issued it
(never a redirect, so it is in no URL and no page that can be fetched again) and is
kept nowhere; issuing and revoking want a fresh second factor. The JSON twin is
``api_admin_app_keys.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only, fresh_second_factor, needs_fresh_code
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, client_ip
from agent_console.templating import templates
from callcenter.agents import service as users
from callcenter.db import utcnow
from callcenter.intake import app_keys
from callcenter.intake.app_key_rules import MAX_PER_MINUTE, MIN_PER_MINUTE
from callcenter.intake.app_key_schemas import AppKeyIn, RevokeIn

router = APIRouter(prefix="/admin/app-keys")
DONE = ("revoked",)


@router.get("", response_class=HTMLResponse)
def key_list(
    request: Request,
    done: Annotated[str | None, Query(max_length=10)] = None,
    viewer: Viewer = Depends(admin_only),
    db: Session = DB,
) -> Response:
    keys = app_keys.all_keys(db)
    named = {k.created_by_id for k in keys} | {k.revoked_by_id for k in keys}
    admins = {i: u.display_name for i, u in users.by_ids(db, named - {None}).items()}
    context = page_context(request, keys=keys, admins=admins,
                           done=done if done in DONE else None,
                           needs_code=needs_fresh_code(viewer),
                           min_per_minute=MIN_PER_MINUTE, max_per_minute=MAX_PER_MINUTE)
    return templates.TemplateResponse(request, "admin/app_keys/list.html", context)


@router.post("", response_class=HTMLResponse)
def issue_key(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    contact: Annotated[str, Form(max_length=300)],
    per_minute: Annotated[int, Form(ge=MIN_PER_MINUTE, le=MAX_PER_MINUTE)] = 30,
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = DB,
) -> Response:
    given = AppKeyIn(name=name, contact=contact, per_minute=per_minute)
    done = app_keys.issue(db, given, secret=request.app.state.settings.effective_secret_key(),
                          actor_id=viewer.id, source_ip=client_ip(request), now=utcnow())
    page = templates.TemplateResponse(request, "admin/app_keys/issued.html", page_context(
        request, app_key=done.row, key=done.key))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/{app_key_id}/revoke")
def revoke_key(
    request: Request,
    app_key_id: Id,
    reason: Annotated[str, Form(max_length=400)],
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = DB,
) -> Response:
    app_keys.revoke(db, app_key_id, reason=RevokeIn(reason=reason).reason, actor_id=viewer.id,
                    source_ip=client_ip(request), now=utcnow())
    return htmx.redirect(request, "/admin/app-keys?done=revoked")
