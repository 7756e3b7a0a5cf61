"""The units' administration pages: every province's unit, one unit's names, members and
contacts in order, test alerts per contact, and the units that need a look.

Forms are plain POSTs answered with a redirect to the unit's page; htmx boosts them, so a
refusal (a bad phone number, a stale version, the last active contact) is a toast in the
page's language and the form keeps what was typed. The rules are the services'
(``callcenter.provinces.unit_admin``, ``callcenter.dispatch.alert_tests``); the JSON twin is
``api_admin_units.py``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from agent_console.admin_access import admin_only
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, client_ip, limit_body
from agent_console.templating import templates
from callcenter.db import utcnow
from callcenter.dispatch import alert_tests, unit_overview
from callcenter.dispatch.channels import configured
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.provinces import centre_line, unit_admin
from callcenter.provinces.models import AlertChannel, ContactRole
from callcenter.provinces.schemas import ContactEdit, ContactIn, UnitEdit

router = APIRouter(prefix="/admin/units", include_in_schema=False,
                   dependencies=[Depends(limit_body)])
Admin = Depends(admin_only)


def _back(unit_id: int, anchor: str = "") -> Response:
    return RedirectResponse(f"/admin/units/{unit_id}{anchor}", status_code=303)


@router.get("", response_class=HTMLResponse)
def units_page(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/units.html", page_context(
        request, rows=unit_overview.table(db), centre_line=centre_line.number(db),
        centre_line_default=centre_line.is_default(db)))


# Before "/{unit_id}": the number every unit's page calls to reach the centre.
@router.post("/centre-line")
def edit_centre_line(request: Request, phone: str = Form(default="", max_length=40),
                     viewer: Viewer = Admin, db: Session = DB) -> Response:
    centre_line.set_number(db, phone, actor_id=viewer.id, source_ip=client_ip(request))
    return RedirectResponse("/admin/units#centre-line", status_code=303)


# Before "/{unit_id}": "health" is no unit id.
@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/units_health.html", page_context(
        request, rows=unit_overview.health(db, now=utcnow()),
        quiet_days=unit_overview.QUIET_FOR.days))


@router.get("/{unit_id}", response_class=HTMLResponse)
def unit_page(unit_id: Id, request: Request, viewer: Viewer = Admin,
              db: Session = DB) -> Response:
    unit = unit_admin.unit(db, unit_id)
    settings = get_dispatch_settings()
    return templates.TemplateResponse(request, "admin/unit.html", page_context(
        request, unit=unit, contacts=unit_admin.contacts(db, unit_id),
        members=unit_overview.members(db, unit_id),
        tests=alert_tests.last_by_contact(db, [unit_id]),
        channels=list(AlertChannel), roles=list(ContactRole),
        can_send={c: configured(c, settings) for c in AlertChannel}))


@router.post("/{unit_id}")
def edit_unit(unit_id: Id, request: Request, name_th: str = Form(max_length=160),
              name_en: str = Form(max_length=160), active: bool = Form(default=False),
              version: int = Form(), viewer: Viewer = Admin, db: Session = DB) -> Response:
    edit = UnitEdit(name_th=name_th, name_en=name_en, active=active, version=version)
    unit_admin.update_unit(db, unit_id, edit, actor_id=viewer.id, source_ip=client_ip(request))
    return _back(unit_id)


def _contact_form(channel: AlertChannel = Form(), address: str = Form(default="", max_length=200),
                  label: str = Form(default="", max_length=120), role: ContactRole = Form(),
                  active: bool = Form(default=False)) -> dict[str, object]:
    return {"channel": channel, "address": address, "label": label, "role": role,
            "active": active}


@router.post("/{unit_id}/contacts")
def add_contact(unit_id: Id, request: Request, fields: dict = Depends(_contact_form),
                viewer: Viewer = Admin, db: Session = DB) -> Response:
    added = unit_admin.add_contact(db, unit_id, ContactIn(**fields), actor_id=viewer.id,
                                   source_ip=client_ip(request))
    return _back(unit_id, f"#contact-{added.id}")


@router.post("/{unit_id}/contacts/{contact_id}")
def edit_contact(unit_id: Id, contact_id: Id, request: Request,
                 fields: dict = Depends(_contact_form), version: int = Form(),
                 viewer: Viewer = Admin, db: Session = DB) -> Response:
    unit_admin.update_contact(db, unit_id, contact_id, ContactEdit(**fields, version=version),
                              actor_id=viewer.id, source_ip=client_ip(request))
    return _back(unit_id, f"#contact-{contact_id}")


@router.post("/{unit_id}/contacts/{contact_id}/delete")
def remove_contact(unit_id: Id, contact_id: Id, request: Request, version: int = Form(),
                   viewer: Viewer = Admin, db: Session = DB) -> Response:
    unit_admin.remove_contact(db, unit_id, contact_id, version=version, actor_id=viewer.id,
                              source_ip=client_ip(request))
    return _back(unit_id, "#contacts")


@router.post("/{unit_id}/contacts/{contact_id}/move")
def move_contact(unit_id: Id, contact_id: Id, request: Request,
                 direction: Literal["up", "down"] = Form(), version: int = Form(),
                 viewer: Viewer = Admin, db: Session = DB) -> Response:
    unit_admin.move_contact(db, unit_id, contact_id, direction, version=version,
                            actor_id=viewer.id, source_ip=client_ip(request))
    return _back(unit_id, f"#contact-{contact_id}")


@router.post("/{unit_id}/contacts/{contact_id}/test")
def send_test(unit_id: Id, contact_id: Id, request: Request, viewer: Viewer = Admin,
              db: Session = DB) -> Response:
    alert_tests.send(db, unit_id, contact_id, actor_id=viewer.id, source_ip=client_ip(request),
                     settings=get_dispatch_settings(), redis=request.app.state.redis,
                     now=utcnow())
    return _back(unit_id, f"#contact-{contact_id}")
