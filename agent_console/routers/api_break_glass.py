"""JSON API for break the glass: open a case not one's own with a reason, and the
supervisors' review list (the pages are in ``routers/break_glass.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, client_ip, limit_body
from callcenter.cases import access_grants, read_rights
from callcenter.cases import service as cases
from callcenter.cases.need_to_know import Why
from callcenter.db import utcnow

router = APIRouter(prefix="/api", tags=["access"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
CaseReader = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))


class BreakGlassIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Why this case must be read now (10 to 300 characters); supervisors review it.
    reason: str = Field(max_length=1000)


class AccessOut(BaseModel):
    case_id: int
    # owner, team, current_call, grant or role: why the viewer may now read the case.
    why: Why
    # When the grant ends (grants only).
    until: datetime | None = None
    grant_id: int | None = None


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    case_id: int
    reason: str
    granted_at: datetime
    expires_at: datetime
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_note: str | None


class ReviewOut(GrantOut):
    case_number: str
    user_login: str
    user_name: str


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=300)


@router.post("/cases/{case_id}/break-glass", response_model=AccessOut, status_code=201,
             responses=errors(404, 422))
def break_glass(case_id: Id, body: BreakGlassIn, request: Request, response: Response,
                viewer: Viewer = CaseReader, db: Session = DB):
    """Open a case one may not read otherwise, saying why: 201 with the grant (audited
    as ``case.break_glass``); 200 and nothing written when the case is readable already."""
    case = cases.get(db, case_id)
    now = utcnow()
    found = read_rights.access(db, viewer, case, now=now)
    if found is not None:
        response.status_code = 200
        return AccessOut(case_id=case.id, why=found.why, until=found.until)
    grant = access_grants.break_glass(db, case=case, user_id=viewer.id, reason=body.reason,
                                      now=now, source_ip=client_ip(request))
    return AccessOut(case_id=case.id, why=Why.GRANT, until=grant.expires_at,
                     grant_id=grant.id)


@router.get("/access-reviews", response_model=list[ReviewOut], responses=errors(403, 422))
def reviews(unreviewed: bool = False, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=100)] = 50,
            viewer: Viewer = Supervisor, db: Session = DB):
    """Break-the-glass openings, newest first; ``unreviewed=true`` for those still to review."""
    return [ReviewOut(**GrantOut.model_validate(r.grant).model_dump(),
                      case_number=r.case_number, user_login=r.who.login,
                      user_name=r.who.display_name)
            for r in access_grants.review_list(db, unreviewed_only=unreviewed, page=page,
                                               per_page=per_page)]


@router.post("/access-reviews/{grant_id}/review", response_model=GrantOut,
             responses=errors(403, 404, 409, 422))
def review(grant_id: Id, body: ReviewIn, request: Request, viewer: Viewer = Supervisor,
           db: Session = DB):
    """Mark an opening reviewed (once: 409 after another supervisor did)."""
    grant = access_grants.mark_reviewed(db, access_grants.get(db, grant_id),
                                        reviewer_id=viewer.id, note=body.note, now=utcnow(),
                                        source_ip=client_ip(request))
    return GrantOut.model_validate(grant)
