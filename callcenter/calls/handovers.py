"""Calls handed over by a transfer: started, completed or cancelled, and read back.

Takes the session, never commits (the request does). The PBX command itself is sent by
the caller of these functions; a row is written only for a command the PBX accepted, so
the timeline never claims a hand-over that did not happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.calls.handover_models import CallHandover, HandoverKind, HandoverState
from callcenter.calls.models import Call


def start(session: Session, call: Call, *, kind: HandoverKind, from_user_id: int,
          to_user_id: int | None = None, to_queue: str | None = None,
          to_number: str | None = None, reason: str = "", now: datetime) -> CallHandover:
    """A blind transfer is done when the PBX accepts it; a warm one is consulting."""
    blind = kind is HandoverKind.BLIND
    row = CallHandover(call_id=call.id, kind=kind, from_user_id=from_user_id,
                       to_user_id=to_user_id, to_queue=to_queue, to_number=to_number,
                       reason=reason.strip()[:200],
                       state=HandoverState.COMPLETED if blind else HandoverState.CONSULTING,
                       started_at=now, ended_at=now if blind else None)
    session.add(row)
    session.flush()
    return row


def consulting(session: Session, call_id: int, user_id: int) -> CallHandover | None:
    """This agent's warm transfer of this call whose consultation is going on."""
    return session.scalars(select(CallHandover).where(
        CallHandover.call_id == call_id, CallHandover.from_user_id == user_id,
        CallHandover.state == HandoverState.CONSULTING)
        .order_by(CallHandover.id.desc())).first()


def finish(row: CallHandover, *, completed: bool, now: datetime) -> None:
    row.state = HandoverState.COMPLETED if completed else HandoverState.CANCELLED
    row.ended_at = now


def received(session: Session, call_id: int) -> CallHandover | None:
    """The last completed hand-over of the call: what its new agent takes over."""
    return session.scalars(select(CallHandover).where(
        CallHandover.call_id == call_id, CallHandover.state == HandoverState.COMPLETED)
        .order_by(CallHandover.id.desc())).first()


def claim(row: CallHandover, user_id: int) -> bool:
    """A transfer to a queue learns its receiver when they answer: name them once.
    True when ``user_id`` is (now) the receiver."""
    if row.to_user_id is None and row.from_user_id != user_id and row.to_number is None:
        row.to_user_id = user_id
    return row.to_user_id == user_id


def receivers(session: Session, call_id: int) -> set[int]:
    """Who was handed the call (completed warm or named blind transfers)."""
    return {uid for uid in session.scalars(select(CallHandover.to_user_id).where(
        CallHandover.call_id == call_id, CallHandover.state == HandoverState.COMPLETED,
        CallHandover.to_user_id.is_not(None)))}


def of_calls(session: Session, call_ids: Iterable[int]) -> list[CallHandover]:
    """The completed hand-overs of these calls, oldest first (a case's timeline)."""
    ids = list(call_ids)
    if not ids:
        return []
    return list(session.scalars(select(CallHandover).where(
        CallHandover.call_id.in_(ids), CallHandover.state == HandoverState.COMPLETED)
        .order_by(CallHandover.started_at, CallHandover.id)))


def received_by(session: Session, user_id: int, call_ids: Iterable[int]) -> set[int]:
    """Which of these calls were handed to this user (completed hand-overs)."""
    ids = list(call_ids)
    if not ids:
        return set()
    return set(session.scalars(select(CallHandover.call_id).where(
        CallHandover.call_id.in_(ids), CallHandover.to_user_id == user_id,
        CallHandover.state == HandoverState.COMPLETED)))
