"""JSON API for intake drafts: the agent's draft of a call, saved as typed, and its case.

The same operations as the intake page (``routers/intake.py``); opening is idempotent,
and a draft saved since by another tab is a 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, id_key, require, run_and_commit
from agent_console.limits import client_ip, limit_body
from agent_console.own_calls import own_call
from callcenter.cases import drafts, schemas
from callcenter.cases import service as cases

router = APIRouter(prefix="/api", tags=["calls"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
CaseReader = Depends(require(*access.CASE_ROLES))
Key = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class DraftOut(BaseModel):
    key: str
    call_id: int | None
    case_id: int | None
    # What the form holds, without national IDs: once entered they are never sent back.
    data: dict[str, str]
    # The national IDs entered so far: field name to their last four digits.
    national_ids_entered: dict[str, str]
    # Send it back with the next save: a draft saved since (another tab) is a 409.
    version: int
    updated_at: datetime


def _draft_out(draft, request: Request) -> DraftOut:
    return DraftOut(key=draft.key, call_id=draft.call_id, case_id=draft.case_id,
                    data=drafts.form_data(draft),
                    national_ids_entered=drafts.ids_entered(draft, key=id_key(request)),
                    version=draft.version, updated_at=draft.updated_at)


class DraftOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


# The intake's requests: each runs its work and its commit in one trip through the
# thread pool (``run_and_commit``); an agent makes them many times a call.
@router.post("/drafts", response_model=DraftOut, responses=errors(404, 422))
async def open_draft(body: DraftOpen, request: Request, viewer: Viewer = CaseReader,
                     db: Session = DB):
    """The agent's draft for a call (the same one on every tab), pre-filled from the IVR."""
    def work() -> DraftOut:
        call = (own_call(db, body.call_id, viewer, request) if body.call_id is not None
                else None)
        draft = drafts.open_for(db, user_id=viewer.id, call_id=call.id if call else None,
                                prefill=drafts.prefill(call))
        drafts.record_view(db, draft, actor_id=viewer.id, source_ip=client_ip(request))
        return _draft_out(draft, request)

    return await run_and_commit(request, db, work)


@router.get("/drafts/{key}", response_model=DraftOut, responses=errors(404, 422))
def get_draft(key: Key, request: Request, viewer: Viewer = CaseReader, db: Session = DB):
    draft = drafts.get(db, key, user_id=viewer.id)
    drafts.record_view(db, draft, actor_id=viewer.id, source_ip=client_ip(request))
    return _draft_out(draft, request)


@router.put("/drafts/{key}", response_model=DraftOut, responses=errors(404, 409, 422))
async def save_draft(key: Key, body: schemas.DraftIn, request: Request,
                     viewer: Viewer = CaseReader, db: Session = DB):
    """Replace the draft's fields; with ``version``, refuse (409) if another tab saved."""
    def work() -> DraftOut:
        draft = drafts.save(db, drafts.get(db, key, user_id=viewer.id), body.data,
                            key=id_key(request), version=body.version)
        db.flush()  # the new version and time, for the answer
        return _draft_out(draft, request)

    return await run_and_commit(request, db, work)


@router.post("/drafts/{key}/case", response_model=schemas.CaseOut, status_code=201,
             responses=errors(400, 404, 409, 422))
async def open_case_from_draft(key: Key, request: Request, response: Response,
                               viewer: Viewer = CaseReader, db: Session = DB):
    """Open the draft's case; a repeat (second tab, double click) returns the same case."""
    def work() -> schemas.CaseOut:
        draft = drafts.get(db, key, user_id=viewer.id)
        if draft.case_id is not None:
            response.status_code = 200
            return schemas.CaseOut.model_validate(cases.get(db, draft.case_id))
        case, created = cases.open_from_intake(
            db, intake=drafts.check(draft, key=id_key(request)), actor_id=viewer.id,
            id_key=id_key(request))
        drafts.mark_opened(draft, case.id)
        if not created:
            response.status_code = 200
        return schemas.CaseOut.model_validate(case)

    return await run_and_commit(request, db, work)
