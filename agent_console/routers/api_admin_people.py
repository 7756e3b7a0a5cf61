"""JSON API for administering people: the same operations as the ``/admin/people`` pages.

Admins only. Making someone an admin or taking it away, resetting an authenticator and
signing a person out everywhere are sensitive: they want a fresh TOTP code (the
``X-TOTP-Code`` header) once the admin's last one is older than a few minutes.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only, fresh_second_factor, submitted_code
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, client_ip, limit_body
from callcenter.agents import people
from callcenter.agents.models import Role
from callcenter.agents.schemas import PersonFields
from callcenter.db import utcnow

router = APIRouter(prefix="/api/admin/people", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Admin = Depends(admin_only)


class PersonRowOut(BaseModel):
    id: int
    login: str
    display_name: str
    role: Role
    unit_code: str | None
    active: bool
    last_sign_in_at: datetime | None
    locked: bool
    totp_enrolled: bool
    phone_interface: str | None


class PeoplePageOut(BaseModel):
    people: list[PersonRowOut]
    total: int
    page: int
    pages: int


class PersonOut(BaseModel):
    id: int
    login: str
    display_name: str
    role: Role
    unit_code: str | None
    languages: list[str]
    # {queue: penalty}; a lower penalty is rung first.
    skills: dict[str, int]
    active: bool
    # Send it back with an edit: a newer stored version answers 409 with what changed.
    version: int
    created_at: datetime
    last_sign_in_at: datetime | None
    locked: bool
    locked_until: datetime | None
    totp_enrolled: bool
    # The Asterisk device the person answers on (kept by the phones' part), read-only here.
    phone_interface: str | None
    must_change_password: bool
    password_changed_at: datetime | None


class PersonUpdate(PersonFields):
    version: int = Field(ge=1, le=2**31 - 1)


class SignedOutOut(BaseModel):
    sessions_ended: int


def _view(db: Session, user_id: int) -> PersonOut:
    view = people.person_view(db, user_id, now=utcnow())
    return PersonOut(**{name: getattr(view, name) for name in PersonOut.model_fields})


@router.get("", response_model=PeoplePageOut, responses=errors(422))
def list_people(
    viewer: Viewer = Admin, db: Session = DB,
    q: str = Query(default="", max_length=120, description="part of a login or name"),
    role: Role | None = None,
    unit_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
    active: bool | None = None,
    page: int = Query(default=1, ge=1, le=100_000),
):
    """People by login, filtered, 50 a page."""
    found = people.search_people(db, text=q, role=role, unit_id=unit_id, active=active,
                                 page=page, now=utcnow())
    return PeoplePageOut(people=[PersonRowOut(**{name: getattr(row, name)
                                                 for name in PersonRowOut.model_fields})
                                 for row in found.rows],
                         total=found.total, page=found.page, pages=found.pages)


@router.post("", response_model=PersonOut, status_code=201, responses=errors(409, 422))
def create(body: PersonFields, request: Request, viewer: Viewer = Admin, db: Session = DB,
           code: str | None = Depends(submitted_code)):
    """A new account; it signs in only once its owner has set a password (set-up link)."""
    if body.role == Role.ADMIN:  # making an admin is sensitive
        fresh_second_factor(request, viewer, code, db)
    user = people.create_person(db, body, actor_id=viewer.id, source_ip=client_ip(request))
    return _view(db, user.id)


@router.get("/{user_id}", response_model=PersonOut, responses=errors(404, 422))
def get(user_id: Id, viewer: Viewer = Admin, db: Session = DB):
    return _view(db, user_id)


@router.put("/{user_id}", response_model=PersonOut, responses=errors(404, 409, 422))
def update(user_id: Id, body: PersonUpdate, request: Request, viewer: Viewer = Admin,
           db: Session = DB, code: str | None = Depends(submitted_code)):
    """Save an edit drawn from ``version``; 409 naming the fields changed meanwhile."""
    fields = PersonFields(**body.model_dump(exclude={"version"}))
    if people.changes_role_to_or_from_admin(db, user_id, fields):  # sensitive
        fresh_second_factor(request, viewer, code, db)
    people.update_person(db, user_id, fields, version=body.version, actor_id=viewer.id,
                         source_ip=client_ip(request))
    return _view(db, user_id)


@router.post("/{user_id}/disable", response_model=PersonOut, responses=errors(404, 409, 422))
def disable(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB):
    """Disable (never delete) and end the person's sessions; not oneself, not the last admin."""
    people.disable_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return _view(db, user_id)


@router.post("/{user_id}/enable", response_model=PersonOut, responses=errors(404, 409, 422))
def enable(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB):
    people.enable_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return _view(db, user_id)


@router.post("/{user_id}/unlock", response_model=PersonOut, responses=errors(404, 422))
def unlock(user_id: Id, request: Request, viewer: Viewer = Admin, db: Session = DB):
    people.unlock_person(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return _view(db, user_id)


@router.post("/{user_id}/reset-totp", response_model=PersonOut, responses=errors(404, 422))
def reset_totp(user_id: Id, request: Request,
               viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """Forget the person's authenticator (sensitive): they enrol again at next sign-in."""
    people.reset_totp(db, user_id, actor_id=viewer.id, source_ip=client_ip(request))
    return _view(db, user_id)


@router.post("/{user_id}/sign-out-everywhere", response_model=SignedOutOut,
             responses=errors(404, 422))
def sign_out_everywhere(user_id: Id, request: Request,
                        viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """End every session of the person (sensitive)."""
    ended = people.sign_out_everywhere(db, user_id, actor_id=viewer.id,
                                       source_ip=client_ip(request))
    return SignedOutOut(sessions_ended=ended)
