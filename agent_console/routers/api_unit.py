"""JSON API for a rapid-response unit's members: their own unit's open dispatches.

A unit member sees their own unit's dispatches only (field-visit view); another unit's
dispatch answers 404, as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, client_ip, limit_body
from callcenter.agents.models import Role
from callcenter.dispatch import service as dispatches

router = APIRouter(prefix="/api", tags=["calls"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
UnitMember = Depends(require(Role.UNIT_MEMBER))


class UnitDispatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    urgency: str
    case_number: str
    province_code: str
    district: str | None
    created_at: datetime


class VisitPersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    role: str
    nickname: str | None
    gender: str
    age_years: int | None
    language: str | None
    needs_interpreter: bool
    has_disability: bool
    phone: str | None
    address: str | None


class UnitDispatchDetailOut(BaseModel):
    dispatch: UnitDispatchOut
    # The agent's text for the unit; the case's summary is never sent to a unit.
    unit_brief: str
    do_not_call_back: bool
    call_window: str | None
    persons: list[VisitPersonOut]


@router.get("/unit/dispatches", response_model=list[UnitDispatchOut])
def unit_dispatches(viewer: Viewer = UnitMember, db: Session = DB):
    """The signed-in unit member's own unit's open dispatches, never another unit's."""
    return [UnitDispatchOut.model_validate(d)
            for d in dispatches.list_for_unit(db, viewer.unit_id)]


@router.get("/unit/dispatches/{dispatch_id}", response_model=UnitDispatchDetailOut,
            responses=errors(404, 422))
def unit_dispatch(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
                  db: Session = DB):
    detail = dispatches.get_for_unit(db, dispatch_id, unit_id=viewer.unit_id,
                                     actor_id=viewer.id, source_ip=client_ip(request))
    return UnitDispatchDetailOut(
        dispatch=UnitDispatchOut.model_validate(detail.dispatch), unit_brief=detail.unit_brief,
        do_not_call_back=detail.do_not_call_back, call_window=detail.call_window,
        persons=[VisitPersonOut.model_validate(p) for p in detail.persons])
