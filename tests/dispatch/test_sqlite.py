"""The demo runs on SQLite: the whole dispatch path must work there too."""

from datetime import timedelta

import redis
from sqlalchemy.orm import sessionmaker

from callcenter import migrate
from callcenter.db import make_engine, session_scope
from callcenter.dispatch import escalation, notify, service
from callcenter.dispatch.delivery import enqueue, outbox
from callcenter.dispatch.models import AlertStatus
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from tests.support import builders

CONFIG = builders.settings()


def test_dispatch_claim_delivery_escalation_and_acknowledgement_on_sqlite(tmp_path,
                                                                         redis_server):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    client = redis.Redis.from_url(redis_server.url)
    with session_scope(sessions) as session:
        world = builders.world(session, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66")])
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=CONFIG)
        t0 = dispatch.created_at
    enqueue.after_commit(client, dispatch.id, sessions=sessions, settings=CONFIG)
    with session_scope(sessions) as session:
        (alert_id, _), = outbox.owed(session, now=t0)
        claim = outbox.claim(session, alert_id, now=t0, settings=CONFIG)
        assert outbox.claim(session, alert_id, now=t0, settings=CONFIG) is None
        outbox.record_success(session, claim, reference="listeners=0", now=t0)
    with session_scope(sessions) as session:
        later = t0 + timedelta(seconds=CONFIG.ack_timeout(dispatch.urgency) + 1)
        assert escalation.overdue_ids(session, now=later, settings=CONFIG) == [dispatch.id]
        assert escalation.escalate_if_due(session, dispatch.id, now=later, settings=CONFIG)
    enqueue.after_commit(client, dispatch.id, sessions=sessions, settings=CONFIG)
    assert [a["dispatch_id"] for a in notify.open_alarms(client)] == [dispatch.id]
    with session_scope(sessions) as session:
        service.acknowledge(session, dispatch.id, unit_id=world.unit.id,
                            actor_id=world.member.id)
    enqueue.after_commit(client, dispatch.id, sessions=sessions, settings=CONFIG)
    assert notify.open_alarms(client) == []
    with sessions() as session:
        current = notify.state(session, dispatch.id)
        statuses = [a.status for a in outbox_alerts(session, dispatch.id)]
    assert current["status"] == S.ACKNOWLEDGED.value and current["escalations"] == 1
    assert statuses == [AlertStatus.DELIVERED, AlertStatus.CANCELLED]
    client.flushdb()
    client.close()
    engine.dispose()


def outbox_alerts(session, dispatch_id):
    from sqlalchemy import select

    from callcenter.dispatch.models import Alert
    return session.scalars(select(Alert).where(Alert.dispatch_id == dispatch_id)
                           .order_by(Alert.id)).all()


def test_a_unit_with_no_reachable_contact_raises_the_alarm_at_once(db_session, redis_server):
    world = builders.world(db_session, [(AlertChannel.LINE, "")])
    dispatch = service.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id, settings=CONFIG)
    client = redis.Redis.from_url(redis_server.url)
    notify.publish(client, notify.state(db_session, dispatch.id))
    (alarm,) = [a for a in notify.open_alarms(client) if a["dispatch_id"] == dispatch.id]
    assert alarm["status"] == "escalated" and alarm["escalations"] == 1
    client.flushdb()
    client.close()
