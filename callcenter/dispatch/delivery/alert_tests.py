"""Delivering a test alert: the same queue, job runner and channel adapters as a dispatch's.

A test alert row (``AlertTest``) is its own outbox row: committed by the admin's request,
enqueued after the commit, claimed under a lease by the RQ job, sent by the channel's
adapter, and swept by the relay when Redis lost the job. Unlike a dispatch's alert it is
tried once: the admin wants the provider's first answer, not a retry that hides it. (A
worker that died mid-send leaves a lease that runs out; the relay tries again, up to
``MAX_ATTEMPTS`` claims, under the same idempotency key.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from callcenter.db import session_scope, utcnow
from callcenter.dispatch.channels import Delivery, ProviderError, adapter_for
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.delivery.enqueue import JOB_OPTIONS, QUEUE_NAME
from callcenter.dispatch.message import AlertTestMessage, unit_console_link
from callcenter.dispatch.models import AlertStatus, AlertTest
from callcenter.provinces.models import AlertChannel, ResponseUnit, UnitContact

if TYPE_CHECKING:
    from callcenter.dispatch.delivery.jobs import Context

log = logging.getLogger(__name__)

DELIVER = "callcenter.dispatch.delivery.jobs.deliver_alert_test"
MAX_ATTEMPTS = 3


def job_id(test_id: int, attempts: int) -> str:
    return f"unit-alert-test-{test_id}-{attempts}"


def enqueue(redis: redis_lib.Redis, test_id: int, attempts: int) -> bool:
    """Queue the test's delivery; False when the same attempt is already queued."""
    try:
        Queue(QUEUE_NAME, connection=redis).enqueue(
            DELIVER, test_id, job_id=job_id(test_id, attempts), unique=True, **JOB_OPTIONS)
        return True
    except DuplicateJobError:
        return False


def after_commit(redis: redis_lib.Redis, test_id: int) -> None:
    """The fast path; a Redis error is only logged: the relay enqueues the row later."""
    try:
        enqueue(redis, test_id, 0)
    except redis_lib.RedisError as exc:
        log.warning("alert_test.enqueue_deferred test_id=%s error=%s", test_id,
                    type(exc).__name__)


def claimable(now: datetime):
    return or_(
        and_(AlertTest.status == AlertStatus.PENDING, AlertTest.next_attempt_at <= now),
        and_(AlertTest.status == AlertStatus.SENDING, AlertTest.next_attempt_at <= now,
             AlertTest.attempt_count < MAX_ATTEMPTS),
    )


def owed(session: Session, *, now: datetime, overdue_by: float = 0.0,
         limit: int = 100) -> list[tuple[int, int]]:
    """(test id, attempts so far) of test alerts a worker should take now."""
    rows = session.execute(
        select(AlertTest.id, AlertTest.attempt_count)
        .where(claimable(now - timedelta(seconds=overdue_by)))
        .order_by(AlertTest.next_attempt_at).limit(limit))
    return [(r.id, r.attempt_count) for r in rows]


@dataclass(frozen=True, slots=True)
class Claim:
    test_id: int
    channel: AlertChannel
    delivery: Delivery


def claim(session: Session, test_id: int, *, now: datetime,
          settings: DispatchSettings) -> Claim | None:
    lease_until = now + timedelta(seconds=settings.alert_lease_seconds)
    claimed = session.execute(
        update(AlertTest).where(AlertTest.id == test_id, claimable(now))
        .values(status=AlertStatus.SENDING, next_attempt_at=lease_until,
                attempt_count=AlertTest.attempt_count + 1)
        .returning(AlertTest.id)
    ).scalar()
    if claimed is None:
        return None
    channel, key, unit_id, unit_code, unit_name, address = session.execute(
        select(AlertTest.channel, AlertTest.idempotency_key, ResponseUnit.id,
               ResponseUnit.code, ResponseUnit.name_th, UnitContact.address)
        .join(ResponseUnit, ResponseUnit.id == AlertTest.unit_id)
        .join(UnitContact, UnitContact.id == AlertTest.contact_id)
        .where(AlertTest.id == test_id)
    ).one()
    message = AlertTestMessage(test_id=test_id, unit_name=unit_name,
                               link=unit_console_link(settings.console_base_url))
    delivery = Delivery(alert_id=test_id, idempotency_key=key, unit_id=unit_id,
                        unit_code=unit_code, address=address, message=message)
    return Claim(test_id, channel, delivery)


def record(session: Session, test_id: int, *, reference: str | None, error: str | None,
           now: datetime) -> None:
    """The provider's answer: delivered with its reference, or failed with its error."""
    values: dict[str, object] = {"finished_at": now}
    if error is None:
        values |= {"status": AlertStatus.DELIVERED, "provider_reference": reference,
                   "error": None}
    else:
        values |= {"status": AlertStatus.FAILED, "error": error[:500]}
    session.execute(update(AlertTest).where(AlertTest.id == test_id,
                                            AlertTest.status == AlertStatus.SENDING)
                    .values(**values))


def deliver(ctx: Context, test_id: int) -> str:
    """One attempt at one test alert; the outcome is on its row."""
    with session_scope(ctx.sessions) as session:
        taken = claim(session, test_id, now=utcnow(), settings=ctx.settings)
    if taken is None:
        return "not owed"
    try:
        reference = adapter_for(taken.channel, ctx.settings, ctx.redis).send(taken.delivery)
        error = None
    except ProviderError as exc:
        reference, error = None, str(exc)
    except Exception as exc:  # a bug in an adapter is still the test's answer
        log.exception("alert_test.adapter_error test_id=%s", test_id)
        reference, error = None, f"adapter error: {type(exc).__name__}"
    with session_scope(ctx.sessions) as session:
        record(session, test_id, reference=reference, error=error, now=utcnow())
    outcome = "delivered" if error is None else "failed"
    log.info("alert_test.%s test_id=%s channel=%s", outcome, test_id, taken.channel.value)
    return outcome
