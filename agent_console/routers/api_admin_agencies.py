"""JSON API for admins: the referral network's directory and the targets per agency type.

The same operations as the pages of ``admin_agencies.py``. Edits send the ``version``
they were based on; a newer save answers 409 with ``changed`` (the stored values that
differ).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.cases import agencies
from callcenter.cases.agency_schemas import AgencyIn, AgencyOut, TargetIn, TargetOut
from callcenter.cases.models import AgencyType

router = APIRouter(prefix="/api/admin", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


@router.get("/agencies", response_model=list[AgencyOut], responses=errors(422))
def agency_list(q: str = Query(default="", max_length=100),
                agency_type: AgencyType | None = None,
                province: str = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$"),
                include_inactive: bool = False, viewer: Viewer = Admin, db: Session = DB):
    """The directory, filtered by words (Thai or English name, services), type and
    province (national services are listed with every province)."""
    return agencies.search(db, text=q, agency_type=agency_type,
                           province_code=province or None,
                           active_only=not include_inactive, limit=500)


@router.post("/agencies", response_model=AgencyOut, status_code=201, responses=errors(422))
def agency_create(body: AgencyIn, request: Request, viewer: Viewer = Admin, db: Session = DB):
    """Add an agency; the phone is checked as a Thai number and stored in E.164."""
    return agencies.create(db, body, actor_id=viewer.id, source_ip=client_ip(request))


@router.get("/agencies/{agency_id}", response_model=AgencyOut, responses=errors(404, 422))
def agency_one(agency_id: Id, viewer: Viewer = Admin, db: Session = DB):
    return agencies.get(db, agency_id)


@router.put("/agencies/{agency_id}", response_model=AgencyOut,
            responses=errors(404, 409, 422))
def agency_update(agency_id: Id, body: AgencyIn, request: Request, viewer: Viewer = Admin,
                  db: Session = DB):
    """Save an edit (send ``version``); agencies are never deleted, switched off instead."""
    return agencies.update(db, agency_id, body, actor_id=viewer.id,
                           source_ip=client_ip(request))


@router.get("/referral-targets", response_model=list[TargetOut])
def target_list(viewer: Viewer = Admin, db: Session = DB):
    """Hours before a referral to an agency of each type is overdue."""
    return agencies.targets(db)


@router.put("/referral-targets/{agency_type}", response_model=TargetOut,
            responses=errors(404, 409, 422))
def target_update(agency_type: AgencyType, body: TargetIn, request: Request,
                  viewer: Viewer = Admin, db: Session = DB):
    """Change a type's target; referrals already sent keep their due time."""
    return agencies.update_target(db, agency_type, body, actor_id=viewer.id,
                                  source_ip=client_ip(request))
