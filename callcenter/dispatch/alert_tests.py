"""Test alerts: an admin checks that a unit contact works, the unit acknowledges it.

An admin sends a test to one contact (``send``); it goes out through the real worker and
provider (``delivery.alert_tests``) and says in its text that it is a test. The unit sees
it on its console among its alerts, marked as a test, and acknowledges it there like a
real alert (``acknowledge``). Tests are rows of their own, never dispatches: the reports,
the dispatch board and the response statistics cannot count them. Never commits; the
delivery is enqueued after the caller's commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis as redis_lib
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from callcenter import after_commit, audit
from callcenter.agents.models import User
from callcenter.dispatch.channels import configured
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.delivery import alert_tests as delivery
from callcenter.dispatch.models import AlertStatus, AlertTest
from callcenter.errors import Conflict, NotFound
from callcenter.provinces.models import AlertChannel, UnitContact

# How long an unacknowledged test stays on the unit's console.
SHOWN_FOR = timedelta(hours=24)
OPEN = (AlertStatus.PENDING, AlertStatus.SENDING, AlertStatus.DELIVERED)


@dataclass(frozen=True, slots=True)
class LastTest:
    id: int
    created_at: datetime
    status: AlertStatus
    provider_reference: str | None
    error: str | None
    finished_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    @property
    def worked(self) -> bool:
        return self.status is AlertStatus.DELIVERED


def send(session: Session, unit_id: int, contact_id: int, *, actor_id: int,
         source_ip: str | None, settings: DispatchSettings, redis: redis_lib.Redis,
         now: datetime) -> AlertTest:
    """Owe one test alert to the contact; it is enqueued once the caller commits."""
    contact = session.get(UnitContact, contact_id)
    if contact is None or contact.unit_id != unit_id:
        raise NotFound(f"contact {contact_id} of unit {unit_id} does not exist")
    if not configured(contact.channel, settings):
        raise Conflict(f"no {contact.channel.value} provider is set up", field="provider")
    if contact.channel is not AlertChannel.CONSOLE and not contact.address.strip():
        raise Conflict("the contact has no address", field="address")
    test = AlertTest(unit_id=unit_id, contact_id=contact.id, channel=contact.channel,
                     idempotency_key=str(uuid.uuid4()), status=AlertStatus.PENDING,
                     requested_by_id=actor_id, created_at=now, next_attempt_at=now,
                     attempt_count=0)
    session.add(test)
    session.flush()
    audit.record(session, actor_id=actor_id, action="unit_contact.test",
                 entity_type="unit_contact", entity_id=contact.id, source_ip=source_ip,
                 changes={"alert_test": [None, test.id]})
    test_id = test.id
    after_commit.register(session, lambda: delivery.after_commit(redis, test_id))
    return test


def acknowledge(session: Session, test_id: int, *, unit_id: int, actor_id: int,
                source_ip: str | None, now: datetime) -> AlertTest:
    """The unit says it got the test; another unit's test is answered as missing."""
    test = session.get(AlertTest, test_id, with_for_update=True)
    if test is None or test.unit_id != unit_id:
        raise NotFound(f"test alert {test_id} does not exist")
    if test.acknowledged_at is not None:
        return test  # a second press (another member, a second tab) changes nothing
    test.acknowledged_at, test.acknowledged_by_id = now, actor_id
    session.flush()
    audit.record(session, actor_id=actor_id, action="alert_test.acknowledge",
                 entity_type="alert_test", entity_id=test.id, source_ip=source_ip,
                 changes={"acknowledged_at": [None, now.isoformat()]})
    return test


def open_for_unit(session: Session, unit_id: int, *, now: datetime) -> list[AlertTest]:
    """The unit's tests still waiting for its acknowledgement, newest first."""
    return list(session.scalars(
        select(AlertTest).where(AlertTest.unit_id == unit_id,
                                AlertTest.acknowledged_at.is_(None),
                                AlertTest.status.in_(OPEN),
                                AlertTest.created_at >= now - SHOWN_FOR)
        .order_by(AlertTest.created_at.desc(), AlertTest.id.desc())))


def last_by_contact(session: Session, unit_ids: list[int] | None = None) -> dict[int, LastTest]:
    """Each contact's newest test (of these units, or of all), by contact id."""
    newest = (select(func.max(AlertTest.id).label("id"))
              .group_by(AlertTest.contact_id))
    if unit_ids is not None:
        newest = newest.where(AlertTest.unit_id.in_(unit_ids))
    acker = aliased(User)
    rows = session.execute(
        select(AlertTest, acker.display_name)
        .outerjoin(acker, acker.id == AlertTest.acknowledged_by_id)
        .where(AlertTest.id.in_(newest.scalar_subquery())))
    return {test.contact_id: LastTest(test.id, test.created_at, test.status,
                                      test.provider_reference, test.error,
                                      test.finished_at, test.acknowledged_at, name)
            for test, name in rows}
