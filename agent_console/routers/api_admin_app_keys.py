"""JSON API of the partner applications' keys (admins only): the same as /admin/app-keys.

The key is in the answer that issues it and nowhere else, ever; issuing and revoking
want a fresh second factor (``X-TOTP-Code`` when the last is old).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only, fresh_second_factor
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.db import utcnow
from callcenter.intake import app_keys
from callcenter.intake.app_key_schemas import AppKeyIn, AppKeyOut, IssuedKeyOut, RevokeIn

router = APIRouter(prefix="/api/admin/app-keys", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)


@router.get("", response_model=list[AppKeyOut])
def list_keys(viewer: Viewer = Depends(admin_only), db: Session = DB):
    """Every key issued, revoked ones too: never a key or its digest."""
    return app_keys.all_keys(db)


@router.post("", response_model=IssuedKeyOut, status_code=201, responses=errors(422))
def issue_key(body: AppKeyIn, request: Request, response: Response,
              viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """A key for a partner application; the answer holds the key, once."""
    done = app_keys.issue(db, body, secret=request.app.state.settings.effective_secret_key(),
                          actor_id=viewer.id, source_ip=client_ip(request), now=utcnow())
    response.headers["Cache-Control"] = "no-store"
    return IssuedKeyOut(app_key=AppKeyOut.model_validate(done.row), key=done.key)


@router.get("/{app_key_id}", response_model=AppKeyOut, responses=errors(404, 422))
def get_key(app_key_id: Id, viewer: Viewer = Depends(admin_only), db: Session = DB):
    return app_keys.get(db, app_key_id)


@router.post("/{app_key_id}/revoke", response_model=AppKeyOut,
             responses=errors(404, 409, 422))
def revoke_key(app_key_id: Id, body: RevokeIn, request: Request,
               viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """The key stops working at once; it stays on the list with who revoked it and why."""
    return app_keys.revoke(db, app_key_id, reason=body.reason, actor_id=viewer.id,
                           source_ip=client_ip(request), now=utcnow())
