"""Response intervals: time to alert, to acknowledge, to on scene, to completion.

Computed in SQL, per dispatch and per province, so the reports read figures straight
from the database. Intervals are counted from the dispatch's creation; a step not yet
reached is NULL and is left out of the averages, never counted as zero.

``delivery_health`` is the state of alert delivery right now (owed, failing, alarms),
for /metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from callcenter.dispatch import policy
from callcenter.dispatch.models import (
    Alert,
    AlertAttempt,
    AlertStatus,
    Dispatch,
    DispatchStatus,
)
from callcenter.provinces.models import ResponseUnit

STEPS = ("alerted", "acknowledged", "on_scene", "completed")


class seconds_between(FunctionElement[float]):  # lower case: it reads like a SQL function
    """``later - earlier`` in seconds, on PostgreSQL and SQLite."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _pg(element, compiler, **kw) -> str:
    later, earlier = list(element.clauses)
    return (f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)}))")


# julianday() is a float of days: exact to about a millisecond, which the reports need.
@compiles(seconds_between, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 86400.0)")


def _interval(step: str) -> ColumnElement[float]:
    return seconds_between(getattr(Dispatch, f"{step}_at"), Dispatch.created_at)


@dataclass(frozen=True, slots=True)
class DispatchIntervals:
    dispatch_id: int
    province_code: str
    to_alert: float | None
    to_acknowledge: float | None
    to_on_scene: float | None
    to_completion: float | None


@dataclass(frozen=True, slots=True)
class ProvinceIntervals:
    province_code: str
    dispatches: int
    acknowledged: int
    avg_to_alert: float | None
    avg_to_acknowledge: float | None
    avg_to_on_scene: float | None
    avg_to_completion: float | None
    max_to_acknowledge: float | None


def per_dispatch(
    session: Session, *, since: datetime, until: datetime
) -> list[DispatchIntervals]:
    rows = session.execute(
        select(Dispatch.id, ResponseUnit.province_code, *(_interval(s) for s in STEPS))
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(Dispatch.created_at >= since, Dispatch.created_at < until)
        .order_by(Dispatch.id)
    )
    return [DispatchIntervals(*row) for row in rows]


def per_province(
    session: Session, *, since: datetime, until: datetime
) -> list[ProvinceIntervals]:
    rows = session.execute(
        select(
            ResponseUnit.province_code,
            func.count(Dispatch.id),
            func.count(Dispatch.acknowledged_at),
            *(func.avg(_interval(s)) for s in STEPS),
            func.max(_interval("acknowledged")),
        )
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(Dispatch.created_at >= since, Dispatch.created_at < until)
        .group_by(ResponseUnit.province_code)
        .order_by(ResponseUnit.province_code)
    )
    return [ProvinceIntervals(code, n, acked, *(_float(v) for v in rest))
            for code, n, acked, *rest in rows]


def _float(value) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class DeliveryHealth:
    """Alert delivery now: what is owed, what failed since ``since``, open alarms."""

    alerts_owed: int             # pending or being sent
    oldest_owed_seconds: float   # how long the longest-waiting due alert has waited (0: none)
    failed_attempts: int         # attempts that ended in an error since ``since``
    failed_alerts: int           # alerts given up on (their contact skipped) since ``since``
    open_alarms: int             # escalated dispatches nobody has answered
    awaiting_unit: int           # open dispatches not yet acknowledged


def delivery_health(session: Session, *, now: datetime, since: datetime) -> DeliveryHealth:
    owed = (Alert.status.in_((AlertStatus.PENDING, AlertStatus.SENDING)))
    alerts_owed, oldest_due = session.execute(
        select(func.count(Alert.id),
               func.min(Alert.next_attempt_at).filter(Alert.next_attempt_at <= now))
        .where(owed)).one()
    failed_attempts = session.scalar(
        select(func.count(AlertAttempt.id)).where(
            AlertAttempt.started_at >= since, AlertAttempt.finished_at.is_not(None),
            AlertAttempt.succeeded.is_(False)))
    failed_alerts = session.scalar(
        select(func.count(Alert.id)).where(Alert.status == AlertStatus.FAILED,
                                           Alert.created_at >= since))
    alarms, awaiting = session.execute(
        select(func.count(Dispatch.id).filter(Dispatch.status == DispatchStatus.ESCALATED),
               func.count(Dispatch.id).filter(Dispatch.status.in_(policy.AWAITING_UNIT)))).one()
    waited = (now - oldest_due).total_seconds() if oldest_due is not None else 0.0
    return DeliveryHealth(int(alerts_owed), max(0.0, waited), int(failed_attempts or 0),
                          int(failed_alerts or 0), int(alarms), int(awaiting))
