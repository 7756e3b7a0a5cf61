"""JSON twins of the admin's password actions (``admin_passwords.py``).

``POST /api/admin/people/{id}/setup-link`` answers the link once (a fresh second
factor: header ``X-TOTP-Code`` when the last code is stale); ``…/force-password-change``
sets the forced change.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only, fresh_second_factor
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from agent_console.routers.admin_passwords import setup_url
from callcenter.agents import password_changes, setup_links
from callcenter.db import utcnow

router = APIRouter(prefix="/api/admin/people", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)


class SetupLinkOut(BaseModel):
    user_id: int
    # The link to hand over; shown this once, never stored or logged.
    url: str
    expires_at: datetime


class ForcedOut(BaseModel):
    user_id: int
    must_change_password: bool
    version: int


@router.post("/{user_id}/setup-link", response_model=SetupLinkOut, responses=errors(404))
def issue_setup_link(request: Request, user_id: Id,
                     viewer: Viewer = Depends(fresh_second_factor),
                     db: Session = DB) -> SetupLinkOut:
    now = utcnow()
    token = setup_links.issue(db, user_id=user_id, actor_id=viewer.id, now=now,
                              source_ip=client_ip(request))
    return SetupLinkOut(user_id=user_id, url=setup_url(request, token),
                        expires_at=now + setup_links.LIFETIME)


@router.post("/{user_id}/force-password-change", response_model=ForcedOut,
             responses=errors(404))
def force_password_change(request: Request, user_id: Id,
                          viewer: Viewer = Depends(admin_only),
                          db: Session = DB) -> ForcedOut:
    user = password_changes.force_change(db, user_id=user_id, actor_id=viewer.id,
                                         source_ip=client_ip(request))
    return ForcedOut(user_id=user.id, must_change_password=user.must_change_password,
                     version=user.version)
