"""Later contacts on the pages: attach a call to a case (from the screen-pop or the case
page) and record a walk-in or a message; what the case page needs to offer them.

Any case worker may attach a contact to a case, as any may add a note: a later call may
reach any agent. A call is attached only by the worker it is on (``own_calls``: any
other call answers 404, as one that does not exist).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx, screenpop
from agent_console.case_access import ReadableCase, check_attachable
from agent_console.deps import DB, Viewer, language, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.own_calls import own_call
from agent_console.templating import templates
from callcenter.agents import state as agent_state
from callcenter.calls import dispositions
from callcenter.cases import contact_rules, contacts
from callcenter.cases import service as cases
from callcenter.cases.models import Case, ContactChannel
from callcenter.errors import InvalidInput
from callcenter.thaidate import parse_typed_clock, parse_typed_day

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))


def case_page_context(request: Request, db: Session, viewer: Viewer,
                      case: Case) -> dict[str, Any]:
    """The case page's contacts: the worker's own recent calls to pick from, the
    channels recorded by hand, the labels of queues and dispositions."""
    english = language(request) == "en"
    queues = agent_state.queue_labels(db)
    return {
        "recent_calls": contacts.recent_calls(db, user_id=viewer.id, not_on=case),
        "contact_channels": sorted(c.value for c in contact_rules.BY_HAND),
        "contact_queue_label": {name: pair[english] for name, pair in queues.items()},
        "contact_disposition_label": {code: pair[english] for code, pair
                                      in dispositions.labels(db).items()},
    }


@router.post("/cases/{case_id}/contacts/calls", response_class=HTMLResponse)
def attach_call(case_id: Id, request: Request, call_id: int = Form(ge=1, le=2**31 - 1),
                viewer: Viewer = Worker, db: Session = DB) -> Response:
    """Attach one of the worker's calls; from the screen-pop (htmx) the case's item comes
    back saying "attached ✓" with a link to the case, from the case page the page."""
    call = own_call(db, call_id, viewer, request)
    case = cases.get(db, case_id)
    check_attachable(db, viewer, case, call, request)
    contacts.attach_call(db, case, call, actor_id=viewer.id)
    if not htmx.is_htmx(request):
        return htmx.redirect(request, f"/cases/{case.id}")
    item = screenpop.earlier_cases(db, [case], call_id=call.id)[0]
    return templates.TemplateResponse(request, "_pop_case.html", page_context(
        request, c=item, call_id=call.id))


def _when(text: str, day: str, clock: str, request: Request) -> datetime | None:
    """When it happened, on the hotline's clock, or None for "now": the form's typed day
    and time (a day alone is that day at noon; a time alone is today), or one ISO value
    (``occurred_at``) as a script sends it."""
    zone = request.app.state.settings.zone
    if not (text.strip() or day.strip() or clock.strip()):
        return None
    try:
        if text.strip():
            local = datetime.fromisoformat(text.strip())
        else:
            on = parse_typed_day(day) if day.strip() else datetime.now(zone).date()
            at = parse_typed_clock(clock) if clock.strip() else time(12, 0)
            local = datetime.combine(on, at)
    except ValueError:
        raise InvalidInput("not a date and time", field="occurred_at") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=request.app.state.settings.zone)
    return local


@router.post("/cases/{case_id}/contacts")
def record_contact(request: Request, channel: ContactChannel = Form(),
                   occurred_at: str = Form(default="", max_length=32),
                   occurred_day: str = Form(default="", max_length=12),
                   occurred_time: str = Form(default="", max_length=10),
                   summary: str = Form(default="", max_length=contact_rules.SUMMARY_MAX),
                   viewer: Viewer = Worker, case: Case = ReadableCase,
                   db: Session = DB) -> Response:
    """Record a walk-in or a message about the case (when: now unless given)."""
    when = _when(occurred_at, occurred_day, occurred_time, request)
    contacts.record_contact(db, case, channel=channel, occurred_at=when, summary=summary,
                            actor_id=viewer.id)
    return htmx.redirect(request, f"/cases/{case.id}")
