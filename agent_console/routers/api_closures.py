"""JSON API for closures waiting for a supervisor, and a case's clock."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import ReadableCase
from agent_console.case_steps import record_read
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from callcenter.cases import clock as clock_rules
from callcenter.cases import closure
from callcenter.cases import closure_schemas as schemas
from callcenter.cases.models import Case
from callcenter.dispatch import case_clock

router = APIRouter(prefix="/api", tags=["closures"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
CaseReader = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))


@router.get("/closures", response_model=list[schemas.WaitingClosureOut],
            responses=errors(403))
def waiting_closures(viewer: Viewer = Supervisor, db: Session = DB):
    """Closes waiting for a supervisor's approval, oldest first."""
    return [schemas.WaitingClosureOut(
        **schemas.ClosureRequestOut.model_validate(r).model_dump(), case_number=c.number)
        for r, c in closure.waiting(db)]


@router.post("/closures/{request_id}/approve", response_model=schemas.ClosureRequestOut,
             responses=errors(403, 404, 409, 422))
def approve(request_id: Id, decision: schemas.ApproveIn, viewer: Viewer = Supervisor,
            db: Session = DB):
    row = closure.get_request(db, request_id)
    closure.approve(db, row, actor_id=viewer.id, role=viewer.role.value,
                    version=decision.version)
    return schemas.ClosureRequestOut.model_validate(row)


@router.post("/closures/{request_id}/send-back", response_model=schemas.ClosureRequestOut,
             responses=errors(403, 404, 409, 422))
def send_back(request_id: Id, decision: schemas.SendBackIn, viewer: Viewer = Supervisor,
              db: Session = DB):
    row = closure.get_request(db, request_id)
    closure.send_back(db, row, actor_id=viewer.id, role=viewer.role.value,
                      reason=decision.reason, version=decision.version)
    return schemas.ClosureRequestOut.model_validate(row)


@router.get("/cases/{case_id}/closures", response_model=list[schemas.ClosureRequestOut],
            responses=errors(404, 422))
def case_closures(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
                  db: Session = DB):
    return closure.requests_of(db, record_read(db, case, viewer, request))


@router.get("/cases/{case_id}/clock", response_model=schemas.CaseClockOut,
            responses=errors(404, 422))
def clock(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
          db: Session = DB):
    record_read(db, case, viewer, request)
    times = case_clock.times(db, case)
    return schemas.CaseClockOut(
        case_id=case.id, first_contact=times.first_contact,
        steps=[schemas.ClockStepOut(name=s.name, at=s.at,
                                    seconds=None if s.elapsed is None
                                    else s.elapsed.total_seconds())
               for s in clock_rules.steps(times)])

