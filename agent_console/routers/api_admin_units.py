"""JSON API for the units' administration: the same operations as the pages, admins only.

Edits carry the ``version`` they were read at; a newer stored version answers 409 with
``changed`` (the fields that differ, with their stored values). A unit is never left
without an active contact (409, ``field``). Addresses are checked against their channel
and stored normalised (Thai phones in E.164): 422 with ``field: address`` otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.db import utcnow
from callcenter.dispatch import alert_tests, unit_overview
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.provinces import unit_admin
from callcenter.provinces.schemas import ContactEdit, ContactIn, UnitEdit

router = APIRouter(prefix="/api/admin/units", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


class LastTestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    # pending, sending, delivered or failed: what the provider answered.
    status: str
    provider_reference: str | None
    error: str | None
    finished_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class UnitRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    province_code: str
    name_th: str
    name_en: str
    active: bool
    members: int
    contacts: int
    active_contacts: int
    last_test: LastTestOut | None


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    channel: str
    address: str
    label: str
    role: str
    active: bool
    version: int
    last_test: LastTestOut | None = None


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    display_name: str
    active: bool
    last_sign_in_at: datetime | None


class UnitOut(BaseModel):
    id: int
    code: str
    province_code: str
    name_th: str
    name_en: str
    active: bool
    version: int
    contacts: list[ContactOut]
    members: list[MemberOut]


class HealthOut(BaseModel):
    id: int
    code: str
    name_th: str
    name_en: str
    never_tested: list[int] = Field(description="ids of active contacts never tested")
    failed: list[int] = Field(description="ids of active contacts whose last test failed")
    quiet: bool = Field(description="no member signed in during the last 7 days")
    last_sign_in_at: datetime | None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: Literal["up", "down"]
    version: int = Field(ge=1)


class TestSentOut(BaseModel):
    id: int
    status: str


def _unit_out(db: Session, unit_id: int) -> UnitOut:
    unit = unit_admin.unit(db, unit_id)
    tests = alert_tests.last_by_contact(db, [unit_id])
    contacts = []
    for c in unit_admin.contacts(db, unit_id):
        test = tests.get(c.id)
        contacts.append(ContactOut.model_validate(c).model_copy(update={
            "last_test": LastTestOut.model_validate(test) if test else None}))
    return UnitOut(id=unit.id, code=unit.code, province_code=unit.province_code,
                   name_th=unit.name_th, name_en=unit.name_en, active=unit.active,
                   version=unit.version, contacts=contacts,
                   members=[MemberOut.model_validate(m)
                            for m in unit_overview.members(db, unit_id)])


@router.get("", response_model=list[UnitRowOut])
def list_units(viewer: Viewer = Admin, db: Session = DB):
    """Every province's unit with its member and contact counts and its newest test."""
    return [UnitRowOut.model_validate(r) for r in unit_overview.table(db)]


@router.get("/health", response_model=list[HealthOut])
def units_health(viewer: Viewer = Admin, db: Session = DB):
    """Units with contacts never tested or failing their last test, or no recent sign-in."""
    return [HealthOut(id=r.id, code=r.code, name_th=r.name_th, name_en=r.name_en,
                      never_tested=[c.id for c in r.never_tested],
                      failed=[c.id for c, _ in r.failed], quiet=r.quiet,
                      last_sign_in_at=r.last_sign_in_at)
            for r in unit_overview.health(db, now=utcnow())]


@router.get("/{unit_id}", response_model=UnitOut, responses=errors(404, 422))
def get_unit(unit_id: Id, viewer: Viewer = Admin, db: Session = DB):
    return _unit_out(db, unit_id)


@router.put("/{unit_id}", response_model=UnitOut, responses=errors(404, 409, 422))
def update_unit(unit_id: Id, edit: UnitEdit, request: Request, viewer: Viewer = Admin,
                db: Session = DB):
    unit_admin.update_unit(db, unit_id, edit, actor_id=viewer.id, source_ip=client_ip(request))
    return _unit_out(db, unit_id)


@router.post("/{unit_id}/contacts", response_model=ContactOut, status_code=201,
             responses=errors(404, 422))
def add_contact(unit_id: Id, given: ContactIn, request: Request, viewer: Viewer = Admin,
                db: Session = DB):
    added = unit_admin.add_contact(db, unit_id, given, actor_id=viewer.id,
                                   source_ip=client_ip(request))
    return ContactOut.model_validate(added)


@router.put("/{unit_id}/contacts/{contact_id}", response_model=ContactOut,
            responses=errors(404, 409, 422))
def update_contact(unit_id: Id, contact_id: Id, edit: ContactEdit, request: Request,
                   viewer: Viewer = Admin, db: Session = DB):
    row = unit_admin.update_contact(db, unit_id, contact_id, edit, actor_id=viewer.id,
                                    source_ip=client_ip(request))
    return ContactOut.model_validate(row)


@router.delete("/{unit_id}/contacts/{contact_id}", status_code=204,
               responses=errors(404, 409, 422))
def remove_contact(unit_id: Id, contact_id: Id, version: int, request: Request,
                   viewer: Viewer = Admin, db: Session = DB) -> None:
    """Remove a contact (``?version=`` as read); refused for the last active one."""
    unit_admin.remove_contact(db, unit_id, contact_id, version=version, actor_id=viewer.id,
                              source_ip=client_ip(request))


@router.post("/{unit_id}/contacts/{contact_id}/move", response_model=UnitOut,
             responses=errors(404, 409, 422))
def move_contact(unit_id: Id, contact_id: Id, move: MoveIn, request: Request,
                 viewer: Viewer = Admin, db: Session = DB):
    unit_admin.move_contact(db, unit_id, contact_id, move.direction, version=move.version,
                            actor_id=viewer.id, source_ip=client_ip(request))
    return _unit_out(db, unit_id)


@router.post("/{unit_id}/contacts/{contact_id}/test", response_model=TestSentOut,
             status_code=202, responses=errors(404, 409, 422))
def send_test(unit_id: Id, contact_id: Id, request: Request, viewer: Viewer = Admin,
              db: Session = DB):
    """Send a test alert through the real worker and provider; its outcome shows on the
    unit (``last_test`` of the contact) once delivered and acknowledged."""
    test = alert_tests.send(db, unit_id, contact_id, actor_id=viewer.id,
                            source_ip=client_ip(request), settings=get_dispatch_settings(),
                            redis=request.app.state.redis, now=utcnow())
    return TestSentOut(id=test.id, status=test.status.value)
