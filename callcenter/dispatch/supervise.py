"""What a hotline supervisor may do with a dispatch from the dispatch board.

A dispatch nobody answers keeps its alarm on the wallboard; these are the ways out:
acknowledge on the unit's behalf (the unit phoned the hotline), send the alerts again
from the top of the ladder, or cancel the dispatch with a reason. Each is a timeline
event with the supervisor as its actor and an audit record. Services take the session
and never commit; the caller commits, then calls ``enqueue.after_commit``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from callcenter.db import utcnow
from callcenter.dispatch import ladder, lifecycle, policy, service
from callcenter.dispatch.config import DispatchSettings, get_dispatch_settings
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch, DispatchStatus
from callcenter.errors import DomainError, InvalidTransition

S = DispatchStatus


def _required(text: str, field: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(message, field=field)
    return text


def acknowledge_for_unit(
    session: Session, dispatch_id: int, *, actor_id: int, note: str,
    now: datetime | None = None,
) -> Dispatch:
    """The unit told the hotline (by phone) that it is going: record it for them."""
    note = _required(note, "note", "say who in the unit answered, and how")
    dispatch = lifecycle.lock(session, dispatch_id)
    return service.acknowledge(session, dispatch_id, unit_id=dispatch.unit_id,
                               actor_id=actor_id, now=now,
                               via=f"a hotline supervisor for the unit: {note[:240]}")


def resend(
    session: Session, dispatch_id: int, *, actor_id: int, note: str = "",
    now: datetime | None = None, settings: DispatchSettings | None = None,
) -> Alert:
    """Alert the unit again from the first contact of its ladder; the ladder (and the
    alarm's repeats) start over from there."""
    now = now or utcnow()
    settings = settings or get_dispatch_settings()
    dispatch = lifecycle.lock(session, dispatch_id)
    if dispatch.status not in policy.AWAITING_UNIT:
        raise InvalidTransition(
            f"dispatch {dispatch_id} is {dispatch.status.value}: nothing to send again",
            field="status")
    contacts = ladder.reachable_contacts(session, dispatch.unit_id, settings)
    if not contacts:
        raise DomainError("the unit has no reachable contact: phone the unit", field="unit")
    # A retry still waiting for its turn would only repeat what the new alert says.
    session.execute(update(Alert).where(Alert.dispatch_id == dispatch.id,
                                        Alert.status == AlertStatus.PENDING)
                    .values(status=AlertStatus.CANCELLED))
    alert = ladder.add_alert(session, dispatch, contacts[0], now)
    dispatch.alarm_repeats = 0
    text = f"re-sent by a hotline supervisor; {ladder.describe(contacts[0])}"
    lifecycle.note(session, dispatch, now=now, actor_id=actor_id, action="resend",
                   text=f"{text}: {note.strip()[:240]}" if note.strip() else text)
    return alert


def cancel(
    session: Session, dispatch_id: int, *, actor_id: int, reason: str,
    now: datetime | None = None,
) -> Dispatch:
    """Close an open dispatch that no unit will act on (duplicate, resolved by phone …)."""
    reason = _required(reason, "reason", "give the reason for cancelling")
    dispatch = lifecycle.lock(session, dispatch_id)
    if dispatch.status is S.CANCELLED:
        return dispatch
    if not policy.can_move(dispatch.status, S.CANCELLED):
        raise InvalidTransition(
            f"dispatch {dispatch_id} is {dispatch.status.value}: it is closed already",
            field="status")
    dispatch.cancel_reason = reason[:300]
    lifecycle.move(session, dispatch, to=S.CANCELLED, now=now or utcnow(), actor_id=actor_id,
                   note=reason[:300])
    service.cancel_owed_alerts(session, dispatch.id)
    return dispatch
