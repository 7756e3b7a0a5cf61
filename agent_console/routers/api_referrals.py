"""JSON API for workers: the referral network's directory to pick from, and the
referrals that are overdue (the same as ``/agencies/pick`` and ``/referrals/overdue``)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import limit_body
from callcenter.cases import agencies
from callcenter.cases.agency_schemas import AgencyOut
from callcenter.cases.models import AgencyType, ReferralStatus
from callcenter.taxonomy import Urgency

router = APIRouter(prefix="/api", tags=["cases"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))
Province = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$")


class OverdueOut(BaseModel):
    referral_id: int
    case_id: int
    case_number: str
    urgency: Urgency
    province_code: str | None
    agency_id: int | None
    agency_name: str
    agency_type: AgencyType
    status: ReferralStatus
    due_at: datetime


@router.get("/agencies", response_model=list[AgencyOut], responses=errors(422))
def agency_search(q: str = Query(default="", max_length=100),
                  agency_type: AgencyType | None = None, province: str = Province,
                  viewer: Viewer = Worker, db: Session = DB):
    """Active agencies matching the words (Thai or English), type and province; the
    province's own agencies first, then national services."""
    return agencies.search(db, text=q, agency_type=agency_type, province_code=province or None,
                           first_province=province or None)


@router.get("/referrals/overdue", response_model=list[OverdueOut], responses=errors(422))
def overdue(province: str = Province, urgency: Urgency | None = None,
            viewer: Viewer = Worker, db: Session = DB):
    """Referrals past due, not answered or finished; most urgent case first."""
    return [OverdueOut(referral_id=r.id, case_id=c.id, case_number=c.number,
                       urgency=c.urgency, province_code=c.province_code,
                       agency_id=r.agency_id, agency_name=r.agency_name,
                       agency_type=r.agency_type, status=r.status, due_at=r.due_at)
            for r, c in agencies.overdue(db, province_code=province or None)
            if urgency is None or c.urgency == urgency]
