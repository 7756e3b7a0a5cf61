"""Escalation: no acknowledgement in time, or a contact that cannot be reached.

Called by the escalation timer job (RQ's scheduler) and by the relay's sweep; both pass
``now`` so tests control the clock. Whether a step is due is computed from the rows
(the newest alert and the newest escalation event), so a timer lost with Redis, or run
twice, changes nothing: the sweep finds the same answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from callcenter.db import UTCDateTime
from callcenter.dispatch import ladder, lifecycle, policy
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Alert, Dispatch, DispatchEvent, DispatchStatus
from callcenter.taxonomy import Urgency

NO_CONTACT = "no reachable contact: supervisor alerted"


def last_step_at(session: Session, dispatch: Dispatch) -> datetime:
    """When the current rung started: the newest alert or escalation, or the creation."""
    newest_alert = session.scalar(
        select(func.max(Alert.created_at)).where(Alert.dispatch_id == dispatch.id)
    )
    newest_escalation = session.scalar(
        select(func.max(DispatchEvent.at)).where(
            DispatchEvent.dispatch_id == dispatch.id,
            DispatchEvent.status == DispatchStatus.ESCALATED,
        )
    )
    return max(t for t in (dispatch.created_at, newest_alert, newest_escalation) if t)


def due_at(session: Session, dispatch: Dispatch, settings: DispatchSettings) -> datetime | None:
    """When the next escalation step falls due, or None if the unit is no longer awaited."""
    if dispatch.status not in policy.AWAITING_UNIT:
        return None
    timeout = settings.ack_timeout(dispatch.urgency)
    return last_step_at(session, dispatch) + timedelta(seconds=timeout)


def overdue_ids(session: Session, *, now: datetime, settings: DispatchSettings) -> list[int]:
    """Dispatches whose current rung started longer ago than their urgency allows, in SQL.

    "Every step older than the cut-off" is written as three NOT-later tests, which both
    PostgreSQL and SQLite run, instead of GREATEST(), which SQLite lacks.
    """
    cutoff = case(
        *((Dispatch.urgency == u, literal(now - timedelta(seconds=settings.ack_timeout(u)),
                                          UTCDateTime())) for u in Urgency),
    )
    later_alert = select(Alert.id).where(Alert.dispatch_id == Dispatch.id,
                                         Alert.created_at > cutoff)
    later_step = select(DispatchEvent.id).where(
        DispatchEvent.dispatch_id == Dispatch.id,
        DispatchEvent.status == DispatchStatus.ESCALATED, DispatchEvent.at > cutoff)
    return list(session.scalars(
        select(Dispatch.id).where(
            Dispatch.status.in_(policy.AWAITING_UNIT), Dispatch.created_at <= cutoff,
            ~later_alert.exists(), ~later_step.exists(),
        ).order_by(Dispatch.id)))


def escalate_if_due(
    session: Session, dispatch_id: int, *, now: datetime, settings: DispatchSettings
) -> bool:
    """Take one step up the ladder if the unit has not acknowledged in time."""
    dispatch = lifecycle.lock(session, dispatch_id)
    due = due_at(session, dispatch, settings)
    if due is None or now < due:
        return False
    minutes = settings.ack_timeout(dispatch.urgency) / 60
    step(session, dispatch, now=now, settings=settings,
         reason=f"no acknowledgement within {minutes:g} min")
    return True


def step(
    session: Session, dispatch: Dispatch, *, now: datetime, reason: str,
    settings: DispatchSettings,
) -> Alert | None:
    """Alert the next reachable contact, or, with none left, leave the alarm to the supervisor."""
    contact = ladder.next_contact(session, dispatch, settings)
    alert = ladder.add_alert(session, dispatch, contact, now) if contact else None
    if contact is not None:
        note = f"{reason}; next contact position {contact.position} ({contact.channel.value})"
    else:
        note = f"{reason}; every contact tried: supervisor alarm"
    lifecycle.move(session, dispatch, to=DispatchStatus.ESCALATED, now=now, actor_id=None,
                   note=note)
    return alert

