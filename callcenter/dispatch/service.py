"""Dispatch rules: send a case to a unit, and the unit's answers along the lifecycle.

Services take the session and never commit. After the caller commits it calls
``callcenter.dispatch.delivery.enqueue.after_commit(redis, dispatch_id)``, which enqueues the
alerts owed, sets the escalation timer and publishes the new state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import User
from callcenter.cases import policy as case_policy
from callcenter.cases import service as cases
from callcenter.cases.models import Case, CaseStatus, PersonRole
from callcenter.cases.schemas import RISK_QUESTIONS
from callcenter.db import utcnow
from callcenter.dispatch import escalation, ladder, lifecycle, policy
from callcenter.dispatch.config import DispatchSettings, get_dispatch_settings
from callcenter.dispatch.models import (
    Alert,
    AlertStatus,
    Dispatch,
    DispatchEvent,
    DispatchStatus,
)
from callcenter.errors import DomainError, Forbidden, InvalidTransition, NotFound
from callcenter.provinces import places
from callcenter.provinces import service as provinces
from callcenter.provinces.models import ResponseUnit
from callcenter.taxonomy import Urgency

S = DispatchStatus


def create(
    session: Session,
    *,
    case_id: int,
    actor_id: int,
    unit_id: int | None = None,
    urgency: Urgency | None = None,
    unit_brief: str = "",
    now: datetime | None = None,
    settings: DispatchSettings | None = None,
) -> Dispatch:
    """Send the case to a unit (by default its province's) with the first alert owed.

    The dispatch and its alert row go into the caller's transaction together. A unit
    with no reachable contact is escalated at once, so the supervisor sees it now. If the
    case already has an open dispatch to that unit (a double click), that one is returned
    and nothing new is made.
    """
    return create_or_existing(session, case_id=case_id, actor_id=actor_id, unit_id=unit_id,
                              urgency=urgency, unit_brief=unit_brief, now=now,
                              settings=settings)[0]


def create_or_existing(
    session: Session,
    *,
    case_id: int,
    actor_id: int,
    unit_id: int | None = None,
    urgency: Urgency | None = None,
    unit_brief: str = "",
    now: datetime | None = None,
    settings: DispatchSettings | None = None,
) -> tuple[Dispatch, bool]:
    """``create``, also saying whether the dispatch is new (False: the open one found).

    ``unit_brief`` is the agent's text for the unit (the console requires it through
    ``policy.unit_brief``); the case's summary is never copied into it.
    """
    now = now or utcnow()
    settings = settings or get_dispatch_settings()
    case = cases.get(session, case_id)
    if case.status is CaseStatus.CLOSED:
        # Nobody follows a closed case: reopening it (follow-up) comes first, on the record.
        raise InvalidTransition("the case is closed: reopen it before dispatching",
                                field="status")
    unit = _unit_for(session, unit_id=unit_id, province_code=case.province_code)
    # Lock, then check: the same click arriving twice at once waits here for the first,
    # then finds its dispatch.
    _lock_case(session, case.id)
    existing = open_dispatch(session, case_id=case.id, unit_id=unit.id)
    if existing is not None:
        return existing, False
    dispatch = Dispatch(case_id=case.id, unit_id=unit.id, urgency=urgency or case.urgency,
                        created_by_id=actor_id, created_at=now, status=S.CREATED,
                        unit_brief=unit_brief.strip())
    # Read before the dispatch is added: what follows its insert is then written in
    # one flush (the agent's click waits for each statement).
    contacts = ladder.first_contacts(session, dispatch, settings)
    session.add(dispatch)
    session.flush()
    session.add(DispatchEvent(dispatch_id=dispatch.id, status=S.CREATED, at=now,
                              actor_id=actor_id))
    audit.record(session, actor_id=actor_id, action="dispatch.create",
                 entity_type="dispatch", entity_id=dispatch.id)
    if case_policy.can_move(case.status, CaseStatus.DISPATCHED):
        cases.change_status(session, case, to=CaseStatus.DISPATCHED, actor_id=actor_id)
    if not contacts:
        lifecycle.move(session, dispatch, to=S.ESCALATED, now=now, actor_id=None,
                       note=escalation.NO_CONTACT)
    for contact in contacts:
        ladder.add_alert(session, dispatch, contact, now)
    # Not flushed here: the caller's own rows (its audit event) go in the same flush,
    # and the session flushes before any query reads these.
    return dispatch, True


def _lock_case(session: Session, case_id: int) -> None:
    """Serialise the dispatching of one case until the transaction ends. PostgreSQL locks
    the case's row; SQLite has no row locks, so a no-op write takes its database write
    lock (its reads before a first write are not in any transaction)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE cases SET id = id WHERE id = :id"), {"id": case_id})
    else:
        session.execute(select(Case.id).where(Case.id == case_id).with_for_update())


def find(session: Session, dispatch_id: int) -> Dispatch | None:
    return session.get(Dispatch, dispatch_id)


def of_case(session: Session, case_id: int) -> list[Dispatch]:
    """The case's dispatches, oldest first."""
    return list(session.scalars(select(Dispatch).where(Dispatch.case_id == case_id)
                                .order_by(Dispatch.id)))


def open_dispatch(session: Session, *, case_id: int, unit_id: int) -> Dispatch | None:
    """The case's open dispatch to the unit, if there is one (at most one can exist)."""
    return session.scalars(
        select(Dispatch).where(Dispatch.case_id == case_id, Dispatch.unit_id == unit_id,
                               Dispatch.status.not_in(policy.CLOSED))
        .execution_options(populate_existing=True)
    ).first()


def _unit_for(session: Session, *, unit_id: int | None, province_code: str | None) -> ResponseUnit:
    if unit_id is not None:
        unit = session.get(ResponseUnit, unit_id)
    elif province_code is not None:
        unit = provinces.active_unit(session, province_code)
    else:
        raise DomainError("the case has no province: choose a unit", field="unit_id")
    if unit is None or not unit.active:
        raise DomainError("no active rapid-response unit for this case", field="unit_id")
    return unit


# --- the unit's answers ----------------------------------------------------------------


def acknowledge(
    session: Session, dispatch_id: int, *, unit_id: int, actor_id: int | None,
    now: datetime | None = None, via: str = "console",
) -> Dispatch:
    """The unit accepts. A repeat is harmless; a declined dispatch cannot be taken back.

    An escalated dispatch may still be acknowledged: someone is going, and the ladder stops.
    """
    return _advance(session, dispatch_id, to=S.ACKNOWLEDGED, unit_id=unit_id,
                    actor_id=actor_id, now=now, note=f"acknowledged via {via}")


def decline(
    session: Session, dispatch_id: int, *, unit_id: int, actor_id: int | None, reason: str,
    now: datetime | None = None,
) -> Dispatch:
    """The unit cannot go; the reason goes back to the hotline agent on the timeline."""
    reason = reason.strip()
    if not reason:
        raise DomainError("give the reason for declining", field="reason")
    dispatch = _own(session, dispatch_id, unit_id)
    if dispatch.status is S.DECLINED:
        return dispatch
    if not policy.can_move(dispatch.status, S.DECLINED):
        raise InvalidTransition(
            f"dispatch {dispatch_id} is {dispatch.status.value}: it can no longer be declined",
            field="status")
    now = now or utcnow()
    dispatch.decline_reason = reason[:300]
    lifecycle.move(session, dispatch, to=S.DECLINED, now=now, actor_id=actor_id,
                   note=reason[:300])
    cancel_owed_alerts(session, dispatch.id)
    return dispatch


def mark_en_route(session: Session, dispatch_id: int, *, unit_id: int, actor_id: int | None,
                  now: datetime | None = None) -> Dispatch:
    return _advance(session, dispatch_id, to=S.EN_ROUTE, unit_id=unit_id, actor_id=actor_id,
                    now=now)


def mark_on_scene(session: Session, dispatch_id: int, *, unit_id: int, actor_id: int | None,
                  now: datetime | None = None) -> Dispatch:
    return _advance(session, dispatch_id, to=S.ON_SCENE, unit_id=unit_id, actor_id=actor_id,
                    now=now)


def complete(
    session: Session, dispatch_id: int, *, unit_id: int, actor_id: int | None, outcome: str,
    field_report: str, now: datetime | None = None,
) -> Dispatch:
    """Close the visit with an outcome and the field report the hotline follows up on."""
    outcome = outcome.strip()
    if not outcome:
        raise DomainError("give the outcome of the visit", field="outcome")
    dispatch = _advance(session, dispatch_id, to=S.COMPLETED, unit_id=unit_id,
                        actor_id=actor_id, now=now, note=outcome[:80])
    if dispatch.outcome is None:
        dispatch.outcome, dispatch.field_report = outcome[:80], field_report.strip()
    return dispatch


def record_voice_answer(
    session: Session, dispatch_id: int, *, unit_code: str, answer: str,
    now: datetime | None = None,
) -> Dispatch | None:
    """The unit's key on the voice alert: 1 accepts, 2 declines, nothing escalates later."""
    unit = provinces.unit_by_code(session, unit_code)
    if unit is None:
        return None
    if answer == "yes":
        return acknowledge(session, dispatch_id, unit_id=unit.id, actor_id=None, now=now,
                           via="voice")
    if answer == "no":
        return decline(session, dispatch_id, unit_id=unit.id, actor_id=None, now=now,
                       reason="declined on the voice alert")
    return None


def _own(session: Session, dispatch_id: int, unit_id: int) -> Dispatch:
    dispatch = lifecycle.lock(session, dispatch_id)
    if dispatch.unit_id != unit_id:
        raise Forbidden(f"dispatch {dispatch_id} belongs to another unit")
    return dispatch


def _advance(
    session: Session, dispatch_id: int, *, to: DispatchStatus, unit_id: int,
    actor_id: int | None, now: datetime | None, note: str | None = None,
) -> Dispatch:
    dispatch = _own(session, dispatch_id, unit_id)
    if policy.already_reached(dispatch.status, to):
        return dispatch  # a double tap, or the SMS link after the console: nothing to do
    if dispatch.status is S.DECLINED:
        raise InvalidTransition(
            f"dispatch {dispatch_id} was declined: the hotline agent decides what follows",
            field="status")
    lifecycle.move(session, dispatch, to=to, now=now or utcnow(), actor_id=actor_id, note=note)
    if to is S.ACKNOWLEDGED:
        cancel_owed_alerts(session, dispatch.id)
    return dispatch


def cancel_owed_alerts(session: Session, dispatch_id: int) -> None:
    # Alerts being sent right now finish; their idempotency key keeps them single.
    session.execute(
        update(Alert)
        .where(Alert.dispatch_id == dispatch_id, Alert.status == AlertStatus.PENDING)
        .values(status=AlertStatus.CANCELLED)
    )


# --- what the unit sees ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitDispatch:
    """A row of the unit's list: enough to choose what to open, nothing about persons."""

    id: int
    status: DispatchStatus
    urgency: Urgency
    case_number: str
    province_code: str
    # The district's Thai name (from its code), or the free text of an older case.
    district: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    district_code: str | None = None


@dataclass(frozen=True, slots=True)
class VisitPerson:
    role: str
    nickname: str | None
    gender: str
    age_years: int | None
    language: str | None
    needs_interpreter: bool
    has_disability: bool
    phone: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class UnitDispatchDetail:
    """What the visit needs of the case, for the unit's own dispatch only."""

    dispatch: UnitDispatch
    # The agent's text for the unit, never the case's summary (it may name the reporter
    # or the alleged perpetrator).
    unit_brief: str
    do_not_call_back: bool
    call_window: str | None
    persons: tuple[VisitPerson, ...]
    decline_reason: str | None
    outcome: str | None
    # Where to go, finer than the alert: the unit reads it signed in, as the address.
    subdistrict_code: str | None = None
    postal_code: str | None = None
    geo: str | None = None
    # The risk checklist's ticked answers, in the checklist's order: what the unit must
    # know before it knocks (a weapon, the alleged perpetrator there, a child alone).
    risks: tuple[str, ...] = ()
    # Safe contact: a call from the unit must not show its number.
    withhold_caller_id: bool = False
    # Whom at 1300 to ask for when the unit calls back: the agent who dispatched.
    dispatched_by: str | None = None


def list_for_unit(
    session: Session, unit_id: int, *, open_only: bool = True, limit: int = 50
) -> list[UnitDispatch]:
    """The unit's dispatches, most urgent and oldest first; never another unit's."""
    query = (
        select(Dispatch, Case.number, Case.province_code, Case.district, Case.district_code)
        .join(Case, Case.id == Dispatch.case_id)
        .where(Dispatch.unit_id == unit_id)
    )
    if open_only:
        query = query.where(Dispatch.status.not_in(policy.CLOSED))
    rows = session.execute(query.order_by(Dispatch.created_at.desc()).limit(limit)).all()
    order = list(Urgency)
    items = [_row(d, number, province, places.district_label(code, district), code)
             for d, number, province, district, code in rows]
    return sorted(items, key=lambda i: (order.index(i.urgency), i.created_at))


def get_for_unit(
    session: Session, dispatch_id: int, *, unit_id: int, actor_id: int,
    source_ip: str | None = None,
) -> UnitDispatchDetail:
    """Open one dispatch for the unit; the view is recorded in the audit trail."""
    dispatch = session.get(Dispatch, dispatch_id)
    if dispatch is None or dispatch.unit_id != unit_id:
        # The same answer whether it does not exist or is another unit's.
        raise NotFound(f"dispatch {dispatch_id} not found")
    case = session.get(Case, dispatch.case_id)
    assert case is not None
    audit.record(session, actor_id=actor_id, action="dispatch.view", entity_type="dispatch",
                 entity_id=dispatch.id, source_ip=source_ip)
    persons = tuple(
        VisitPerson(role=p.role.value, nickname=p.nickname, gender=p.gender.value,
                    age_years=p.age_years, language=p.language,
                    needs_interpreter=p.needs_interpreter, has_disability=p.has_disability,
                    phone=None if case.do_not_call_back else p.phone, address=p.address)
        for p in case.persons
        # The unit goes to the victim; the reporter and the alleged perpetrator stay with 1300.
        if p.role is PersonRole.VICTIM
    )
    return UnitDispatchDetail(
        dispatch=_row(dispatch, case.number, case.province_code,
                      places.district_label(case.district_code, case.district),
                      case.district_code),
        subdistrict_code=case.subdistrict_code, postal_code=case.postal_code,
        geo=places.geo_uri(case.latitude, case.longitude),
        unit_brief=dispatch.unit_brief, do_not_call_back=case.do_not_call_back,
        call_window=case.call_window, persons=persons,
        decline_reason=dispatch.decline_reason, outcome=dispatch.outcome,
        risks=tuple(q for q in RISK_QUESTIONS if (case.risk or {}).get(q)),
        withhold_caller_id=case.withhold_caller_id,
        dispatched_by=session.scalar(select(User.display_name)
                                     .where(User.id == dispatch.created_by_id)),
    )


def timeline(session: Session, dispatch_id: int) -> list[DispatchEvent]:
    """The dispatch's steps in order, for the case timeline and the dispatch board."""
    return list(session.scalars(
        select(DispatchEvent).where(DispatchEvent.dispatch_id == dispatch_id)
        .order_by(DispatchEvent.at, DispatchEvent.id)))


def _row(d: Dispatch, number: str, province: str | None, district: str | None,
         district_code: str | None = None) -> UnitDispatch:
    return UnitDispatch(id=d.id, status=d.status, urgency=d.urgency, case_number=number,
                        province_code=province or "", district=district,
                        district_code=district_code,
                        created_at=d.created_at, acknowledged_at=d.acknowledged_at)
