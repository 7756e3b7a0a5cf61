"""The alert outbox: claim an owed alert, describe it, record how the attempt went.

A worker claims an alert before sending (status ``sending`` with a lease in
``next_attempt_at``), so two jobs for one alert never send at once; a worker that dies
mid-send leaves a lease that runs out, and the relay hands the alert to another worker,
which sends it again under the same idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from callcenter.cases.models import Case
from callcenter.dispatch import escalation, lifecycle, policy
from callcenter.dispatch.channels import Delivery
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.message import AlertMessage, dispatch_link
from callcenter.dispatch.models import (
    Alert,
    AlertAttempt,
    AlertStatus,
    Dispatch,
    DispatchStatus,
)
from callcenter.provinces import places
from callcenter.provinces.models import AlertChannel, Province, ResponseUnit, UnitContact


@dataclass(frozen=True, slots=True)
class Claim:
    alert_id: int
    dispatch_id: int
    attempt_id: int
    channel: AlertChannel
    delivery: Delivery


def claimable(now: datetime):
    """Owed and due, or claimed by a worker whose lease has run out."""
    return or_(
        and_(Alert.status == AlertStatus.PENDING, Alert.next_attempt_at <= now),
        and_(Alert.status == AlertStatus.SENDING, Alert.next_attempt_at <= now),
    )


def claim(
    session: Session, alert_id: int, *, now: datetime, settings: DispatchSettings
) -> Claim | None:
    """Take the alert for one attempt, or None if it is not owed (or not ours) right now.

    Three statements (claim, read everything the message needs, open the attempt): a job
    runs in a fresh work horse where every statement is compiled anew.
    """
    lease_until = now + timedelta(seconds=settings.alert_lease_seconds)
    claimed = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, claimable(now))
        .values(status=AlertStatus.SENDING, next_attempt_at=lease_until,
                attempt_count=Alert.attempt_count + 1)
        .returning(Alert.id)
    ).scalar()
    if claimed is None:
        return None
    row = session.execute(
        select(Alert.dispatch_id, Alert.channel, Alert.idempotency_key, Dispatch.status,
               Dispatch.urgency, Dispatch.unit_brief, Case.number, Case.district,
               Case.district_code, ResponseUnit.id, ResponseUnit.code,
               ResponseUnit.province_code, Province.name_th,
               UnitContact.address)
        .join(Dispatch, Dispatch.id == Alert.dispatch_id)
        .join(Case, Case.id == Dispatch.case_id)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .outerjoin(Province, Province.code == ResponseUnit.province_code)
        .outerjoin(UnitContact, UnitContact.id == Alert.contact_id)
        .where(Alert.id == alert_id)
    ).one()
    (dispatch_id, channel, key, status, urgency, brief, case_number, district, district_code,
     unit_id, unit_code, province_code, province_name, address) = row
    if status not in policy.AWAITING_UNIT:
        # Acknowledged, declined or closed meanwhile: nobody needs this alert any more.
        session.execute(update(Alert).where(Alert.id == alert_id)
                        .values(status=AlertStatus.CANCELLED))
        return None
    attempt_id = session.execute(
        insert(AlertAttempt).values(alert_id=alert_id, started_at=now)
        .returning(AlertAttempt.id)
    ).scalar_one()
    message = AlertMessage(
        dispatch_id=dispatch_id,
        case_number=case_number,
        province=province_name or province_code,
        # The district picked from the list, by its Thai name; older cases' free text.
        district=places.district_label(district_code, district),
        urgency=urgency,
        link=dispatch_link(settings.console_base_url, dispatch_id),
        brief=brief,
    )
    delivery = Delivery(alert_id=alert_id, idempotency_key=key, unit_id=unit_id,
                        unit_code=unit_code, address=address or "", message=message)
    return Claim(alert_id, dispatch_id, attempt_id, channel, delivery)


def record_success(
    session: Session, claim: Claim, *, reference: str | None, now: datetime
) -> None:
    session.execute(
        update(AlertAttempt).where(AlertAttempt.id == claim.attempt_id)
        .values(finished_at=now, succeeded=True, provider_reference=reference)
    )
    delivered = session.execute(
        update(Alert)
        .where(Alert.id == claim.alert_id, Alert.status != AlertStatus.DELIVERED)
        .values(status=AlertStatus.DELIVERED, delivered_at=now)
        .returning(Alert.id)
    ).scalar()
    if delivered is None:
        return  # a second worker got there first after a lease ran out
    status = session.scalar(select(Dispatch.status).where(Dispatch.id == claim.dispatch_id))
    if status is DispatchStatus.CREATED:
        dispatch = lifecycle.lock(session, claim.dispatch_id)
        if dispatch.status is DispatchStatus.CREATED:
            lifecycle.move(session, dispatch, to=DispatchStatus.ALERTED, now=now,
                           actor_id=None, note=f"alert delivered by {claim.channel.value}")


def record_failure(
    session: Session,
    claim: Claim,
    *,
    error: str,
    transient: bool,
    now: datetime,
    settings: DispatchSettings,
    unreachable: bool = False,
) -> None:
    """Schedule a retry with backoff, or give up on this contact and go to the next.

    Giving up after failures escalates (a provider is failing: the supervisor should
    know); a contact nobody can answer right now (``unreachable``: no one on the console)
    only moves the ladder on.
    """
    attempt = session.get(AlertAttempt, claim.attempt_id)
    alert = session.get(Alert, claim.alert_id, populate_existing=True)
    assert attempt is not None and alert is not None
    attempt.finished_at, attempt.succeeded, attempt.error = now, False, error[:500]
    if alert.status is not AlertStatus.SENDING:
        return
    if transient and not unreachable and alert.attempt_count < settings.max_attempts:
        delay = policy.retry_delay(alert.attempt_count, base=settings.retry_base_seconds,
                                   cap=settings.retry_max_seconds)
        alert.status, alert.next_attempt_at = AlertStatus.PENDING, now + timedelta(seconds=delay)
        return
    alert.status = AlertStatus.FAILED
    dispatch = lifecycle.lock(session, alert.dispatch_id)
    newest = session.scalars(
        select(Alert.id).where(Alert.dispatch_id == dispatch.id)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1)
    ).first()
    # Only the newest rung moves the ladder; an older rung failing late changes nothing.
    if dispatch.status not in policy.AWAITING_UNIT or newest != alert.id:
        return
    if unreachable:
        escalation.move_on(session, dispatch, now=now, settings=settings,
                           reason=f"{alert.channel.value}: {error[:200]}")
    else:
        escalation.step(session, dispatch, now=now, settings=settings,
                        reason=f"{alert.channel.value} alert failed")


def owed(session: Session, dispatch_id: int | None = None, *, now: datetime,
         overdue_by: float = 0.0, limit: int = 500) -> list[tuple[int, int]]:
    """(alert id, attempts so far) of alerts a worker should take now.

    ``overdue_by`` lets the relay leave alone what the fast path enqueued a moment ago.
    """
    query = select(Alert.id, Alert.attempt_count).where(
        claimable(now - timedelta(seconds=overdue_by)))
    if dispatch_id is not None:
        query = query.where(Alert.dispatch_id == dispatch_id)
    return [(r.id, r.attempt_count) for r in session.execute(
        query.order_by(Alert.next_attempt_at).limit(limit))]


def waiting(
    session: Session, dispatch_id: int, *, now: datetime
) -> list[tuple[int, int, datetime]]:
    """(alert id, attempts, when) of the dispatch's alerts owed later (retry backoff)."""
    return [(r.id, r.attempt_count, r.next_attempt_at) for r in session.execute(
        select(Alert.id, Alert.attempt_count, Alert.next_attempt_at).where(
            Alert.dispatch_id == dispatch_id, Alert.status == AlertStatus.PENDING,
            Alert.next_attempt_at > now))]
