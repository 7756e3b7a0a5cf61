"""Admin pages: the referral network's directory of partner agencies and the target per
agency type.

``/admin/agencies`` lists the agencies (filters: words, type, province, active) with the
targets table below it; ``/admin/agencies/new`` and ``/admin/agencies/{agency_id}`` add
and edit one. Every edit form carries the version it was drawn from; a newer save
answers 409 naming what changed. Every save is audited with its changes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, client_ip
from agent_console.templating import templates
from callcenter.cases import agencies
from callcenter.cases.agency_schemas import AgencyIn, TargetIn
from callcenter.cases.models import AgencyType
from callcenter.provinces import catalog

router = APIRouter(prefix="/admin")
Admin = Depends(admin_only)
Text = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=2000)]
Number = Annotated[str, Form(max_length=12)]
Flag = Annotated[str | None, Form(max_length=8)]


def _form(request: Request, agency=None) -> Response:
    return templates.TemplateResponse(request, "admin/agencies/edit.html", page_context(
        request, agency=agency, types=list(AgencyType), provinces=catalog.provinces()))


@router.get("/agencies", response_class=HTMLResponse)
def agency_list(request: Request, q: str = Query(default="", max_length=100),
                agency_type: AgencyType | None = None,
                province: str = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$"),
                show: str = Query(default="active", pattern="^(active|all)$"),
                viewer: Viewer = Admin, db: Session = DB) -> Response:
    rows = agencies.search(db, text=q, agency_type=agency_type, province_code=province or None,
                           active_only=show == "active", limit=500)
    return templates.TemplateResponse(request, "admin/agencies/list.html", page_context(
        request, agencies=rows, targets=agencies.targets(db), types=list(AgencyType),
        provinces=catalog.provinces(), province_by_code=agencies.provinces_by_code(),
        q=q, agency_type=agency_type.value if agency_type else "", province=province,
        show=show, saved=request.query_params.get("saved")))


@router.get("/agencies/new", response_class=HTMLResponse)
def agency_new(request: Request, viewer: Viewer = Admin) -> Response:
    return _form(request)


def _data(name_th: str, name_en: str, agency_type: str, province_code: str, phone: str,
          email: str, services: str, hours: str, active: str | None,
          version: str | None = None) -> AgencyIn:
    # Pydantic checks and converts (its errors answer 422 naming the fields).
    return AgencyIn(name_th=name_th, name_en=name_en, agency_type=agency_type,
                    province_code=province_code, phone=phone, email=email,
                    services=services, hours=hours, active=active is not None,
                    version=version)


@router.post("/agencies")
def agency_create(request: Request, name_th: Text, agency_type: Text, name_en: Text = "",
                  province_code: Text = "", phone: Text = "", email: Text = "",
                  services: LongText = "", hours: Text = "", active: Flag = None,
                  viewer: Viewer = Admin, db: Session = DB) -> Response:
    data = _data(name_th, name_en, agency_type, province_code, phone, email, services, hours,
                 active)
    row = agencies.create(db, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/agencies?saved={row.id}")


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_form(agency_id: Id, request: Request, viewer: Viewer = Admin,
                db: Session = DB) -> Response:
    return _form(request, agencies.get(db, agency_id))


@router.post("/agencies/{agency_id}")
def agency_save(agency_id: Id, request: Request, name_th: Text, agency_type: Text,
                version: Number, name_en: Text = "", province_code: Text = "",
                phone: Text = "", email: Text = "", services: LongText = "", hours: Text = "",
                active: Flag = None, viewer: Viewer = Admin, db: Session = DB) -> Response:
    data = _data(name_th, name_en, agency_type, province_code, phone, email, services, hours,
                 active, version)
    agencies.update(db, agency_id, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/agencies?saved={agency_id}")


@router.post("/agencies/targets/{agency_type}")
def target_save(agency_type: AgencyType, request: Request, hours: Number, version: Number,
                viewer: Viewer = Admin, db: Session = DB) -> Response:
    data = TargetIn(hours=hours, version=version)
    agencies.update_target(db, agency_type, data, actor_id=viewer.id,
                           source_ip=client_ip(request))
    return htmx.redirect(request, "/admin/agencies?saved=targets#targets")
