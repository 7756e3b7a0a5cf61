"""JSON API for owners and teams: reassigning a case, its reassignments, my cases, and
the shift's hand-over. The same services as the pages (``routers/assignment.py``,
``routers/handover.py``); a reassignment over an older ``version`` answers 409
``stale_edit``, and a hand-over with one refused case changes none."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.assignment_view import handover_worker
from agent_console.case_access import ReadableCase
from agent_console.case_notices import tell_new_owners
from agent_console.case_steps import record_read
from agent_console.deps import DB, Viewer, require
from agent_console.limits import client_ip, limit_body
from callcenter.cases import assignment, caseload
from callcenter.cases import assignment_schemas as schemas
from callcenter.cases.models import Case

router = APIRouter(prefix="/api", tags=["owners"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))


def row_out(row: caseload.Row) -> schemas.CaseLoadOut:
    c = row.case
    return schemas.CaseLoadOut(id=c.id, number=c.number, status=c.status, urgency=c.urgency,
                               province_code=c.province_code, owner_id=c.owner_id,
                               team_id=c.team_id, version=c.version,
                               next_due_at=row.due_at, overdue=row.overdue)


@router.post("/cases/{case_id}/assignment", response_model=schemas.AssignmentOut,
             responses=errors(400, 403, 404, 409, 422))
def reassign(body: schemas.AssignmentIn, request: Request,
             viewer: Viewer = Worker, case: Case = ReadableCase, db: Session = DB):
    """Give the case to another owner (and team) with a reason; the new owner is told."""
    row = assignment.reassign(
        db, case.id, to_owner_id=body.owner_id, actor_id=viewer.id,
        actor_role=viewer.role.value, reason=body.reason, version=body.version,
        keep_team="team_id" not in body.model_fields_set, to_team_id=body.team_id,
        source_ip=client_ip(request))
    tell_new_owners(request, db, viewer, [row])
    return row


@router.get("/cases/{case_id}/assignments", response_model=list[schemas.AssignmentOut],
            responses=errors(404, 422))
def history(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
            db: Session = DB):
    """The case's reassignments, oldest first."""
    return assignment.history(db, record_read(db, case, viewer, request))


@router.get("/cases/mine", response_model=schemas.MyCasesOut)
def my_cases(viewer: Viewer = Worker, db: Session = DB):
    """My open cases by what is due next, my latest closed ones, my teams' open cases."""
    return schemas.MyCasesOut(
        owned=[row_out(r) for r in caseload.open_owned(db, viewer.id)],
        closed=[row_out(r) for r in caseload.closed_owned(db, viewer.id)],
        team=[row_out(r) for r in caseload.teams_open(db, viewer.id)])


@router.get("/handover", response_model=schemas.HandoverListOut, responses=errors(422))
def handover_list(worker_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
                  viewer: Viewer = Worker, db: Session = DB):
    """A worker's open cases with what is due next (an agent: their own only)."""
    worker = handover_worker(viewer, worker_id)
    return schemas.HandoverListOut(
        worker_id=worker, cases=[row_out(r) for r in caseload.open_owned(db, worker)])


@router.post("/handover", response_model=list[schemas.AssignmentOut],
             responses=errors(400, 404, 409, 422))
def handover(body: schemas.HandoverIn, request: Request, viewer: Viewer = Supervisor,
             db: Session = DB):
    """Reassign the cases in turn to the next shift's workers: all of them, or none."""
    rows = assignment.handover(
        db, [(c.case_id, c.version) for c in body.cases], body.to_owner_ids,
        actor_id=viewer.id, actor_role=viewer.role.value, reason=body.reason,
        source_ip=client_ip(request))
    tell_new_owners(request, db, viewer, rows)
    return rows
