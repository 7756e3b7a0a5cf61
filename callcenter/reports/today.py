"""Today's finished calls per queue, for the wallboard: the ``stats.Tally`` rules in SQL.

The wallboard's page and its ``/wallboard/today`` read these once per (re)connection;
``callcenter.queues.stats`` holds the rules and applies them to live updates.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallDirection, CallLeg, CallOutcome
from callcenter.queues import stats
from callcenter.queues.models import Queue


def thresholds(session: Session) -> dict[str, int]:
    """Each configured queue's service-level threshold in seconds."""
    return dict(session.execute(select(Queue.name, Queue.service_level_seconds)).all())


def day_start(now: datetime) -> datetime:
    """Local midnight of ``now``'s day (``now`` is aware, in the hotline's zone)."""
    return datetime.combine(now.date(), time(), now.tzinfo)


def tallies(session: Session, now: datetime) -> dict[str, stats.Tally]:
    """Per queue, today's finished inbound calls, counted in SQL (stats.Tally rules)."""
    threshold = func.coalesce(Queue.service_level_seconds, stats.DEFAULT_THRESHOLD_SECONDS)
    answered = and_(Call.answered_at.is_not(None), Call.outcome != CallOutcome.IN_PROGRESS)
    abandoned = Call.outcome == CallOutcome.ABANDONED
    short = and_(abandoned, Call.wait_seconds.is_not(None),
                 Call.wait_seconds <= stats.SHORT_ABANDON_SECONDS)
    counted = and_(abandoned, or_(Call.wait_seconds.is_(None),
                                  Call.wait_seconds > stats.SHORT_ABANDON_SECONDS))
    talked = and_(answered, Call.talk_seconds.is_not(None))
    rows = session.execute(
        select(
            Call.queue_name,
            func.count().filter(answered),
            func.count().filter(and_(answered, func.coalesce(Call.wait_seconds, 0) <= threshold)),
            func.count().filter(counted),
            func.count().filter(short),
            func.count().filter(Call.outcome == CallOutcome.QUEUE_TIMEOUT),
            func.coalesce(func.sum(Call.wait_seconds).filter(answered), 0),
            func.coalesce(func.sum(Call.talk_seconds).filter(talked), 0),
            func.count().filter(talked),
        )
        .select_from(Call)
        .outerjoin(Queue, Queue.name == Call.queue_name)
        .where(Call.direction == CallDirection.INBOUND, Call.queue_name.is_not(None),
               Call.queue_name != "", Call.started_at >= day_start(now),
               Call.outcome != CallOutcome.IN_PROGRESS)
        .group_by(Call.queue_name)
    ).all()
    return {name: stats.Tally(*(int(v) for v in values)) for name, *values in rows}


def last_call_ends(session: Session, now: datetime) -> dict[str, datetime]:
    """When each agent's last part of a call ended, for those who may still be in
    wrap-up: an agent who transferred a call is in wrap-up from the transfer on."""
    since = now - timedelta(seconds=stats.WRAP_UP_SECONDS)
    rows = session.execute(
        select(CallLeg.agent_interface, func.max(CallLeg.ended_at))
        .where(CallLeg.ended_at >= since, CallLeg.agent_interface.is_not(None))
        .group_by(CallLeg.agent_interface)
    ).all()
    return {iface: ended for iface, ended in rows if ended is not None}
