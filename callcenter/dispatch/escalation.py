"""Escalation: no acknowledgement in time, or a contact that cannot be reached.

Called by the escalation timer job (RQ's scheduler) and by the relay's sweep; both pass
``now`` so tests control the clock. Whether a step is due is computed from the rows
(the newest alert and the newest escalation event), so a timer lost with Redis, or run
twice, changes nothing: the sweep finds the same answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal, select
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


def step_timeout(settings: DispatchSettings, urgency: Urgency, repeats: int) -> float | None:
    """Seconds the current rung waits: the urgency's timeout, doubled for each "every
    contact tried" step taken (``repeats``); None once the first such step has been
    repeated ``max_alarm_repeats`` times (the alarm stays)."""
    if repeats > settings.max_alarm_repeats:
        return None
    return policy.alarm_backoff(settings.ack_timeout(urgency), repeats)


def due_at(session: Session, dispatch: Dispatch, settings: DispatchSettings) -> datetime | None:
    """When the next escalation step falls due, or None if none will come by itself."""
    if dispatch.status not in policy.AWAITING_UNIT:
        return None
    timeout = step_timeout(settings, dispatch.urgency, dispatch.alarm_repeats)
    if timeout is None:
        return None
    return last_step_at(session, dispatch) + timedelta(seconds=timeout)


def overdue_ids(session: Session, *, now: datetime, settings: DispatchSettings) -> list[int]:
    """Dispatches whose current rung started longer ago than their urgency allows, in SQL.

    "Every step older than the cut-off" is written as three NOT-later tests, which both
    PostgreSQL and SQLite run, instead of GREATEST(), which SQLite lacks. The cut-off
    depends on the urgency and on how often the alarm has repeated (its back-off); a
    dispatch past the repeat limit matches no branch, and so is never overdue.
    """
    branches = []
    for urgency in Urgency:
        for repeats in range(settings.max_alarm_repeats + 1):
            timeout = step_timeout(settings, urgency, repeats)
            if timeout is None:
                continue
            branches.append((
                and_(Dispatch.urgency == urgency, Dispatch.alarm_repeats == repeats),
                literal(now - timedelta(seconds=timeout), UTCDateTime())))
    cutoff = case(*branches)
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
    minutes = (due - last_step_at(session, dispatch)).total_seconds() / 60
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
        note = f"{reason}; {ladder.describe(contact)}"
    else:
        dispatch.alarm_repeats += 1
        note = f"{reason}; every contact tried: supervisor alarm"
        if step_timeout(settings, dispatch.urgency, dispatch.alarm_repeats) is None:
            note += " (no further repeats: a supervisor must act)"
    lifecycle.move(session, dispatch, to=DispatchStatus.ESCALATED, now=now, actor_id=None,
                   note=note)
    return alert


def move_on(
    session: Session, dispatch: Dispatch, *, now: datetime, reason: str,
    settings: DispatchSettings,
) -> Alert | None:
    """A contact that cannot take the alert now (nobody on the console): alert the next
    one at once, on the timeline but without the supervisor alarm; with none left, it is
    an escalation like any other."""
    contact = ladder.next_contact(session, dispatch, settings)
    if contact is None:
        return step(session, dispatch, now=now, reason=reason, settings=settings)
    alert = ladder.add_alert(session, dispatch, contact, now)
    lifecycle.note(session, dispatch, now=now, actor_id=None, action="ladder",
                   text=f"{reason}; {ladder.describe(contact)}")
    return alert

