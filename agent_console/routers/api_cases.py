"""JSON API for cases: the same operations as the pages, for scripts and the load test.

Every call checks the role (``require``) and, for changes, the case's owner; every read,
search, change and export writes an audit event holding ids only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import ReadableCase, ReadableReferral, readable_case
from agent_console.case_steps import changeable, record_read, send_dispatch
from agent_console.deps import DB, Viewer, id_key, require, run_and_commit
from agent_console.limits import Id, client_ip, limit_body
from callcenter import audit
from callcenter.agents import service as users
from callcenter.agents.models import Role
from callcenter.cases import closure, read_rights, schemas
from callcenter.cases import search as case_search
from callcenter.cases import service as cases
from callcenter.cases.models import Case, CasePerson, CaseStatus, Channel, Referral
from callcenter.db import utcnow
from callcenter.dispatch.models import UNIT_BRIEF_MAX, DispatchStatus
from callcenter.taxonomy import Urgency

router = APIRouter(prefix="/api", tags=["cases"], dependencies=[Depends(limit_body)],
                   responses=COMMON)

CaseReader = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
# Ids (``Id``) fit PostgreSQL's integer; anything else is a 422, never a database error.


@router.get("/cases", response_model=schemas.CasePage, responses=errors(422))
def search_cases(
    request: Request,
    number: Annotated[str | None, Query(max_length=20)] = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    status: CaseStatus | None = None,
    province_code: Annotated[str | None, Query(pattern=r"^TH-\d{2}$")] = None,
    channel: Channel | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
    viewer: Viewer = CaseReader,
    db: Session = DB,
):
    found = case_search.search(db, case_search.Query(
        number=number, phone=phone, name=name, status=status, province_code=province_code,
        channel=channel, page=page, per_page=per_page))
    audit.record(db, actor_id=viewer.id, action="case.search", entity_type="case_search",
                 entity_id=len(found.items), source_ip=client_ip(request))
    readable = read_rights.readable_ids(db, viewer, found.items, now=utcnow())
    return schemas.CasePage(
        items=[schemas.CaseSummaryOut.of(c, readable=c.id in readable) for c in found.items],
        page=found.page, per_page=found.per_page, total=found.total)


@router.post("/cases", response_model=schemas.CaseOut, status_code=201,
             responses=errors(400, 404, 409, 422))
def open_case(
    intake: schemas.CaseIn,
    request: Request,
    response: Response,
    viewer: Viewer = CaseReader,
    db: Session = DB,
):
    """Open a case; repeating the request with the same ``intake_key`` returns the same case.

    ``channel`` says where the report came in (the hotline unless given); a ``walk_in``
    says where it was taken: ``walk_in_agency_id`` (a centre of the directory that takes
    walk-ins) and/or ``walk_in_place`` in words. Other channels refuse both (422)."""
    case, created = cases.open_from_intake(db, intake=intake, actor_id=viewer.id,
                                           id_key=id_key(request))
    if not created:
        response.status_code = 200
    return schemas.CaseOut.model_validate(case)


@router.get("/cases/{case_id}", response_model=schemas.CaseOut, responses=errors(404, 422))
def get_case(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
             db: Session = DB):
    return record_read(db, case, viewer, request)


@router.put("/cases/{case_id}", response_model=schemas.CaseOut,
            responses=errors(400, 404, 422))
def update_case(changes: schemas.CaseFields, viewer: Viewer = CaseReader,
                case: Case = ReadableCase, db: Session = DB):
    changeable(viewer, case)
    case = cases.update_fields(db, case, changes=changes, actor_id=viewer.id)
    return schemas.CaseOut.model_validate(case)


def person_out(person: CasePerson, viewer: Viewer) -> schemas.PersonOut:
    """The person as this viewer may see them: the phone masked for roles that need not
    see it whole (``access.mask_number``), as on the screen-pop and the case page."""
    out = schemas.PersonOut.model_validate(person)
    return out.model_copy(update={"phone": access.mask_number(out.phone, viewer.role)})


class CaseExport(BaseModel):
    case: schemas.CaseOut
    persons: list[schemas.PersonOut]
    notes: list[schemas.NoteOut]
    referrals: list[schemas.ReferralOut]
    call_ids: list[int]


@router.get("/cases/{case_id}/export", response_model=CaseExport,
            responses=errors(404, 422))
def export_case(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
                db: Session = DB):
    """The whole case file as JSON; recorded as an export. Phones are masked for roles
    that see them masked on screen."""
    record_read(db, case, viewer, request, action="case.export")
    return CaseExport(
        case=schemas.CaseOut.model_validate(case),
        persons=[person_out(p, viewer) for p in cases.persons(db, case)],
        notes=[schemas.NoteOut.model_validate(n) for n in cases.notes(db, case)],
        referrals=[schemas.ReferralOut.model_validate(r) for r in cases.referrals(db, case)],
        call_ids=cases.call_ids(db, case),
    )


@router.post("/cases/{case_id}/persons", response_model=schemas.PersonOut, status_code=201,
             responses=errors(400, 404, 409, 422))
def add_person(person: schemas.PersonIn, request: Request, viewer: Viewer = CaseReader,
               case: Case = ReadableCase, db: Session = DB):
    """Add a person of any role to the case (checked as at intake;
    a national ID is kept as a digest and its last four digits)."""
    changeable(viewer, case)
    row = cases.add_person(db, case, person=person, actor_id=viewer.id,
                           id_key=id_key(request))
    return person_out(row, viewer)


@router.patch("/cases/{case_id}/persons/{person_id}", response_model=schemas.PersonOut,
              responses=errors(400, 404, 422))
def update_person(person_id: Id, changes: schemas.PersonPatch, request: Request,
                  viewer: Viewer = CaseReader, case: Case = ReadableCase, db: Session = DB):
    """Change the fields given; ``null`` clears an optional field."""
    changeable(viewer, case)
    row = cases.update_person(db, cases.get_person(db, case, person_id), changes=changes,
                              actor_id=viewer.id, id_key=id_key(request))
    return person_out(row, viewer)


@router.get("/cases/{case_id}/notes", response_model=list[schemas.NoteOut],
            responses=errors(404, 422))
def list_notes(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
               db: Session = DB):
    return cases.notes(db, record_read(db, case, viewer, request))


@router.post("/cases/{case_id}/notes", response_model=schemas.NoteOut, status_code=201,
             responses=errors(404, 422))
async def add_note(case_id: Id, note: schemas.NoteIn, request: Request,
                   viewer: Viewer = CaseReader, db: Session = DB):
    # Whoever may read the case may add a note (a follow-up call is linked to it, so its
    # agent reads it); none may edit one. An intake's request: one trip for the case's
    # check, the note and the commit (``run_and_commit``).
    def work() -> schemas.NoteOut:
        case = readable_case(case_id, request, viewer, db)
        row = cases.add_note(db, case, body=note.body, actor_id=viewer.id)
        return schemas.NoteOut.model_validate(row)

    return await run_and_commit(request, db, work)


@router.post("/cases/{case_id}/status", response_model=schemas.CaseOut,
             responses=errors(400, 404, 409, 422))
def change_status(move: schemas.StatusIn, response: Response, viewer: Viewer = CaseReader,
                  case: Case = ReadableCase, db: Session = DB):
    """202 when the close waits for a supervisor's approval: the case keeps its status."""
    changeable(viewer, case)
    result = closure.move_by_hand(db, case, to=move.status, actor_id=viewer.id,
                                  role=viewer.role.value, reason=move.reason,
                                  outcome=move.outcome)
    if not result.closed:
        response.status_code = 202
    return schemas.CaseOut.model_validate(result.case)


@router.get("/cases/{case_id}/referrals", response_model=list[schemas.ReferralOut],
            responses=errors(404, 422))
def list_referrals(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
                   db: Session = DB):
    return cases.referrals(db, record_read(db, case, viewer, request))


@router.post("/cases/{case_id}/referrals", response_model=schemas.ReferralOut,
             status_code=201, responses=errors(400, 404, 422))
def refer(referral: schemas.ReferralIn, viewer: Viewer = CaseReader,
          case: Case = ReadableCase, db: Session = DB):
    changeable(viewer, case)
    row = cases.refer(db, case, referral=referral, actor_id=viewer.id)
    return schemas.ReferralOut.model_validate(row)


@router.post("/referrals/{referral_id}/status", response_model=schemas.ReferralOut,
             responses=errors(400, 404, 409, 422))
def move_referral(move: schemas.ReferralStatusIn, viewer: Viewer = CaseReader,
                  referral: Referral = ReadableReferral, db: Session = DB):
    changeable(viewer, cases.get(db, referral.case_id))
    row = cases.move_referral(db, referral, to=move.status, actor_id=viewer.id)
    return schemas.ReferralOut.model_validate(row)


class DispatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    urgency: Urgency | None = None
    # What the unit needs to act, for the unit and its alerts: never copied from the
    # summary, so the agent writes it (checked by dispatch.policy.unit_brief).
    unit_brief: str = Field(min_length=1, max_length=UNIT_BRIEF_MAX)


class DispatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    unit_id: int
    status: DispatchStatus
    urgency: Urgency
    created_at: datetime
    # The agent's text sent to the unit (and in its alerts).
    unit_brief: str
    # What the unit answered: why it declined, or how the visit ended and its report.
    decline_reason: str | None
    outcome: str | None
    field_report: str | None


@router.post("/cases/{case_id}/dispatches", response_model=DispatchOut, status_code=201,
             responses=errors(400, 404, 409, 422))
async def dispatch_case(case_id: Id, request: Request, response: Response, body: DispatchIn,
                        viewer: Viewer = CaseReader, db: Session = DB):
    """Send the case to its province's rapid-response unit (or the unit given).

    201 with a new dispatch; 200 with the open one when the case has one to that unit.
    """
    def work() -> DispatchOut:  # one trip, as the intake's other requests
        case = readable_case(case_id, request, viewer, db)
        dispatch, created = send_dispatch(request, db, viewer, case,
                                          unit_brief=body.unit_brief, unit_id=body.unit_id,
                                          urgency=body.urgency)
        if not created:
            response.status_code = 200
        return DispatchOut.model_validate(dispatch)

    return await run_and_commit(request, db, work)


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    # Staff names and roles (not a survivor's data): who did it, as the audit page shows.
    actor_name: str | None = None
    actor_role: Role | None = None
    action: str
    # ``case`` or ``case_person`` (a person's id: added or changed after intake).
    entity_type: str
    entity_id: str
    source_ip: str | None


@router.get("/cases/{case_id}/audit", response_model=list[AuditOut],
            responses=errors(404, 422))
def case_audit(request: Request, viewer: Viewer = Supervisor, case: Case = ReadableCase,
               db: Session = DB):
    """The case's audit trail (supervisors and admins); reading it is recorded too."""
    trail = cases.audit_trail(db, case)
    audit.record(db, actor_id=viewer.id, action="case.audit_view", entity_type="case",
                 entity_id=case.id, source_ip=client_ip(request))
    named = users.by_ids(db, {e.actor_id for e in trail if e.actor_id is not None})
    out = []
    for event in trail:
        user = named.get(event.actor_id) if event.actor_id is not None else None
        out.append(AuditOut.model_validate(event).model_copy(update={
            "actor_name": user.display_name if user else None,
            "actor_role": user.role if user else None}))
    return out
