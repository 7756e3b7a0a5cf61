"""JSON API of staff phones (admins only): the same operations as /admin/phones.

A phone's password is in the answer that creates it or gives it a new one, and nowhere
else, ever; both want a fresh second factor (``X-TOTP-Code`` when the last is old).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only, fresh_second_factor
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer
from agent_console.limits import client_ip, limit_body
from callcenter.phones import service as phones
from callcenter.phones.policy import REALM, PhoneKind
from callcenter.phones.schemas import ENDPOINT_PATTERN, PasswordIn, PhoneChangeIn, PhoneIn

router = APIRouter(prefix="/api/admin/phones", tags=["administration"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Endpoint = Annotated[str, Path(pattern=ENDPOINT_PATTERN, max_length=40)]
NO_STORE = {"Cache-Control": "no-store"}


class PhoneOut(BaseModel):
    endpoint: str
    interface: str
    kind: PhoneKind
    transport: str | None
    context: str | None
    version: int
    user_id: int | None
    login: str | None
    display_name: str | None


class ProvisionedOut(BaseModel):
    phone: PhoneOut
    # The SIP credentials to set up the phone with: username, realm and the password,
    # shown in this answer only.
    username: str
    realm: str
    password: str


def _out(phone: phones.Phone) -> PhoneOut:
    return PhoneOut(endpoint=phone.endpoint, interface=phone.interface, kind=phone.kind,
                    transport=phone.transport, context=phone.context, version=phone.version,
                    user_id=phone.user_id, login=phone.login, display_name=phone.display_name)


def _provisioned(done: phones.Provisioned, response: Response) -> ProvisionedOut:
    response.headers.update(NO_STORE)
    return ProvisionedOut(phone=_out(done.phone), username=done.phone.endpoint, realm=REALM,
                          password=done.password)


@router.get("", response_model=list[PhoneOut])
def list_phones(viewer: Viewer = Depends(admin_only), db: Session = DB):
    """Every realtime phone with the person who answers on it."""
    return [_out(p) for p in phones.list_phones(db)]


@router.post("", response_model=ProvisionedOut, status_code=201,
             responses=errors(400, 409, 422))
def create_phone(body: PhoneIn, request: Request, response: Response,
                 viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """A phone for an agent or supervisor; the answer holds its password, once."""
    done = phones.create(db, user_id=body.user_id, kind=body.kind, endpoint=body.endpoint,
                         actor_id=viewer.id, source_ip=client_ip(request))
    return _provisioned(done, response)


@router.get("/{endpoint}", response_model=PhoneOut, responses=errors(404, 422))
def get_phone(endpoint: Endpoint, viewer: Viewer = Depends(admin_only), db: Session = DB):
    return _out(phones.get(db, endpoint))


@router.patch("/{endpoint}", response_model=PhoneOut, responses=errors(404, 409, 422))
def change_phone(endpoint: Endpoint, body: PhoneChangeIn, request: Request,
                 viewer: Viewer = Depends(admin_only), db: Session = DB):
    """A desk phone becomes the browser's softphone or the reverse (same password)."""
    return _out(phones.change_kind(db, endpoint=endpoint, kind=body.kind, version=body.version,
                                   actor_id=viewer.id, source_ip=client_ip(request)))


@router.post("/{endpoint}/password", response_model=ProvisionedOut,
             responses=errors(404, 409, 422))
def new_password(endpoint: Endpoint, request: Request, response: Response,
                 body: PasswordIn | None = None,
                 viewer: Viewer = Depends(fresh_second_factor), db: Session = DB):
    """A new password for the phone; the old one stops working at once."""
    done = phones.regenerate_password(db, endpoint=endpoint,
                                      version=body.version if body else None,
                                      actor_id=viewer.id, source_ip=client_ip(request))
    return _provisioned(done, response)


@router.delete("/{endpoint}", status_code=204, responses=errors(404, 409, 422))
def delete_phone(endpoint: Endpoint, request: Request,
                 version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                 viewer: Viewer = Depends(admin_only), db: Session = DB) -> Response:
    """The phone is gone from Asterisk and its owner has none."""
    phones.remove(db, endpoint=endpoint, version=version, actor_id=viewer.id,
                  source_ip=client_ip(request))
    return Response(status_code=204)
