"""Admin pages: each queue's targets and wallboard thresholds, and the lists staff pick from.

``/admin/queues`` lists the queues with their rules, ``/admin/queues/{queue_name}`` edits
one (labels, service level, colour thresholds, the calls a day needs before its service
level may flag it, active). The set of queues is Asterisk's (``asterisk_conf/`` and the
catalog): it is edited there, not here. ``/admin/lists`` keeps the pause reasons and the
dispositions: add, relabel, switch on and off, move up or down. Every form carries the
version it was drawn from; a newer save answers 409 naming what changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import client_ip
from agent_console.pick_list_kinds import KINDS, kind_of
from agent_console.templating import templates
from callcenter import pick_lists
from callcenter.queues import service as queues
from callcenter.queues.schemas import QueueSettingsIn

router = APIRouter(prefix="/admin")
Admin = Depends(admin_only)
Text = Annotated[str, Form(max_length=200)]
Number = Annotated[str, Form(max_length=12)]
Flag = Annotated[str | None, Form(max_length=8)]


@router.get("/queues", response_class=HTMLResponse)
def queue_list(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/queues/list.html", page_context(
        request, queues=queues.in_order(db), saved=request.query_params.get("saved")))


@router.get("/queues/{queue_name}", response_class=HTMLResponse)
def queue_form(queue_name: str, request: Request, viewer: Viewer = Admin,
               db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/queues/edit.html", page_context(
        request, queue=queues.get(db, queue_name)))


@router.post("/queues/{queue_name}")
def queue_save(
    queue_name: str, request: Request,
    label_th: Text, label_en: Text, service_level_seconds: Number,
    service_level_target: Number, service_level_warn: Number,
    service_level_min_calls: Number, wait_warn_seconds: Number, wait_alarm_seconds: Number,
    version: Number, active: Flag = None, wrap_up_required: Flag = None,
    viewer: Viewer = Admin, db: Session = DB,
) -> Response:
    # Pydantic checks and converts (its errors answer 422 naming the fields).
    data = QueueSettingsIn(
        label_th=label_th, label_en=label_en, service_level_seconds=service_level_seconds,
        service_level_target=service_level_target, service_level_warn=service_level_warn,
        service_level_min_calls=service_level_min_calls, wait_warn_seconds=wait_warn_seconds,
        wait_alarm_seconds=wait_alarm_seconds, active=active is not None,
        wrap_up_required=wrap_up_required is not None, version=version)
    queues.update(db, queue_name, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/queues?saved={queue_name}")


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    lists = [(kind, kind.service.everything(db)) for kind in KINDS]
    return templates.TemplateResponse(request, "admin/lists/page.html", page_context(
        request, lists=lists, saved=request.query_params.get("saved")))


@router.post("/lists/{list_name}")
def item_add(list_name: str, request: Request, code: Text, label_th: Text, label_en: Text,
             active: Flag = None, viewer: Viewer = Admin, db: Session = DB) -> Response:
    kind = kind_of(list_name)
    data = pick_lists.ItemIn(code=code, label_th=label_th, label_en=label_en,
                             active=active is not None)
    kind.service.add(db, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/lists?saved={kind.name}#{kind.name}")


@router.post("/lists/{list_name}/{item_code}")
def item_save(list_name: str, item_code: str, request: Request, label_th: Text,
              label_en: Text, version: Number, active: Flag = None,
              viewer: Viewer = Admin, db: Session = DB) -> Response:
    kind = kind_of(list_name)
    data = pick_lists.ItemEdit(label_th=label_th, label_en=label_en,
                               active=active is not None, version=version)
    kind.service.update(db, item_code, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/lists?saved={kind.name}#{kind.name}")


@router.post("/lists/{list_name}/{item_code}/move")
def item_move(list_name: str, item_code: str, request: Request, direction: Text,
              version: Number, viewer: Viewer = Admin, db: Session = DB) -> Response:
    kind = kind_of(list_name)
    data = pick_lists.MoveIn(direction=direction, version=version)
    kind.service.move(db, item_code, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/lists#{kind.name}")
