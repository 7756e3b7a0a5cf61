"""Admin pages: the interpreters' roster (language, name, number, hours, active).

``/admin/interpreters`` lists them, ``/admin/interpreters/new`` and
``/admin/interpreters/{interpreter_id}`` add and edit one. Edits carry the version they
were drawn from (a newer save answers 409); every save is audited. The JSON twin is
``api_admin_interpreters.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.admin_access import admin_only
from agent_console.deps import DB, Viewer, language, page_context
from agent_console.limits import Id, client_ip, limit_body
from agent_console.templating import templates
from callcenter.calls import interpreter_rules as rules
from callcenter.calls import interpreters
from callcenter.calls.interpreter_schemas import InterpreterIn
from callcenter.thaidate import parse_typed_clock

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(limit_body)])
Admin = Depends(admin_only)
Text = Annotated[str, Form(max_length=200)]
Short = Annotated[str, Form(max_length=12)]
Days = Annotated[list[str], Form(max_length=7)]
Flag = Annotated[str | None, Form(max_length=8)]


def _names(request: Request):
    english = language(request) == "en"
    return lambda code: rules.language_name(code, english=english)


def _form(request: Request, interpreter=None) -> Response:
    return templates.TemplateResponse(request, "admin/interpreters/edit.html", page_context(
        request, interpreter=interpreter, codes=rules.pick_list_codes(),
        common=rules.COMMON, language_name=_names(request)))


def _clock(text: str) -> str:
    try:
        return parse_typed_clock(text).isoformat("minutes")
    except ValueError:
        return text


def _data(language_code: str, name: str, phone: str, days: list[str], from_time: str,
          until_time: str, active: str | None, version: str = "1") -> InterpreterIn:
    # Pydantic checks and converts (its errors answer 422 naming the fields); a time
    # typed the Thai way (14.30 น.) is read first, anything else is left for it to refuse.
    return InterpreterIn(language=language_code, name=name, phone=phone,
                         days="".join(days), from_time=_clock(from_time),
                         until_time=_clock(until_time),
                         active=active is not None, version=version)


@router.get("/interpreters", response_class=HTMLResponse)
def interpreter_list(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/interpreters/list.html", page_context(
        request, rows=interpreters.listing(db), language_name=_names(request),
        saved=request.query_params.get("saved")))


@router.get("/interpreters/new", response_class=HTMLResponse)
def interpreter_new(request: Request, viewer: Viewer = Admin) -> Response:
    return _form(request)


@router.post("/interpreters")
def interpreter_create(request: Request, language_code: Short, name: Text, phone: Text,
                       from_time: Short, until_time: Short, days: Days = None,
                       active: Flag = None, viewer: Viewer = Admin,
                       db: Session = DB) -> Response:
    data = _data(language_code, name, phone, days or [], from_time, until_time, active)
    row = interpreters.create(db, data, actor_id=viewer.id, source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/interpreters?saved={row.id}")


@router.get("/interpreters/{interpreter_id}", response_class=HTMLResponse)
def interpreter_form(interpreter_id: Id, request: Request, viewer: Viewer = Admin,
                     db: Session = DB) -> Response:
    return _form(request, interpreters.get(db, interpreter_id))


@router.post("/interpreters/{interpreter_id}")
def interpreter_save(interpreter_id: Id, request: Request, language_code: Short, name: Text,
                     phone: Text, from_time: Short, until_time: Short, version: Short,
                     days: Days = None, active: Flag = None, viewer: Viewer = Admin,
                     db: Session = DB) -> Response:
    data = _data(language_code, name, phone, days or [], from_time, until_time, active,
                 version)
    interpreters.update(db, interpreter_id, data, actor_id=viewer.id,
                        source_ip=client_ip(request))
    return htmx.redirect(request, f"/admin/interpreters?saved={interpreter_id}")
