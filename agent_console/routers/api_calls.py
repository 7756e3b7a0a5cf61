"""JSON API for calls: the screen-pop and the disposition of a call that is not a case.

Drafts, the agent's own state and the unit's dispatches have their own modules
(``api_drafts``, ``api_agent_state``, ``api_unit``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from agent_console import access, screenpop
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, client_ip, limit_body
from agent_console.own_calls import own_call
from callcenter import audit
from callcenter.calls import service as calls
from callcenter.cases import schemas

router = APIRouter(prefix="/api", tags=["calls"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
CaseReader = Depends(require(*access.CASE_ROLES))


@router.get("/calls/{call_id}/screenpop", response_model=screenpop.ScreenPop,
            responses=errors(404, 422))
def get_screenpop(call_id: Id, request: Request, viewer: Viewer = CaseReader,
                  db: Session = DB):
    call = own_call(db, call_id, viewer, request)
    live = screenpop.live_call(request.app.state.redis, call.node, call.uniqueid)
    audit.record(db, actor_id=viewer.id, action="call.view", entity_type="call",
                 entity_id=call.id, source_ip=client_ip(request))
    return screenpop.build(db, role=viewer.role, call=call, live=live)


class CallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    disposition: str | None


@router.post("/calls/{call_id}/disposition", response_model=CallOut,
             responses=errors(404, 422))
def set_disposition(call_id: Id, body: schemas.DispositionIn, request: Request,
                    viewer: Viewer = CaseReader, db: Session = DB):
    """Mark a call that is not a case (prank, silent, information …) for the reports."""
    call = own_call(db, call_id, viewer, request)
    calls.set_disposition(db, call, disposition=body.disposition, actor_id=viewer.id)
    return CallOut(id=call.id, disposition=call.disposition)
