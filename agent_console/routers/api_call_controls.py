"""JSON API of the call controls: the twins of the agent page's forms (call_controls.py).

Every command answers with the controls as they are afterwards, so a client never guesses
what may be clicked next; a refusal is ``{"error": "call_<why>", "message": …}``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from agent_console import access, call_control_actions, call_controls_view
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from callcenter.calls import control_rules

router = APIRouter(prefix="/api/calls", tags=["call controls"],
                   dependencies=[Depends(limit_body)], responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))


class TargetOut(BaseModel):
    value: str
    label: str


class HandedOverOut(BaseModel):
    kind: str
    from_name: str
    reason: str
    draft_key: str | None
    case_id: int | None
    case_number: str | None


class ControlsOut(BaseModel):
    call_id: int
    on_call: bool
    answered_at: str | None
    on_hold: bool
    holds: int
    hold_seconds: int
    consulting: bool
    # Each control: null when it may be used now, else why not (a message id's tail).
    refusals: dict[str, str | None]
    queues: list[TargetOut]
    colleagues: list[TargetOut]
    services: list[TargetOut]
    handed_over: HandedOverOut | None


class TransferIn(BaseModel):
    kind: Literal["blind", "warm"]
    target: str = Field(min_length=3, max_length=80,
                        description="queue:<name>, agent:<user id> or (warm) number:<digits>")
    reason: str = Field("", max_length=200)


def _out(request: Request, db: Session, viewer: Viewer, call_id: int) -> ControlsOut:
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    view = call_controls_view.build(request, db, viewer, call)
    s: control_rules.ControlState = view.state
    h = view.handed_over

    def targets(items):
        return [TargetOut(value=t.value, label=t.label) for t in items]

    return ControlsOut(
        call_id=call.id, on_call=s.on_call, answered_at=s.answered_at, on_hold=s.on_hold,
        holds=s.holds, hold_seconds=s.hold_seconds, consulting=s.consulting,
        refusals=dict(s.refusals), queues=targets(view.queues),
        colleagues=targets(view.colleagues), services=targets(view.services),
        handed_over=HandedOverOut(**asdict(h)) if h is not None else None)


@router.get("/{call_id}/controls", response_model=ControlsOut, responses=errors(404, 422))
def get_controls(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    return _out(request, db, viewer, call_id)


@router.post("/{call_id}/hangup", response_model=ControlsOut,
             responses=errors(404, 409, 422, 502))
def hang_up(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    call_control_actions.hang_up(request, db, viewer, call)
    return _out(request, db, viewer, call_id)


@router.post("/{call_id}/transfers", response_model=ControlsOut,
             responses=errors(404, 409, 422, 502))
def transfer(call_id: Id, body: TransferIn, request: Request, viewer: Viewer = Worker,
             db: Session = DB):
    """Blind: the caller goes at once. Warm: the caller holds while the agent consults."""
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    act = (call_control_actions.blind_transfer if body.kind == "blind"
           else call_control_actions.warm_transfer)
    act(request, db, viewer, call, target=body.target, reason=body.reason)
    return _out(request, db, viewer, call_id)


@router.post("/{call_id}/transfers/complete", response_model=ControlsOut,
             responses=errors(404, 409, 422, 502))
def complete(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    call_control_actions.complete_transfer(request, db, viewer, call)
    return _out(request, db, viewer, call_id)


@router.post("/{call_id}/transfers/cancel", response_model=ControlsOut,
             responses=errors(404, 409, 422, 502))
def cancel(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    call_control_actions.cancel_transfer(request, db, viewer, call)
    return _out(request, db, viewer, call_id)
