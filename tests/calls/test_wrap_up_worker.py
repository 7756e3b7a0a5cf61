"""After-call work end to end with no agent page open: the bridge's record writer stores
the call's end, a real RQ worker process pauses the agent for wrap-up, pauses them again
when they resume from their phone, and frees them once a disposition is set.

PostgreSQL committed as the bridge commits; a Redis server of this module; the bridge's
command server stood in for by ``FakeBridge`` (answers as the real one does).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

import pytest

from callcenter.ami.bridge.sink import RecordWriter
from callcenter.ami.effects import AgentStateChanged, CallRecord
from callcenter.calls import service as calls
from callcenter.calls import wrap_up_jobs
from callcenter.calls.models import Call
from callcenter.db import session_scope, utcnow
from tests.agent_console.wallboard.conftest import NODE, FakeBridge
from tests.calls.test_wrap_up_jobs import (  # noqa: F401  (fixtures)
    PHONE,
    agent_id,
    commands,
    live,
    redis_url,
    sync_redis,
)
from tests.support.rq_worker import RqWorker

pytestmark = pytest.mark.postgres

NODES = f'[{{"name": "{NODE}", "host": "127.0.0.1", "port": 5038, ' \
        f'"username": "callcenter", "secret": "unused-by-the-worker"}}]'


@pytest.fixture(scope="module")
def worker(pg_url, redis_url, tmp_path_factory):  # noqa: F811
    env = {"CALLCENTER_DATABASE_URL": pg_url, "CALLCENTER_REDIS_URL": redis_url,
           "CALLCENTER_AMI_NODES": NODES}
    log = tmp_path_factory.mktemp("worker") / "rq.log"
    with RqWorker(redis_url, env, queues=(wrap_up_jobs.QUEUE_NAME,), log_path=log) as w:
        yield w


async def until(bridge: FakeBridge, count: int, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if len(bridge.received) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker sent {commands(bridge)}, waited for {count}")


async def test_with_the_page_closed_the_agent_stays_paused_until_the_disposition_is_set(
        worker, committing_sessionmaker, sync_redis, agent_id, monkeypatch):  # noqa: F811
    monkeypatch.setattr(wrap_up_jobs, "_own_redis", lambda: sync_redis)
    writer = RecordWriter(NODE, committing_sessionmaker)
    writer.on_agents_touched = partial(wrap_up_jobs.request_many, sync_redis)
    writer.coalesce_seconds = 0.0
    task = asyncio.create_task(writer.run())
    now = utcnow()
    live(sync_redis, "available")
    try:
        with FakeBridge(sync_redis) as bridge:
            # The call ends: the bridge writes its row, and the worker pauses the agent.
            writer.add([CallRecord(
                uniqueid="1765000000.7", started_at=now - timedelta(minutes=3),
                answered_at=now - timedelta(minutes=2), ended_at=now, queue_name="violence",
                agent_interface=PHONE, agent_name="agent1", outcome="answered",
                caller_number="0812345678")])
            await writer.flush()
            await until(bridge, 1)
            assert commands(bridge) == [("pause", "wrap_up")]
            live(sync_redis, "paused", paused_reason="wrap_up")

            # The agent resumes from the desk phone: Asterisk reports it, the bridge
            # writes the change, and the server pauses them again at once.
            live(sync_redis, "available")
            writer.add([], [AgentStateChanged(interface=PHONE, state="available", reason=None,
                                              changed_at=utcnow(), name="agent1")])
            await writer.flush()
            await until(bridge, 2)
            assert commands(bridge)[1] == ("pause", "wrap_up")
            live(sync_redis, "paused", paused_reason="wrap_up",
                 changed_at=utcnow().isoformat())

            # The disposition (from the intake, the API …) frees the agent.
            with session_scope(committing_sessionmaker) as session:
                call = session.query(Call).filter_by(uniqueid="1765000000.7").one()
                calls.set_disposition(session, call, disposition="information",
                                      actor_id=agent_id)
            await until(bridge, 3)
            assert commands(bridge)[2] == ("unpause", None)
    finally:
        task.cancel()
