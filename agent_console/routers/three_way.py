"""Three-way calls on the agent page: interpreters and emergency services (htmx fragments).

``GET /calls/{call_id}/three-way`` draws the panel (it refreshes itself every few seconds
and records what the bridge saw of the guests); ``GET …/interpreters?language=`` proposes
the interpreters on duty now; the POSTs add an interpreter or a service, drop a guest,
or leave the caller with the service (the warm hand-off). Only the agent on the call
(or a supervisor) reaches them: ``own_call``. The PBX commands are in
``callcenter.calls.three_way``; docs/console.md, "Three-way calls and wrap-up".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, pbx
from agent_console import three_way_view as view
from agent_console.case_access import ReadableCase
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.own_calls import own_call
from agent_console.templating import templates
from callcenter.calls import guests, interpreters, three_way
from callcenter.calls import interpreter_rules as rules
from callcenter.calls.guest_models import GuestRole
from callcenter.cases import call_guests
from callcenter.cases.models import Case
from callcenter.db import utcnow
from callcenter.errors import InvalidInput

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
TEMPLATE = "agent/_three_way.html"
FormId = Annotated[int, Form(ge=1, le=2**31 - 1)]


def _panel(request: Request, db: Session, viewer: Viewer, call_id: int, *,
           block: str = "panel", **extra: object) -> Response:
    call = own_call(db, call_id, viewer, request)
    return templates.TemplateResponse(request, TEMPLATE, page_context(
        request, **view.panel(request, db, viewer, call), **extra), block_name=block)


@router.get("/calls/{call_id}/three-way", response_class=HTMLResponse)
def panel(call_id: Id, request: Request,
          part: str = Query(default="section", pattern="^(section|guests)$"),
          viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The whole section (once per call), or its guest list (its own refresh)."""
    if part == "guests":
        return _panel(request, db, viewer, call_id)
    return _panel(request, db, viewer, call_id, block="section", whole_section=True,
                  languages=interpreters.languages_on_roster(db) or list(rules.COMMON))


@router.get("/calls/{call_id}/interpreters", response_class=HTMLResponse)
def proposals(call_id: Id, request: Request,
              language: str = Query(default="", max_length=8),
              viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The interpreters of a language on duty now (none proposed for an unknown code)."""
    call = own_call(db, call_id, viewer, request)
    if language and not rules.is_language(language):
        raise InvalidInput("not a language code", field="language")
    rows = interpreters.on_duty(db, language=language, now=utcnow()) if language else []
    return templates.TemplateResponse(request, TEMPLATE, page_context(
        request, call=call, proposals=rows, language_code=language,
        language_name=view.language_namer(request)), block_name="proposals")


@router.post("/calls/{call_id}/interpreter", response_class=HTMLResponse)
def add_interpreter(call_id: Id, request: Request, interpreter_id: FormId,
                    viewer: Viewer = Worker, db: Session = DB) -> Response:
    call = own_call(db, call_id, viewer, request)
    person = interpreters.get(db, interpreter_id)
    if not person.active:
        raise InvalidInput("this interpreter is switched off", field="interpreter_id")
    three_way.add_guest(db, pbx.commands(request), call=call,
                        live_call=view.live_of(request, call),
                        agent_channel=view.agent_channel(request, viewer, call),
                        role=GuestRole.INTERPRETER, number=person.phone,
                        language=person.language, interpreter_id=person.id,
                        actor_id=viewer.id, now=utcnow())
    return _panel(request, db, viewer, call_id)


@router.post("/calls/{call_id}/service", response_class=HTMLResponse)
def add_service(call_id: Id, request: Request,
                service: Annotated[str, Form(max_length=16)],
                viewer: Viewer = Worker, db: Session = DB) -> Response:
    call = own_call(db, call_id, viewer, request)
    three_way.add_service(db, pbx.commands(request), call=call,
                          live_call=view.live_of(request, call),
                          agent_channel=view.agent_channel(request, viewer, call),
                          service=service, actor_id=viewer.id, now=utcnow())
    return _panel(request, db, viewer, call_id)


@router.post("/calls/{call_id}/guests/{guest_id}/drop", response_class=HTMLResponse)
def drop(call_id: Id, guest_id: Id, request: Request, viewer: Viewer = Worker,
         db: Session = DB) -> Response:
    call = own_call(db, call_id, viewer, request)
    guest = guests.get(db, call, guest_id)
    three_way.drop_guest(db, pbx.commands(request), call=call, guest=guest,
                         live_call=view.live_of(request, call), actor_id=viewer.id,
                         now=utcnow())
    return _panel(request, db, viewer, call_id)


@router.post("/calls/{call_id}/leave", response_class=HTMLResponse)
def leave(call_id: Id, request: Request, viewer: Viewer = Worker,
          db: Session = DB) -> Response:
    """The agent hangs up their own leg once the service is on: caller and service stay."""
    call = own_call(db, call_id, viewer, request)
    three_way.leave_to_services(db, pbx.commands(request), call=call,
                                live_call=view.live_of(request, call),
                                agent_channel=view.agent_channel(request, viewer, call),
                                actor_id=viewer.id, now=utcnow())
    return _panel(request, db, viewer, call_id, handed_over=True)


@router.get("/cases/{case_id}/three-way", response_class=HTMLResponse)
def case_guests(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
                db: Session = DB) -> Response:
    """The interpreters and services of the case's calls (nothing when there were none)."""
    return templates.TemplateResponse(request, TEMPLATE, page_context(
        request, case_guests=call_guests.of_case(db, case.id),
        language_name=view.language_namer(request)), block_name="case_guests")
