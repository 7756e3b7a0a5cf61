"""Intake from a call: the agent's draft, saved as it is typed, and the case it opens.

Nothing typed is lost when the call drops or the page reloads (the draft is saved
600 ms after the last key, and on leaving the page), and opening is idempotent: the
draft's key is the case's intake key, so a second tab or a double click gives the same
case. Two tabs typing into one draft are told so (the draft's version).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.case_steps import send_dispatch
from agent_console.deps import DB, Viewer, id_key, page_context, require
from agent_console.intake_layout import RISK_AREAS, open_sections
from agent_console.limits import Id, client_ip, limit_body
from agent_console.own_calls import own_call
from agent_console.routers.cases import (
    CHOICES,
    form_fields,
    problems_of,
)
from agent_console.routers.places import place_options
from agent_console.routers.walk_ins import form_context as walk_in_form
from agent_console.templating import templates
from callcenter.calls import service as calls
from callcenter.calls.models import Call
from callcenter.cases import drafts, schemas
from callcenter.cases import risk as risk_rule
from callcenter.cases import service as cases
from callcenter.cases.models import Case
from callcenter.dispatch.models import UNIT_BRIEF_MAX
from callcenter.errors import DomainError
from callcenter.provinces import service as provinces

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
# Fields the intake form leaves unset until the agent chooses.
CHOSEN = ("urgency", "consent")
Worker = Depends(require(*access.CASE_ROLES))
# The risk checklist's table for the page's script: it suggests as the boxes are ticked.
RISK_RULE = {
    "order": [u.value for u in risk_rule.ORDER],
    "floor": {q: u.value for q, u in risk_rule.FLOOR.items()},
    "together": [[sorted(qs), u.value] for qs, u in risk_rule.TOGETHER],
}


@router.get("/cases/new")
def new_case(
    request: Request,
    call_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
    node: str = Query(default="", max_length=40),
    uniqueid: str = Query(default="", max_length=64),
    viewer: Viewer = Worker,
    db: Session = DB,
) -> Response:
    """Open (or find again) the agent's draft for this call and go to its form.

    A GET because Alt+N follows a link; it is idempotent for a call (one draft per
    agent and call), and a blank draft opened without a call is purged after a day.
    """
    call: Call | None = None
    if call_id is not None:
        call = own_call(db, call_id, viewer, request)
    elif node and uniqueid:
        found = calls.get(db, node=node, uniqueid=uniqueid)
        call = own_call(db, found.id, viewer, request) if found is not None else None
    draft = drafts.open_for(db, user_id=viewer.id, call_id=call.id if call else None,
                            prefill=drafts.prefill(call))
    return htmx.redirect(request, f"/cases/drafts/{draft.key}")


def _intake_page(request: Request, db: Session, draft, *, problems: dict[str, str] | None = None,
                 data: dict[str, str] | None = None, conflict: bool = False,
                 status: int = 200) -> Response:
    # A national ID is never sent back once entered, not even as typed in a refused form:
    # the field is empty, its last four digits beside it (left empty, a save keeps it).
    shown = data if data is not None else drafts.form_data(draft)
    data = {k: v for k, v in shown.items() if not k.endswith(drafts.SEALED_SUFFIX)}
    ids = drafts.ids_entered(draft, key=id_key(request))
    call = calls.by_id(db, draft.call_id) if draft.call_id else None
    unit = provinces.unit_of(db, data.get("province_code"))
    ticked = {q: True for q in schemas.RISK_QUESTIONS if data.get(f"risk.{q}") in drafts.CHECKED}
    context = page_context(
        request, draft=draft, data=data, call=call, problems=problems or {},
        choices=CHOICES, risk_questions=schemas.RISK_QUESTIONS, conflict=conflict,
        suggestion=risk_rule.suggested_urgency(ticked), risk_rule=RISK_RULE,
        person_roles=drafts.PERSON_ROLES, provinces=provinces.by_thai_name(db),
        unit=unit, ids_entered=ids, brief_max=UNIT_BRIEF_MAX,
        risk_areas=sorted(a.value for a in RISK_AREAS),
        open_sections=open_sections(data, problems or {}, has_unit=unit is not None),
        **place_options(data), **walk_in_form(db, data))
    return templates.TemplateResponse(request, "intake.html", context, status_code=status)


@router.get("/cases/drafts/{key}", response_class=HTMLResponse)
def intake_form(key: str, request: Request, viewer: Viewer = Worker,
                db: Session = DB) -> Response:
    draft = drafts.get(db, key, user_id=viewer.id)
    if draft.case_id is not None:
        return htmx.redirect(request, f"/cases/{draft.case_id}")
    drafts.record_view(db, draft, actor_id=viewer.id, source_ip=client_ip(request))
    return _intake_page(request, db, draft)


def _version(fields: dict[str, str]) -> tuple[int | None, str | None]:
    """The draft version the tab loaded and the tab's own id (both sent by the form)."""
    value = fields.pop("version", "")
    tab = fields.pop("tab", "")[:40] or None
    return (int(value) if value.isdigit() and len(value) < 10 else None), tab


# The form is read by an async dependency and the routes below are plain functions, so
# their database work runs in the thread pool: an autosave still in flight holds the
# draft's row until its commit, and a route waiting for that row on the event loop would
# stop the loop that has to run the commit.
Fields = Depends(form_fields)


@router.post("/cases/drafts/{key}", response_class=HTMLResponse)
def save_draft(key: str, request: Request, fields: dict[str, str] = Fields,
               viewer: Viewer = Worker, db: Session = DB) -> Response:
    """Autosave: the whole form, as typed, replaces the draft's content."""
    version, tab = _version(fields)
    draft = drafts.get(db, key, user_id=viewer.id)
    conflict = False
    try:
        drafts.save(db, draft, schemas.DraftIn(data=fields).data, key=id_key(request),
                    version=version, tab=tab)
    except drafts.DraftConflict:
        conflict = True  # nothing overwritten; the tab keeps its copy and says so
    db.flush()
    context = page_context(request, draft=draft, conflict=conflict)
    headers = {"X-Draft-Conflict": "1"} if conflict else None
    return templates.TemplateResponse(request, "intake.html", context, block_name="saved",
                                      headers=headers)


@router.get("/cases/unit", response_class=HTMLResponse)
def province_unit(request: Request,
                  province_code: str = Query(default="", pattern=r"^(TH-\d{2})?$"),
                  viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The rapid-response unit of the chosen province (swapped in beside the field)."""
    context = page_context(request, unit=provinces.unit_of(db, province_code or None))
    return templates.TemplateResponse(request, "intake.html", context, block_name="unit")


@router.post("/cases/drafts/{key}/open")
def open_from_draft(key: str, request: Request, fields: dict[str, str] = Fields,
                    viewer: Viewer = Worker, db: Session = DB) -> Response:
    version, tab = _version(fields)
    # "Open and dispatch": the same form, sent by the other button.
    then_dispatch = fields.pop("then", "") == "dispatch"
    draft = drafts.get(db, key, user_id=viewer.id)
    if draft.case_id is not None:  # opened already (another tab, a double click)
        return htmx.redirect(request, f"/cases/{draft.case_id}")
    data = schemas.DraftIn(data=fields).data
    try:
        drafts.save(db, draft, data, key=id_key(request), version=version, tab=tab)
    except drafts.DraftConflict:
        # Another tab saved since: show this tab's form again with the warning; the
        # agent's next submit (with the current version) decides.
        return _intake_page(request, db, draft, data=data, conflict=True, status=409)
    # The agent's own choice, never a default: the urgency rings the unit, the consent
    # decides what may be shared.
    unchosen = {name: "v.missing" for name in CHOSEN if not (data.get(name) or "").strip()}
    if then_dispatch:
        unchosen.update(dispatch_problems(db, data))
    if unchosen:
        return _intake_page(request, db, draft, data=data, problems=unchosen, status=422)
    try:
        intake = drafts.check(draft, key=id_key(request))
        case, _created = cases.open_from_intake(db, intake=intake, actor_id=viewer.id,
                                                id_key=id_key(request))
    except ValidationError as exc:
        return _intake_page(request, db, draft, problems=problems_of(exc), status=422)
    except DomainError as exc:
        if exc.field is None:
            raise
        return _intake_page(request, db, draft, problems={exc.field: "rule." + exc.field},
                            status=422)
    if then_dispatch:
        dispatch_opened(request, db, viewer, case, brief=data.get("unit_brief", ""))
    drafts.mark_opened(draft, case.id)
    return htmx.redirect(request, f"/cases/{case.id}")


def dispatch_problems(db: Session, data: dict[str, str]) -> dict[str, str]:
    """What stops "open and dispatch" before anything is opened: no unit, no text for it."""
    problems = {}
    if provinces.unit_of(db, data.get("province_code") or None) is None:
        problems["province_code"] = "intake.no_unit"
    if not (data.get("unit_brief") or "").strip():
        problems["unit_brief"] = "intake.brief_missing"
    elif len(data["unit_brief"].strip()) > UNIT_BRIEF_MAX:
        problems["unit_brief"] = "v.string_too_long"
    return problems


def dispatch_opened(request: Request, db: Session, viewer: Viewer, case: Case, *,
                    brief: str) -> None:
    """Send the case just opened to its unit, as the case page's button does.

    The case stays opened whatever the dispatch says: a refusal (a rule of the dispatch
    the form could not check) leaves the agent on the case page, where its dispatch form
    says why and takes the text again.
    """
    try:
        with db.begin_nested():
            send_dispatch(request, db, viewer, case, unit_brief=brief)
    except DomainError:
        return


@router.post("/calls/{call_id}/disposition")
def disposition(call_id: Id, request: Request,
                disposition: str = Form(max_length=40),
                viewer: Viewer = Worker, db: Session = DB) -> Response:
    call = own_call(db, call_id, viewer, request)
    calls.set_disposition(db, call, disposition=disposition, actor_id=viewer.id)
    return htmx.redirect(request, "/agent")
