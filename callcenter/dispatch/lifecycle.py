"""Moving one dispatch along its lifecycle, with its timeline event and audit record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.dispatch import policy
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from callcenter.errors import NotFound

STAMP = {
    DispatchStatus.ALERTED: "alerted_at",
    DispatchStatus.ACKNOWLEDGED: "acknowledged_at",
    DispatchStatus.EN_ROUTE: "en_route_at",
    DispatchStatus.ON_SCENE: "on_scene_at",
    DispatchStatus.COMPLETED: "completed_at",
    DispatchStatus.DECLINED: "declined_at",
    DispatchStatus.ESCALATED: "escalated_at",
    DispatchStatus.CANCELLED: "cancelled_at",
}


def lock(session: Session, dispatch_id: int) -> Dispatch:
    """Read the dispatch with a row lock: a unit's answer and an escalation never interleave."""
    dispatch = session.scalars(
        select(Dispatch).where(Dispatch.id == dispatch_id)
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if dispatch is None:
        raise NotFound(f"dispatch {dispatch_id} not found")
    return dispatch


def move(
    session: Session,
    dispatch: Dispatch,
    *,
    to: DispatchStatus,
    now: datetime,
    actor_id: int | None,
    note: str | None = None,
) -> DispatchEvent:
    policy.check_move(dispatch.status, to)
    dispatch.status = to
    # The first time a step is reached is the one the response intervals count from.
    if getattr(dispatch, STAMP[to]) is None:
        setattr(dispatch, STAMP[to], now)
    event = DispatchEvent(dispatch_id=dispatch.id, status=to, at=now, actor_id=actor_id,
                          note=note)
    session.add(event)
    audit.record(session, actor_id=actor_id, action=f"dispatch.{to.value}",
                 entity_type="dispatch", entity_id=dispatch.id)
    return event


def note(
    session: Session, dispatch: Dispatch, *, now: datetime, actor_id: int | None, text: str,
    action: str,
) -> DispatchEvent:
    """A timeline entry that changes no status (the ladder moved on, a supervisor re-sent)."""
    event = DispatchEvent(dispatch_id=dispatch.id, status=dispatch.status, at=now,
                          actor_id=actor_id, note=text)
    session.add(event)
    audit.record(session, actor_id=actor_id, action=f"dispatch.{action}",
                 entity_type="dispatch", entity_id=dispatch.id)
    return event
