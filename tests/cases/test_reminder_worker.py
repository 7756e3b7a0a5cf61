"""``callcenter worker`` itself sends follow-up reminders: a due task's reminder reaches
the assignee's notice topic once; with the worker killed, tasks that fall due meanwhile
(one whose job waits in RQ, one whose job was lost) are each reminded once after the
restart, and the first is not reminded again."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis

from callcenter import topics
from callcenter.agents.models import Role
from callcenter.cases import follow_ups, reminder_jobs
from callcenter.cases import service as cases
from callcenter.cases.follow_up_models import TaskKind
from callcenter.db import utcnow
from callcenter.taxonomy import Urgency
from tests.dispatch.redis_server import RedisServer
from tests.dispatch.worker_process import WorkerProcess
from tests.support import builders

# Long enough that no supervisor reminder joins in: this test counts the due ones.
GRACE = timedelta(hours=10)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    # A server of its own: the shared test Redis is flushed by other suites at will.
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def world(committing_sessionmaker) -> tuple[int, int]:
    with committing_sessionmaker.begin() as session:
        builders.province(session, "TH-50")
        agent = builders.user(session, Role.AGENT)
        case = cases.open_case(session, created_by_id=agent.id, province_code="TH-50",
                               urgency=Urgency.HIGH, summary="ติดตามผล")
        session.flush()
        return agent.id, case.id


@pytest.fixture
def worker(committing_sessionmaker, pg_url, redis_server, tmp_path) -> Iterator[WorkerProcess]:
    env = {"CALLCENTER_DATABASE_URL": pg_url, "CALLCENTER_REDIS_URL": redis_server.url,
           "CALLCENTER_FOLLOW_UP_SWEEP_SECONDS": "1",
           "CALLCENTER_FOLLOW_UP_OVERDUE_GRACE_MINUTES": str(GRACE.total_seconds() / 60)}
    process = WorkerProcess(env, tmp_path / "worker.log")
    yield process
    process.stop()  # before the tables are emptied under it


def kill(process: WorkerProcess) -> None:
    """As a machine losing power: no goodbye to Redis, no end to its transactions."""
    assert process.process is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.process.pid, signal.SIGKILL)
    process.process.wait(timeout=10)
    process.process = None


def add_task(sessions, agent_id: int, case_id: int, *, due_in: timedelta) -> int:
    with sessions.begin() as session:
        return follow_ups.create(session, cases.get(session, case_id), kind=TaskKind.VISIT,
                                 due_at=utcnow() + due_in, actor_id=agent_id).id


def heard(pubsub, until: float) -> list[int]:
    """Task ids of the notices heard until the monotonic deadline."""
    ids = []
    while time.monotonic() < until:
        message = pubsub.get_message(timeout=0.2)
        if message and message["type"] == "message":
            ids.append(json.loads(message["data"])["task_id"])
    return ids


def test_the_worker_sends_each_due_reminder_once_across_a_kill_and_a_restart(
        committing_sessionmaker, world, worker, redis_server):
    agent, case_id = world
    client = redis.Redis.from_url(redis_server.url)
    pubsub = client.pubsub()
    pubsub.subscribe(topics.notices_topic(agent))
    worker.start()

    first = add_task(committing_sessionmaker, agent, case_id, due_in=timedelta(seconds=2))
    with committing_sessionmaker() as session:
        reminder_jobs.schedule_task(client, first, follow_ups.get(session, first).due_at,
                                    GRACE)
    got = heard(pubsub, time.monotonic() + 8)
    assert got == [first], worker.log()

    kill(worker)
    queued = add_task(committing_sessionmaker, agent, case_id, due_in=timedelta(seconds=1))
    with committing_sessionmaker() as session:
        reminder_jobs.schedule_task(client, queued, follow_ups.get(session, queued).due_at,
                                    GRACE)
    # Its job was lost (Redis lost it, or the enqueue after the commit never happened).
    lost = add_task(committing_sessionmaker, agent, case_id, due_in=timedelta(seconds=1))
    time.sleep(2)
    assert heard(pubsub, time.monotonic() + 0.5) == []  # nobody sends while it is down

    worker.start()
    got = heard(pubsub, time.monotonic() + 10)
    assert Counter(got) == Counter({queued: 1, lost: 1}), worker.log()
    assert worker.alive, worker.log()
    pubsub.close()
    client.close()
