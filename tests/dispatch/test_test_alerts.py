"""Test alerts: through a real ``rq worker`` and the providers' test doubles, acknowledged by
the unit like a real alert, and counted nowhere: not on the board, in the statistics or
in the reports. And the ladder skips a contact an admin made inactive."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from callcenter.db import session_scope, utcnow
from callcenter.dispatch import alert_tests, board, ladder, presence, stats
from callcenter.dispatch.delivery import alert_tests as test_delivery
from callcenter.dispatch.models import AlertStatus, AlertTest
from callcenter.provinces.models import AlertChannel, UnitContact
from callcenter.reports import service as reports
from callcenter.reports.range import parse_range
from tests.dispatch.conftest import wait_for
from tests.support import builders


def send_test(ctx, contacts, *, position=1, watching=False):
    """A new unit with these contacts; an admin's test to the contact at ``position``."""
    with session_scope(ctx.sessions) as session:
        world = builders.world(session, contacts)
        if watching:
            presence.touch(ctx.redis, world.unit.id, "test-tab")
        contact = next(c for c in world.unit.contacts if c.position == position)
        test = alert_tests.send(session, world.unit.id, contact.id, actor_id=world.agent.id,
                                source_ip="127.0.0.1", settings=ctx.settings,
                                redis=ctx.redis, now=utcnow())
        ids = test.id, world.unit.id, world.member.id, contact.id
    return ids  # the commit above enqueued the delivery


def row(ctx, test_id) -> AlertTest:
    with ctx.sessions() as session:
        return session.get(AlertTest, test_id)


def finished(ctx, test_id) -> AlertTest | None:
    found = row(ctx, test_id)
    return found if found.status in (AlertStatus.DELIVERED, AlertStatus.FAILED) else None


@pytest.mark.usefixtures("worker", "fresh")
def test_a_console_test_alert_reaches_the_unit_marked_as_a_test_and_is_acknowledged(ctx):
    listener = ctx.redis.pubsub()
    listener.psubscribe("unit.*.alerts")
    listener.get_message(timeout=1)
    test_id, unit_id, member_id, contact_id = send_test(ctx, [(AlertChannel.CONSOLE, "")],
                                                        watching=True)
    done = wait_for(lambda: finished(ctx, test_id))
    assert done.status is AlertStatus.DELIVERED and done.provider_reference == "consoles=1"
    published = wait_for(lambda: listener.get_message(timeout=1))
    payload = json.loads(published["data"])
    assert payload["test"] is True and payload["test_alert_id"] == test_id
    assert payload["dispatch_id"] == 0

    with session_scope(ctx.sessions) as session:
        assert [t.id for t in alert_tests.open_for_unit(session, unit_id, now=utcnow())] == [
            test_id]
        alert_tests.acknowledge(session, test_id, unit_id=unit_id, actor_id=member_id,
                                source_ip=None, now=utcnow())
    with ctx.sessions() as session:
        last = alert_tests.last_by_contact(session, [unit_id])[contact_id]
        assert last.acknowledged_at is not None and last.acknowledged_by == "ผู้ทดสอบ"
        assert alert_tests.open_for_unit(session, unit_id, now=utcnow()) == []


@pytest.mark.usefixtures("worker", "fresh")
def test_an_sms_test_alert_says_it_is_a_test_and_keeps_the_providers_reference(ctx, providers):
    test_id, *_ = send_test(ctx, [(AlertChannel.CONSOLE, ""),
                                  (AlertChannel.SMS, "+66812345678")], position=2)
    done = wait_for(lambda: finished(ctx, test_id))
    assert done.status is AlertStatus.DELIVERED and done.provider_reference.startswith("sms-")
    (sms,) = [r for r in providers.requests if r["path"] == "/sms"]
    assert sms["body"]["to"] == "+66812345678"
    assert "ทดสอบ" in sms["body"]["text"] and "not a real case" in sms["body"]["text"]
    assert sms["key"] == done.idempotency_key


@pytest.mark.usefixtures("worker", "fresh")
def test_a_failed_test_alert_is_not_retried_and_keeps_the_providers_answer(ctx, providers):
    providers.mode = "500"
    test_id, *_ = send_test(ctx, [(AlertChannel.CONSOLE, ""),
                                  (AlertChannel.SMS, "+66812345678")], position=2)
    done = wait_for(lambda: finished(ctx, test_id))
    assert done.status is AlertStatus.FAILED and "500" in done.error
    assert len([r for r in providers.requests if r["path"] == "/sms"]) == 1


@pytest.mark.usefixtures("worker", "fresh")
def test_a_console_nobody_watches_fails_the_test_at_once(ctx):
    test_id, *_ = send_test(ctx, [(AlertChannel.CONSOLE, "")])
    done = wait_for(lambda: finished(ctx, test_id))
    assert done.status is AlertStatus.FAILED and "no unit member" in done.error


@pytest.mark.usefixtures("worker", "fresh")
def test_the_relay_delivers_a_test_alert_whose_job_redis_lost(ctx, run_relay):
    test_id, *_ = send_test(ctx, [(AlertChannel.CONSOLE, "")], watching=True)
    # As if the fast path never reached Redis: the row is owed again, no job queued.
    wait_for(lambda: finished(ctx, test_id))
    with session_scope(ctx.sessions) as session:
        session.execute(update(AlertTest).where(AlertTest.id == test_id).values(
            status=AlertStatus.PENDING, attempt_count=0, finished_at=None,
            next_attempt_at=utcnow() - timedelta(seconds=10)))
    run_relay(ctx)
    assert wait_for(lambda: finished(ctx, test_id)).status is AlertStatus.DELIVERED
    assert row(ctx, test_id).attempt_count == 1


def test_test_alerts_are_counted_nowhere(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")])
    now = utcnow()
    test = AlertTest(unit_id=world.unit.id, contact_id=world.unit.contacts[0].id,
                     channel=AlertChannel.CONSOLE, idempotency_key="counted-nowhere",
                     requested_by_id=world.agent.id, status=AlertStatus.DELIVERED,
                     created_at=now, next_attempt_at=now, finished_at=now)
    db_session.add(test)
    db_session.flush()
    settings = builders.settings()
    assert board.open_rows(db_session, now=now, province=None, settings=settings) == []
    health = stats.delivery_health(db_session, now=now, since=now - timedelta(days=1))
    assert (health.alerts_owed, health.failed_alerts, health.awaiting_unit) == (0, 0, 0)
    assert stats.per_province(db_session, since=now - timedelta(days=1),
                              until=now + timedelta(days=1)) == []
    year = now.year + 543
    rng = parse_range(f"1/1/{year}", f"31/12/{year}")
    for name in ("dispatch_intervals", "dispatch_intervals_each"):
        assert list(reports.run(db_session, name, rng).rows) == [], name


def test_the_ladder_skips_a_contact_an_admin_made_inactive(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, ""),
                                        (AlertChannel.VOICE, "0990000050")])
    settings = builders.settings()
    console = db_session.scalars(select(UnitContact).where(
        UnitContact.unit_id == world.unit.id, UnitContact.position == 1)).one()
    console.active = False
    db_session.flush()
    reachable = ladder.reachable_contacts(db_session, world.unit.id, settings)
    assert [c.channel for c in reachable] == [AlertChannel.VOICE]


def test_a_test_alert_is_owed_to_the_relay_until_a_worker_claims_it(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")])
    now = utcnow()
    test = AlertTest(unit_id=world.unit.id, contact_id=world.unit.contacts[0].id,
                     channel=AlertChannel.CONSOLE, idempotency_key="owed",
                     requested_by_id=world.agent.id, created_at=now, next_attempt_at=now)
    db_session.add(test)
    db_session.flush()
    assert test_delivery.owed(db_session, now=now) == [(test.id, 0)]
    claimed = test_delivery.claim(db_session, test.id, now=now, settings=builders.settings())
    assert claimed is not None and "ทดสอบ" in claimed.delivery.message.text
    assert test_delivery.owed(db_session, now=now) == []
