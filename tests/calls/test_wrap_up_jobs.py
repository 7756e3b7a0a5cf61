"""After-call work held by the server: the check pauses an agent who owes a disposition or
a case, frees them once the call has one, and the sweep catches a trigger that was lost.

Real PostgreSQL (committed rows, as the worker sees them) and a Redis server of this
module; the bridge's command server is stood in for by ``FakeBridge``, which answers as
the real one does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from rq import Queue
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.calls import service as calls
from callcenter.calls import wrap_up_jobs
from callcenter.calls.models import Call, CallOutcome
from callcenter.db import session_scope, utcnow
from callcenter.queues.models import Queue as HotlineQueue
from tests.agent_console.wallboard.conftest import NODE, FakeBridge, agent_payload
from tests.dispatch.redis_server import RedisServer

pytestmark = pytest.mark.postgres

PHONE = "PJSIP/agent1"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def sync_redis(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def ctx(committing_sessionmaker, sync_redis) -> wrap_up_jobs.Context:
    return wrap_up_jobs.Context(committing_sessionmaker, sync_redis, (NODE,),
                                command_timeout=3.0, interval=0.2)


@pytest.fixture
def agent_id(committing_sessionmaker) -> int:
    from callcenter.seed import seed_all

    with session_scope(committing_sessionmaker) as session:
        seed_all(session, demo_users=True)
        session.scalar(select(HotlineQueue).where(
            HotlineQueue.name == "violence")).wrap_up_required = True
        return session.scalar(select(User.id).where(User.login == "agent1"))


def end_call(sessions, user_id: int, *, ago: float = 5.0, queue: str = "violence") -> int:
    now = utcnow()
    with session_scope(sessions) as session:
        call = Call(node=NODE, uniqueid=f"{now.timestamp():.6f}", caller_number="0812345678",
                    started_at=now - timedelta(minutes=2),
                    answered_at=now - timedelta(minutes=1),
                    ended_at=now - timedelta(seconds=ago), queue_name=queue,
                    agent_interface=PHONE, agent_user_id=user_id,
                    outcome=CallOutcome.ANSWERED)
        session.add(call)
        session.flush()
        return call.id


def live(client, status: str, **extra) -> None:
    client.hset(f"live.{NODE}.agents", PHONE, json.dumps(
        {"node": NODE, **agent_payload(PHONE, "agent1", status, {"violence": False}, **extra)}))


def commands(bridge: FakeBridge) -> list[tuple[str, str | None]]:
    return [(r["command"], r["args"].get("reason")) for r in bridge.received]


def audits(sessions, action: str) -> list[AuditEvent]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_agent_who_owes_wrap_up_is_paused_by_the_server_and_it_is_audited(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    call_id = end_call(committing_sessionmaker, agent_id)
    live(sync_redis, "available")
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "pause"
    assert commands(bridge) == [("pause", "wrap_up")]
    [event] = audits(committing_sessionmaker, "agent.wrap_up_pause")
    assert event.actor_id is None and event.entity_id == str(agent_id)
    assert event.changes == {"call_id": [None, call_id], "rule": [None, "wrap_up_required"]}


def test_an_agent_who_resumes_while_wrap_up_is_owed_is_paused_again(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    end_call(committing_sessionmaker, agent_id)
    live(sync_redis, "paused", paused_reason="wrap_up")
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "none"  # already held
        live(sync_redis, "available")  # the agent pressed resume
        assert wrap_up_jobs.check(ctx, agent_id) == "pause"
    assert commands(bridge) == [("pause", "wrap_up")]


def test_a_disposition_lifts_the_servers_pause_and_asks_for_a_check_after_commit(
        ctx, committing_sessionmaker, sync_redis, agent_id, monkeypatch):
    monkeypatch.setattr(wrap_up_jobs, "_own_redis", lambda: sync_redis)
    call_id = end_call(committing_sessionmaker, agent_id, ago=30)
    with session_scope(committing_sessionmaker) as session:
        calls.set_disposition(session, session.get(Call, call_id), disposition="information",
                              actor_id=agent_id)
    queued = Queue(wrap_up_jobs.QUEUE_NAME, connection=sync_redis).job_ids
    assert queued == [wrap_up_jobs.job_id(agent_id)]
    live(sync_redis, "paused", paused_reason="wrap_up",
         changed_at=(utcnow() - timedelta(seconds=20)).isoformat())
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "unpause"
    assert commands(bridge) == [("unpause", None)]
    assert len(audits(committing_sessionmaker, "agent.wrap_up_unpause")) == 1


def test_a_pause_the_agent_chose_before_the_call_ended_is_never_lifted(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    call_id = end_call(committing_sessionmaker, agent_id)
    with session_scope(committing_sessionmaker) as session:
        session.get(Call, call_id).disposition = "information"
    live(sync_redis, "paused", paused_reason="wrap_up",
         changed_at=datetime(2020, 1, 1, tzinfo=UTC).isoformat())
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "none"
    assert bridge.received == []


def test_a_queue_without_the_rule_never_pauses(ctx, committing_sessionmaker, sync_redis,
                                               agent_id):
    end_call(committing_sessionmaker, agent_id, queue="operator")
    live(sync_redis, "available")
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "none"
    assert bridge.received == []


def test_a_call_ended_while_no_trigger_reached_the_worker_is_caught_by_the_sweep(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    # No job was queued for this end (Redis or the worker was away): only the sweep runs.
    end_call(committing_sessionmaker, agent_id)
    live(sync_redis, "available")
    assert Queue(wrap_up_jobs.QUEUE_NAME, connection=sync_redis).job_ids == []
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.sweep(ctx) == {"pause": 1}
    assert commands(bridge) == [("pause", "wrap_up")]


def test_the_sweep_leaves_agents_paused_for_their_own_reasons(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    end_call(committing_sessionmaker, agent_id)
    live(sync_redis, "paused", paused_reason="break")
    with FakeBridge(sync_redis) as bridge:
        assert wrap_up_jobs.sweep(ctx) == {}
    assert bridge.received == []


def test_a_refusing_bridge_is_not_audited_and_is_asked_again_later(
        ctx, committing_sessionmaker, sync_redis, agent_id):
    end_call(committing_sessionmaker, agent_id)
    live(sync_redis, "available")
    with FakeBridge(sync_redis, status="error", message="Interface not found") as bridge:
        assert wrap_up_jobs.check(ctx, agent_id) == "refused"
    assert commands(bridge) == [("pause", "wrap_up")]
    assert audits(committing_sessionmaker, "agent.wrap_up_pause") == []
