"""JSON API for merging duplicate cases (supervisors) and undoing merges (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import ReadableCase
from agent_console.case_steps import read_case, record_read
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from callcenter.cases import merge_schemas as schemas
from callcenter.cases import merging
from callcenter.cases.models import Case

router = APIRouter(prefix="/api", tags=["merges"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
CaseReader = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
Admin = Depends(admin_only)


def _out(db: Session, row) -> schemas.MergeOut:
    return schemas.MergeOut.of(merging.views(db, [row])[0])


@router.get("/cases/{case_id}/merges", response_model=list[schemas.MergeOut],
            responses=errors(404, 422))
def case_merges(request: Request, viewer: Viewer = CaseReader, case: Case = ReadableCase,
                db: Session = DB):
    """Every merge into or out of the case, undone ones too, oldest first."""
    record_read(db, case, viewer, request)
    return [schemas.MergeOut.of(v) for v in merging.views(db, merging.of_case(db, case.id))]


@router.get("/cases/{case_id}/merge-preview", response_model=schemas.PreviewOut,
            responses=errors(400, 404, 409, 422))
def preview(request: Request,
            number: str = Query(max_length=20, pattern=schemas.NUMBER_PATTERN),
            viewer: Viewer = Supervisor, case: Case = ReadableCase, db: Session = DB):
    """What merging the case numbered ``number`` into this one would move, per table."""
    target = record_read(db, case, viewer, request)
    source = read_case(db, merging.by_number(db, number).id, viewer, request)
    return schemas.PreviewOut(source_case_id=source.id, source_number=source.number,
                              target_case_id=target.id, target_number=target.number,
                              moves=merging.preview(db, source, target))


@router.post("/cases/{case_id}/merge", response_model=schemas.MergeOut, status_code=201,
             responses=errors(400, 404, 409, 422))
def merge(body: schemas.MergeIn, viewer: Viewer = Supervisor, case: Case = ReadableCase,
          db: Session = DB):
    """Merge the duplicate (by id or number) into this case; 409 names the rule it breaks."""
    source_id = body.source_case_id or merging.by_number(db, body.source_number or "").id
    row = merging.merge(db, source_id=source_id, target_id=case.id, reason=body.reason,
                        actor_id=viewer.id, role=viewer.role.value)
    return _out(db, row)


@router.get("/case-merges", response_model=list[schemas.MergeOut], responses=errors(403))
def recent(limit: int = Query(default=100, ge=1, le=200), viewer: Viewer = Admin,
           db: Session = DB):
    """The latest merges, newest first, with whether each may still be undone."""
    return [schemas.MergeOut.of(v) for v in merging.views(db, merging.recent(db, limit=limit))]


@router.post("/case-merges/{merge_id}/undo", response_model=schemas.MergeOut,
             responses=errors(400, 404, 409, 422))
def undo(merge_id: Id, body: schemas.UndoIn, viewer: Viewer = Admin, db: Session = DB):
    """Move back exactly what the merge moved; within 30 days, by an admin."""
    row = merging.undo(db, merge_id, reason=body.reason, actor_id=viewer.id,
                       role=viewer.role.value)
    return _out(db, row)
