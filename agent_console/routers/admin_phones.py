"""Staff phones, for admins: the list, a phone for a person, a new password, desk phone or
browser, removal. Asterisk reads the phones from the database (callcenter.phones).

A password is drawn into the answer of the request that made it (never a redirect, so it
is in no URL and no page that can be fetched again) and is not kept anywhere: creating a
phone and giving it a new password want a fresh second factor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only, fresh_second_factor, needs_fresh_code
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import client_ip
from agent_console.templating import templates
from callcenter.phones import service as phones
from callcenter.phones.policy import REALM, PhoneKind
from callcenter.phones.schemas import ENDPOINT_PATTERN

router = APIRouter(prefix="/admin/phones")
Endpoint = Annotated[str, Path(pattern=ENDPOINT_PATTERN, max_length=40)]
Version = Annotated[int, Form(ge=1, le=2**31 - 1)]
DONE = ("changed", "deleted")


@router.get("", response_class=HTMLResponse)
def phone_list(
    request: Request,
    user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    done: Annotated[str | None, Query(max_length=10)] = None,
    viewer: Viewer = Depends(admin_only),
    db: Session = DB,
) -> Response:
    context = page_context(request, phones=phones.list_phones(db),
                           people=phones.people_without_phone(db), chosen=user,
                           kinds=list(PhoneKind), done=done if done in DONE else None,
                           needs_code=needs_fresh_code(viewer))
    return templates.TemplateResponse(request, "admin/phones/list.html", context)


def _password_page(request: Request, done: phones.Provisioned, *, new: bool) -> Response:
    context = page_context(request, phone=done.phone, password=done.password, realm=REALM,
                           new=new)
    page = templates.TemplateResponse(request, "admin/phones/password.html", context)
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("", response_class=HTMLResponse)
def create_phone(
    request: Request,
    user_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    kind: Annotated[PhoneKind, Form()] = PhoneKind.DESK,
    endpoint: Annotated[str, Form(max_length=40)] = "",
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = DB,
) -> Response:
    done = phones.create(db, user_id=user_id, kind=kind, endpoint=endpoint.strip() or None,
                         actor_id=viewer.id, source_ip=client_ip(request))
    return _password_page(request, done, new=True)


@router.post("/{endpoint}/password", response_class=HTMLResponse)
def new_password(
    request: Request,
    endpoint: Endpoint,
    version: Version,
    viewer: Viewer = Depends(fresh_second_factor),
    db: Session = DB,
) -> Response:
    done = phones.regenerate_password(db, endpoint=endpoint, version=version,
                                      actor_id=viewer.id, source_ip=client_ip(request))
    return _password_page(request, done, new=False)


@router.post("/{endpoint}/kind")
def change_kind(
    request: Request,
    endpoint: Endpoint,
    kind: Annotated[PhoneKind, Form()],
    version: Version,
    viewer: Viewer = Depends(admin_only),
    db: Session = DB,
) -> Response:
    phones.change_kind(db, endpoint=endpoint, kind=kind, version=version, actor_id=viewer.id,
                       source_ip=client_ip(request))
    return htmx.redirect(request, "/admin/phones?done=changed")


@router.post("/{endpoint}/delete")
def delete_phone(
    request: Request,
    endpoint: Endpoint,
    version: Version,
    viewer: Viewer = Depends(admin_only),
    db: Session = DB,
) -> Response:
    phones.remove(db, endpoint=endpoint, version=version, actor_id=viewer.id,
                  source_ip=client_ip(request))
    return htmx.redirect(request, "/admin/phones?done=deleted")
