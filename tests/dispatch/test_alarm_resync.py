"""The wallboard's alarm set lives in Redis, which keeps no append-only file: the relay
puts it back from the database on its next pass after a restart, and drops an alarm the
database says was answered."""

from __future__ import annotations

import json
from datetime import timedelta

import redis
from sqlalchemy.orm import Session, sessionmaker

from callcenter import topics
from callcenter.db import session_scope
from callcenter.dispatch import escalation, notify, service
from callcenter.dispatch.delivery import relay
from callcenter.dispatch.delivery.jobs import Context
from callcenter.provinces.models import AlertChannel
from callcenter.taxonomy import Urgency
from tests.dispatch.conftest import wait_for
from tests.support import builders

CONFIG = builders.settings(ack_timeout_normal_seconds=60)


def escalated(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    with session_scope(sessions) as session:
        world = builders.world(session, [(AlertChannel.CONSOLE, "")], urgency=Urgency.NORMAL)
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=CONFIG)
        later = dispatch.created_at + timedelta(seconds=61)
        assert escalation.escalate_if_due(session, dispatch.id, now=later, settings=CONFIG)
        return dispatch.id, world.unit.id, world.member.id


def test_resync_rebuilds_a_lost_alarm_set_and_drops_an_answered_alarm(db_session,
                                                                    redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")], urgency=Urgency.NORMAL)
    dispatch = service.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id, settings=CONFIG)
    escalation.escalate_if_due(db_session, dispatch.id,
                               now=dispatch.created_at + timedelta(seconds=61), settings=CONFIG)
    listener = client.pubsub()
    listener.subscribe(topics.ALARMS_TOPIC)
    listener.get_message(timeout=1)
    assert notify.resync_alarms(client, db_session)
    assert [a["dispatch_id"] for a in notify.open_alarms(client)] == [dispatch.id]
    assert json.loads(client.get(topics.dispatch_snapshot_key(dispatch.id)))[
        "status"] == "escalated"
    message = wait_for(lambda: listener.get_message(timeout=1))
    assert [a["dispatch_id"] for a in json.loads(message["data"])["alarms"]] == [dispatch.id]
    assert not notify.resync_alarms(client, db_session)  # in step: nothing published

    # Acknowledged while Redis was away: the publish was lost; the next pass clears it.
    service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id,
                        actor_id=world.member.id)
    db_session.flush()
    assert notify.resync_alarms(client, db_session)
    assert notify.open_alarms(client) == []
    listener.close()
    client.flushdb()
    client.close()


def test_after_a_redis_restart_the_relay_raises_the_alarm_again(
        committing_sessionmaker, redis_server):
    dispatch_id, _, _ = escalated(committing_sessionmaker)
    client = redis.Redis.from_url(redis_server.url)
    with committing_sessionmaker() as session:
        notify.publish(client, notify.state(session, dispatch_id))
    assert [a["dispatch_id"] for a in notify.open_alarms(client)] == [dispatch_id]
    redis_server.restart()  # as shipped: no append-only file, so everything is gone
    client = redis.Redis.from_url(redis_server.url)
    ctx = Context(CONFIG, committing_sessionmaker, client)
    assert notify.open_alarms(client) == []
    result = relay.sweep(ctx)
    assert result.alarms_resynced and result.escalated == []  # no ladder step was needed
    assert [a["dispatch_id"] for a in notify.open_alarms(client)] == [dispatch_id]
    assert not relay.sweep(ctx).alarms_resynced
    client.flushdb()
    client.close()
