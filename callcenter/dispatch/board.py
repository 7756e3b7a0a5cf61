"""What the supervisors' dispatch board shows: open dispatches, those closed today, one
dispatch in full (steps, intervals, timeline, alert attempts). Reads only.

An acknowledgement is overdue when the unit has not taken the dispatch within its
urgency's acknowledgement time, counted from its creation. Nothing of a person is read
here: case number, unit, province, steps and the reasons given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.cases.models import Case
from callcenter.dispatch import escalation, policy
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import (
    Alert,
    AlertAttempt,
    AlertStatus,
    Dispatch,
    DispatchEvent,
    DispatchStatus,
)
from callcenter.provinces.models import AlertChannel, Province, ResponseUnit, UnitContact
from callcenter.taxonomy import Urgency

S = DispatchStatus
STEP_ORDER = ("alerted", "acknowledged", "en_route", "on_scene", "completed", "declined",
              "cancelled", "escalated")


@dataclass(frozen=True, slots=True)
class BoardRow:
    dispatch_id: int
    case_id: int
    case_number: str
    unit_id: int
    unit_code: str
    province_code: str
    province_name: str
    status: DispatchStatus
    urgency: Urgency
    created_at: datetime
    age_seconds: int
    # Each step reached (in STEP_ORDER): when, and seconds since creation.
    steps: dict[str, datetime]
    intervals: dict[str, float]
    ack_due: datetime | None
    overdue: bool
    escalations: int
    decline_reason: str | None
    cancel_reason: str | None
    outcome: str | None

    @property
    def alarmed(self) -> bool:
        return self.status is S.ESCALATED

    @property
    def awaiting(self) -> bool:
        return self.status in policy.AWAITING_UNIT

    @property
    def closed(self) -> bool:
        return self.status in policy.CLOSED


@dataclass(frozen=True, slots=True)
class AttemptRow:
    started_at: datetime
    finished_at: datetime | None
    succeeded: bool
    error: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class AlertRow:
    alert_id: int
    channel: AlertChannel
    position: int | None
    role: str | None
    status: AlertStatus
    created_at: datetime
    attempts: list[AttemptRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Detail:
    row: BoardRow
    events: list[DispatchEvent]
    alerts: list[AlertRow]
    next_step_at: datetime | None
    alarm_repeats: int


def _rows(session: Session, query, *, now: datetime, settings: DispatchSettings,
          lang: str) -> list[BoardRow]:
    found = session.execute(query).all()
    ids = [d.id for d, *_ in found]
    escalations = dict(session.execute(
        select(DispatchEvent.dispatch_id, func.count())
        .where(DispatchEvent.dispatch_id.in_(ids), DispatchEvent.status == S.ESCALATED)
        .group_by(DispatchEvent.dispatch_id)).all()) if ids else {}
    rows = []
    for d, number, unit_code, code, name_th, name_en in found:
        due = None
        if d.status in policy.AWAITING_UNIT:
            due = d.created_at + timedelta(seconds=settings.ack_timeout(d.urgency))
        steps = {s: getattr(d, f"{s}_at") for s in STEP_ORDER if getattr(d, f"{s}_at")}
        intervals = {s: (at - d.created_at).total_seconds() for s, at in steps.items()}
        rows.append(BoardRow(
            d.id, d.case_id, number, d.unit_id, unit_code, code,
            name_th if lang == "th" else name_en, d.status, d.urgency, d.created_at,
            max(0, int((now - d.created_at).total_seconds())), steps,
            intervals, due, due is not None and now > due,
            int(escalations.get(d.id, 0)), d.decline_reason, d.cancel_reason, d.outcome))
    return rows


def _base():
    return (
        select(Dispatch, Case.number, ResponseUnit.code, Province.code, Province.name_th,
               Province.name_en)
        .join(Case, Case.id == Dispatch.case_id)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .join(Province, Province.code == ResponseUnit.province_code)
    )


def open_rows(session: Session, *, now: datetime, province: str | None,
              settings: DispatchSettings, lang: str = "th") -> list[BoardRow]:
    """Open dispatches by province and status, oldest first."""
    query = (_base().where(Dispatch.status.not_in(list(policy.CLOSED)))
             .order_by(Province.code, Dispatch.status, Dispatch.created_at))
    if province:
        query = query.where(Province.code == province)
    return _rows(session, query, now=now, settings=settings, lang=lang)


def closed_rows(session: Session, *, since: datetime, now: datetime, province: str | None,
                settings: DispatchSettings, lang: str = "th", limit: int = 200
                ) -> list[BoardRow]:
    """Dispatches declined, completed or cancelled since ``since``, the latest first."""
    closed_at = func.coalesce(Dispatch.completed_at, Dispatch.declined_at,
                              Dispatch.cancelled_at)
    query = (_base().where(Dispatch.status.in_(list(policy.CLOSED)), closed_at >= since)
             .order_by(closed_at.desc()).limit(limit))
    if province:
        query = query.where(Province.code == province)
    return _rows(session, query, now=now, settings=settings, lang=lang)


def detail(session: Session, dispatch_id: int, *, now: datetime, settings: DispatchSettings,
           lang: str = "th") -> Detail | None:
    rows = _rows(session, _base().where(Dispatch.id == dispatch_id), now=now,
                 settings=settings, lang=lang)
    if not rows:
        return None
    dispatch = session.get(Dispatch, dispatch_id)
    assert dispatch is not None
    events = list(session.scalars(
        select(DispatchEvent).where(DispatchEvent.dispatch_id == dispatch_id)
        .order_by(DispatchEvent.at, DispatchEvent.id)))
    alerts: dict[int, AlertRow] = {}
    for alert, position, role in session.execute(
            select(Alert, UnitContact.position, UnitContact.role)
            .outerjoin(UnitContact, UnitContact.id == Alert.contact_id)
            .where(Alert.dispatch_id == dispatch_id).order_by(Alert.created_at, Alert.id)):
        alerts[alert.id] = AlertRow(alert.id, alert.channel, position,
                                    role.value if role else None, alert.status,
                                    alert.created_at)
    for attempt in session.scalars(
            select(AlertAttempt).where(AlertAttempt.alert_id.in_(list(alerts)))
            .order_by(AlertAttempt.id)) if alerts else ():
        alerts[attempt.alert_id].attempts.append(AttemptRow(
            attempt.started_at, attempt.finished_at, attempt.succeeded, attempt.error,
            attempt.provider_reference))
    return Detail(rows[0], events, list(alerts.values()),
                  escalation.due_at(session, dispatch, settings), dispatch.alarm_repeats)
