"""Case pages: search and list, the case file and its changes (persons too), the audit trail.

Plain forms and links that htmx upgrades. Intake (drafts) is in ``routers/intake.py``.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from agent_console import (
    access,
    assignment_view,
    call_controls_view,
    chat_desk_view,
    follow_up_view,
    htmx,
    i18n,
    person_form,
    web_report_view,
)
from agent_console.case_access import ReadableCase, ReadableReferral
from agent_console.case_steps import changeable, send_dispatch
from agent_console.deps import DB, Viewer, id_key, language, page_context, require
from agent_console.limits import Id, TooLarge, client_ip, limit_body
from agent_console.routers.contacts import case_page_context as contact_context
from agent_console.routers.places import place_of, place_options
from agent_console.templating import templates
from callcenter import audit
from callcenter.agents import service as users
from callcenter.calls import monitoring
from callcenter.cases import (
    agencies,
    closure,
    contacts,
    merging,
    policy,
    read_rights,
    schemas,
    walk_ins,
)
from callcenter.cases import clock as clock_rules
from callcenter.cases import risk as risk_rule
from callcenter.cases import search as case_search
from callcenter.cases import service as cases
from callcenter.cases.models import (
    AgencyType,
    Case,
    CaseStatus,
    Channel,
    ClosureOutcome,
    Consent,
    LegalBasis,
    PersonRole,
    Referral,
    ReferralStatus,
)
from callcenter.db import utcnow
from callcenter.dispatch import case_clock
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import UNIT_BRIEF_MAX
from callcenter.errors import DomainError
from callcenter.provinces import service as provinces
from callcenter.taxonomy import (
    ChiCategory,
    GbvType,
    Gender,
    IssueArea,
    TargetGroup,
    Urgency,
)
from callcenter.thaidate import parse_typed_day

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
FIELD_NAME = re.compile(r"^[a-z0-9_.]{1,60}$")
CHOICES = {
    "issue_area": list(IssueArea), "chi_category": list(ChiCategory),
    "gbv_type": list(GbvType), "target_group": list(TargetGroup), "urgency": list(Urgency),
    "consent": list(Consent), "legal_basis": list(LegalBasis), "gender": list(Gender),
    "agency_type": list(AgencyType),
}


def problems_of(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {form field: message key}; the template translates them."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        if loc[:1] == ["persons"] and len(loc) >= 3:
            field = f"persons.{loc[1]}.{loc[2]}"
        else:
            field = ".".join(loc) or "form"
        key = "v." + error["type"]
        out.setdefault(field, key if key in i18n.catalogue("en") else "v.invalid")
    return out


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form(max_fields=200)
    data: dict[str, str] = {}
    for key, value in form.multi_items():
        if key == "csrf_token" or not isinstance(value, str):
            continue
        if not FIELD_NAME.match(key) or len(value) > 10_000:
            raise TooLarge("a field is too long")
        data[key] = value
    return data


# --- search and list ----------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
def list_cases(
    request: Request,
    number: str = Query(default="", max_length=20),
    phone: str = Query(default="", max_length=40),
    name: str = Query(default="", max_length=100),
    status: CaseStatus | None = None,
    province_code: str = Query(default="", pattern=r"^(TH-\d{2})?$"),
    channel: Channel | None = None,
    page: int = Query(default=1, ge=1, le=10_000),
    viewer: Viewer = Worker,
    db: Session = DB,
) -> Response:
    return _search(request, db, viewer, number=number, phone=phone, name=name, status=status,
                   province_code=province_code, channel=channel, page=page)


@router.post("/cases", response_class=HTMLResponse)
def search_cases(
    request: Request,
    number: str = Form(default="", max_length=20),
    phone: str = Form(default="", max_length=40),
    name: str = Form(default="", max_length=100),
    status: CaseStatus | None = Form(default=None),
    province_code: str = Form(default="", pattern=r"^(TH-\d{2})?$"),
    channel: Channel | Literal[""] = Form(default=""),
    page: int = Form(default=1, ge=1, le=10_000),
    viewer: Viewer = Worker,
    db: Session = DB,
) -> Response:
    """The search form posts its terms: a phone or a name never sits in a URL (history,
    proxy logs, the Referer of the next page)."""
    return _search(request, db, viewer, number=number, phone=phone, name=name, status=status,
                   province_code=province_code, channel=channel or None, page=page)


def _search(request: Request, db: Session, viewer: Viewer, *, number: str, phone: str,
            name: str, status: CaseStatus | None, province_code: str,
            channel: Channel | None, page: int) -> Response:
    found = case_search.search(db, case_search.Query(
        number=number or None, phone=phone or None, name=name or None, status=status,
        province_code=province_code or None, channel=channel, page=page, per_page=25))
    audit.record(db, actor_id=viewer.id, action="case.search", entity_type="case_search",
                 entity_id=len(found.items), source_ip=client_ip(request))
    # Cases the viewer may not read show a reduced row and "open with a reason".
    readable = read_rights.readable_ids(db, viewer, found.items, now=utcnow())
    context = page_context(request, found=found, readable=readable, q={
        "number": number, "phone": phone, "name": name,
        "status": status.value if status else "", "province_code": province_code,
        "channel": channel.value if channel else ""}, channels=list(Channel),
        statuses=list(CaseStatus), provinces=provinces.by_thai_name(db),
        merge_notes=case_search.merge_notes(db, [c.id for c in found.items]))
    block = "results" if htmx.is_htmx(request) else None
    return templates.TemplateResponse(request, "cases.html", context, block_name=block)


# --- the case file ------------------------------------------------------------------------


def timeline(db: Session, case) -> list[dict[str, Any]]:
    """Contacts (calls, walk-ins, messages), status changes, notes, referrals, persons
    added or changed, closes asked for and decided, follow-ups, dispatch steps, merges and
    their undoing, and supervisors' listen-ins on its calls, oldest first."""
    entries: list[dict[str, Any]] = []
    call_ids = cases.call_ids(db, case)
    # Every contact: its calls (with their records; "call" as before), walk-ins, messages.
    for view in contacts.of_case(db, case):
        entries.append({"at": view.contact.occurred_at, "item": view,
                        "kind": "call" if view.call is not None else "contact"})
    # A supervisor who listened in, whispered or barged in on one of the case's calls.
    for runs in monitoring.of_calls(db, call_ids).values():
        for run in runs:
            who = users.by_id(db, run.supervisor_user_id) if run.supervisor_user_id else None
            entries.append({"at": run.started_at, "kind": "monitor", "item": run,
                            "supervisor": who.display_name if who else None})
    for change in cases.status_history(db, case):
        entries.append({"at": change.changed_at, "kind": "status", "item": change})
    for note in cases.notes(db, case):
        entries.append({"at": note.created_at, "kind": "note", "item": note})
    for referral in cases.referrals(db, case):
        entries.append({"at": referral.sent_at, "kind": "referral", "item": referral})
    for event, person in cases.person_events(db, case):
        entries.append({"at": event.at, "kind": "person", "item": person,
                        "added": event.action == "person.add"})
    for ask in closure.requests_of(db, case):
        entries.append({"at": ask.requested_at, "kind": "closure_request", "item": ask})
        if ask.decided_at is not None:
            entries.append({"at": ask.decided_at, "kind": "closure_decision", "item": ask})
    for dispatch in dispatches.of_case(db, case.id):
        for step in dispatches.timeline(db, dispatch.id):
            entries.append({"at": step.at, "kind": "dispatch", "item": step,
                            "dispatch": dispatch})
    entries.extend(follow_up_view.timeline_entries(db, case))
    for view in merging.views(db, merging.of_case(db, case.id)):
        entries.append({"at": view.merge.merged_at, "kind": "merge", "item": view})
        if view.merge.undone_at is not None:
            entries.append({"at": view.merge.undone_at, "kind": "merge_undone", "item": view})
    entries.extend(assignment_view.timeline(db, case))
    entries.extend(web_report_view.timeline(db, case))
    entries.extend(chat_desk_view.timeline(db, case))
    entries.extend(call_controls_view.timeline(db, call_ids))
    return sorted(entries, key=lambda e: e["at"])


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_file(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
              db: Session = DB) -> Response:
    return _case_page(request, db, viewer, case)


def _case_page(request: Request, db: Session, viewer: Viewer, case, *,
               sent_back: dict[str, Any] | None = None,
               status_form: dict[str, str] | None = None,
               rescreen_form: dict[str, Any] | None = None, status: int = 200) -> Response:
    """The case file; ``sent_back`` is a person form sent back with its problems
    (``id``: the person's, or ``"new"``; ``data``: what was typed; ``problems``),
    ``status_form`` the status form sent back (``status``, ``reason``, ``problem``), and
    ``rescreen_form`` the screening form sent back (``data``, ``field``, ``problem``)."""
    audit.record(db, actor_id=viewer.id, action="case.view", entity_type="case",
                 entity_id=case.id, source_ip=client_ip(request))
    province = provinces.get(db, case.province_code)
    people = cases.persons(db, case)
    whole = viewer.role in access.FULL_NUMBER_ROLES
    context = page_context(
        request, case=case, province=province, unit=provinces.unit_of(db, case.province_code),
        entries=timeline(db, case), referrals=cases.referrals(db, case),
        dispatches=dispatches.of_case(db, case.id), can_change=access.can_change(viewer, case),
        next_statuses=sorted(policy.moves_by_hand(case.status)), choices=CHOICES,
        referral_statuses=list(ReferralStatus), can_audit=viewer.role in access.AUDIT_ROLES,
        agencies=agencies.search(db, province_code=case.province_code,
                                 first_province=case.province_code),
        province_by_code=agencies.provinces_by_code(),
        overdue_ids={r.id for r in cases.referrals(db, case) if agencies.is_overdue(r)},
        recorders=users.by_ids(db, {r.status_by_id for r in cases.referrals(db, case)
                                    if r.status_by_id is not None}),
        provinces=provinces.by_thai_name(db), persons=people, person_roles=list(PersonRole),
        person_values={p.id: person_form.values(p, whole_numbers=whole,
                                                buddhist_era=language(request) == "th")
                       for p in people},
        person_form=sent_back, status_form=status_form or {},
        rescreen_form=rescreen_form or {},
        closure_outcomes=list(ClosureOutcome),
        whole_numbers=whole, unit_brief_max=UNIT_BRIEF_MAX,
        suggested_urgency=risk_rule.suggested_urgency(case.risk),
        below_suggestion=risk_rule.is_below_suggestion(case.urgency, case.risk),
        mask=lambda n: access.mask_number(n, viewer.role), **place_of(case),
        closure_waiting=closure.pending_for(db, case), clock_steps=case_clock.steps(db, case),
        case_access=getattr(request.state, "case_access", None),
        merges=merging.views(db, merging.of_case(db, case.id)),
        duration=clock_rules.format_duration, **follow_up_view.case_context(db, case, request),
        **contact_context(request, db, viewer, case),
        **assignment_view.case_context(db, viewer, case),
        walk_in_centre=walk_ins.name_of(db, case.walk_in_agency_id))
    if rescreen_form:  # the place as typed, with its districts' lists
        typed = rescreen_form["data"]
        values = {name: typed.get(name) or None for name in context["place_values"]}
        context.update(place_values=values, **place_options(values))
    return templates.TemplateResponse(request, "case.html", context, status_code=status)


# --- persons on the case file --------------------------------------------------------------


def _sent_back(person_id: int | str, fields: dict[str, str], exc: Exception) -> dict[str, Any]:
    """A refused person form, to show again with its problems beside the fields.

    A national ID typed into it is not sent back (the page never shows one): the field
    asks for it again unless it was the one refused.
    """
    if isinstance(exc, ValidationError):
        problems = problems_of(exc)
    else:
        assert isinstance(exc, DomainError)
        problems = {"person": f"rule.{exc.field}"}
    if fields.get("national_id", "").strip():
        problems.setdefault("national_id", "person.id_retype")
    data = {k: v for k, v in fields.items() if k != "national_id"}
    return {"id": person_id, "data": data, "problems": problems}


@router.post("/cases/{case_id}/persons")
async def add_person(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
                     db: Session = DB) -> Response:
    """Add a person of any role (a child, a household member …): the intake's checks."""
    changeable(viewer, case)
    fields = await form_fields(request)
    whole = viewer.role in access.FULL_NUMBER_ROLES
    data = person_form.to_input(fields, editing=False, whole_numbers=whole)
    try:
        if not person_form.has_details(data):
            raise DomainError("a person needs at least one detail", field="person")
        person = schemas.PersonIn.model_validate(data)
        cases.add_person(db, case, person=person, actor_id=viewer.id, id_key=id_key(request))
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.field not in ("person", "persons"):
            raise
        return _case_page(request, db, viewer, case, status=422,
                          sent_back=_sent_back("new", fields, exc))
    return _back(request, case.id)


@router.post("/cases/{case_id}/persons/{person_id}")
async def update_person(person_id: Id, request: Request, viewer: Viewer = Worker,
                        case: Case = ReadableCase, db: Session = DB) -> Response:
    """Change a person's details (the whole form; see ``person_form.to_input``)."""
    changeable(viewer, case)
    person = cases.get_person(db, case, person_id)
    fields = await form_fields(request)
    try:
        changes = schemas.PersonPatch.model_validate(person_form.to_input(
            fields, editing=True, whole_numbers=viewer.role in access.FULL_NUMBER_ROLES))
    except ValidationError as exc:
        return _case_page(request, db, viewer, case, status=422,
                          sent_back=_sent_back(person.id, fields, exc))
    cases.update_person(db, person, changes=changes, actor_id=viewer.id,
                        id_key=id_key(request))
    return _back(request, case.id)


def _back(request: Request, case_id: int) -> Response:
    return htmx.redirect(request, f"/cases/{case_id}")


@router.post("/cases/{case_id}/notes")
def add_note(request: Request, body: str = Form(min_length=1, max_length=10_000),
             viewer: Viewer = Worker, case: Case = ReadableCase,
             db: Session = DB) -> Response:
    note = schemas.NoteIn(body=body)
    cases.add_note(db, case, body=note.body, actor_id=viewer.id)
    return _back(request, case.id)


@router.post("/cases/{case_id}/status")
def change_status(request: Request, status: CaseStatus | Literal[""] = Form(""),
                  reason: str = Form(default="", max_length=300),
                  outcome: ClosureOutcome | Literal[""] = Form(""),
                  viewer: Viewer = Worker, case: Case = ReadableCase,
                  db: Session = DB) -> Response:
    """Move the case by hand; closing needs its outcome (the page asks to confirm first)
    and, for urgent and child cases, a supervisor's approval (``cases.closure``)."""
    changeable(viewer, case)
    if not status:  # the list starts at "no change", so a stray submit closes nothing
        return _back(request, case.id)
    try:
        closure.move_by_hand(db, case, to=status, actor_id=viewer.id, role=viewer.role.value,
                             reason=reason.strip() or None, outcome=outcome or None)
    except DomainError as exc:
        if exc.field == "reason":  # reopening says why
            return _case_page(request, db, viewer, case, status=422, status_form={
                "status": status.value, "reason": reason, "problem": "closure.reopen_reason"})
        if exc.field != "outcome":
            raise
        # Shown again with the choice made so far and the problem beside the outcome.
        return _case_page(request, db, viewer, case, status=422, status_form={
            "status": status.value, "reason": reason, "problem": "closure.required"
            if status is CaseStatus.CLOSED else "closure.only_closing"})
    return _back(request, case.id)


@router.post("/cases/{case_id}/fields")
async def rescreen(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
                   db: Session = DB) -> Response:
    """Change the screening fields of a case (the risk checklist and flags stay as they are)."""
    changeable(viewer, case)
    fields = await form_fields(request)
    data = {k: v for k, v in fields.items() if v != ""}
    data.update(risk=case.risk, do_not_call_back=case.do_not_call_back,
                withhold_caller_id=case.withhold_caller_id, call_window=case.call_window)
    try:
        changes = schemas.CaseFields.model_validate(data)
        cases.update_fields(db, case, changes=changes, actor_id=viewer.id)
    except ValidationError as exc:
        field, key = next(iter(problems_of(exc).items()))
        problem = key
    except DomainError as exc:
        if exc.field is None:
            raise
        field, problem = exc.field, "rule." + exc.field
    else:
        return _back(request, case.id)
    # Shown again as typed, the problem beside its field: a refused screening (a case
    # opened from a chat starts with consent not asked) must not cost the agent the text.
    db.rollback()
    return _case_page(request, db, viewer, case, status=422, rescreen_form={
        "data": fields, "field": field, "problem": problem})


@router.post("/cases/{case_id}/safe-contact")
def safe_contact(request: Request,
                 do_not_call_back: bool = Form(default=False),
                 withhold_caller_id: bool = Form(default=False),
                 call_window: str = Form(default="", max_length=120),
                 viewer: Viewer = Worker, case: Case = ReadableCase,
                 db: Session = DB) -> Response:
    changeable(viewer, case)
    flags = schemas.SafeContact(do_not_call_back=do_not_call_back,
                                withhold_caller_id=withhold_caller_id,
                                call_window=call_window.strip() or None)
    case.do_not_call_back = flags.do_not_call_back
    case.withhold_caller_id = flags.withhold_caller_id
    case.call_window = flags.call_window
    audit.record(db, actor_id=viewer.id, action="case.update", entity_type="case",
                 entity_id=case.id)
    return _back(request, case.id)


@router.post("/cases/{case_id}/referrals")
def refer(request: Request, agency_id: str = Form(default="", max_length=12),
          agency_type: str = Form(default="", max_length=40),
          agency_name: str = Form(default="", max_length=200),
          reason: str = Form(default="", max_length=2000),
          due_date: str = Form(default="", max_length=10),
          viewer: Viewer = Worker, case: Case = ReadableCase,
          db: Session = DB) -> Response:
    # A directory agency (agency_id) or, for one not in it, a type and a name.
    changeable(viewer, case)
    due = None
    if due_date:
        try:
            day = parse_typed_day(due_date)
        except ValueError:
            raise DomainError("not a date", field="due_date") from None
        due = datetime.combine(day, time(17), request.app.state.settings.zone)
    referral = schemas.ReferralIn(agency_id=agency_id or None, agency_type=agency_type or None,
                                  agency_name=agency_name or None, reason=reason or None,
                                  due_at=due)
    cases.refer(db, case, referral=referral, actor_id=viewer.id)
    return _back(request, case.id)


@router.post("/referrals/{referral_id}/status")
def move_referral(request: Request, status: ReferralStatus = Form(),
                  viewer: Viewer = Worker, referral: Referral = ReadableReferral,
                  db: Session = DB) -> Response:
    changeable(viewer, cases.get(db, referral.case_id))
    cases.move_referral(db, referral, to=status, actor_id=viewer.id)
    return _back(request, referral.case_id)


@router.post("/cases/{case_id}/dispatch")
def dispatch(request: Request, unit_brief: str = Form(default=""),
             viewer: Viewer = Worker, case: Case = ReadableCase,
             db: Session = DB) -> Response:
    """Send the case to its province's rapid-response unit (once: see ``send_dispatch``)."""
    send_dispatch(request, db, viewer, case, unit_brief=unit_brief)
    return _back(request, case.id)


@router.get("/cases/{case_id}/audit", response_class=HTMLResponse)
def audit_page(request: Request, viewer: Viewer = Supervisor, case: Case = ReadableCase,
               db: Session = DB) -> Response:
    trail = cases.audit_trail(db, case)
    audit.record(db, actor_id=viewer.id, action="case.audit_view", entity_type="case",
                 entity_id=case.id, source_ip=client_ip(request))
    context = page_context(request, case=case)
    named = users.by_ids(db, {e.actor_id for e in trail if e.actor_id is not None})
    rows = [{"event": e, "actor": named.get(e.actor_id) if e.actor_id else None,
             "action": action_words(context["_"], e.action)} for e in trail]
    context["rows"] = rows
    return templates.TemplateResponse(request, "case_audit.html", context)


def action_words(_, action: str) -> str:
    """An audit action in the page's language (``audit.do.<action>``), else as recorded."""
    key = "audit.do." + action
    return _(key) if key in i18n.catalogue("en") else action
