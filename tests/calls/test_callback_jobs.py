"""Call backs end to end: the sweeper and a real RQ worker process place them through the
bridge's command API against the simulated Asterisk; the case's safe-contact flags hold
them back.

Redis is a throwaway server of this module (as in tests/dispatch): other suites running at
the same time share the test db 13, flush it, answer node pbx1's commands and leave jobs
on its queues that a worker listening there would run first.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
import redis.asyncio as aioredis
from sqlalchemy import select

from callcenter.agents import service as agents
from callcenter.agents.models import Role
from callcenter.ami.bridge.command_server import CommandServer
from callcenter.calls import callbacks, jobs
from callcenter.calls.models import Call, CallbackRequest, CallbackStatus
from callcenter.cases import service as cases
from callcenter.cases.models import CasePerson, PersonRole
from callcenter.db import utcnow
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.taxonomy import IssueArea
from tests.ami.conftest import make_bridge
from tests.dispatch.redis_server import RedisServer
from tests.support.rq_worker import RqWorker

pytestmark = pytest.mark.postgres

NODE_NAME = f"cb{uuid.uuid4().hex[:8]}"
RQ_QUEUE = f"callbacks-test-{NODE_NAME}"
NODE = json.dumps([{"name": NODE_NAME, "host": "127.0.0.1", "port": 5038,
                    "username": "callcenter", "secret": "unused-by-the-worker"}])
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def worker(pg_url, redis_url, tmp_path_factory) -> Iterator[RqWorker]:
    env = {"CALLCENTER_DATABASE_URL": pg_url, "CALLCENTER_REDIS_URL": redis_url,
           "CALLCENTER_AMI_NODES": NODE}
    log = tmp_path_factory.mktemp("worker") / "rq.log"
    with RqWorker(redis_url, env, queues=(RQ_QUEUE,), log_path=log) as running:
        yield running


@pytest.fixture
def sync_redis(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    # Only our keys: the worker's registration must survive between tests.
    for key in client.scan_iter(f"live.{NODE_NAME}.*"):
        client.delete(key)
    client.close()


@pytest.fixture
async def pbx(committing_sessionmaker, sync_redis, redis_url):
    """The simulated Asterisk, the bridge of the node and its command server."""
    aredis = aioredis.Redis.from_url(redis_url)
    sim = AmiSimulator(speed=20)
    bridge = make_bridge(await sim.start(), redis=aredis, sessions=committing_sessionmaker,
                         name=NODE_NAME)
    tasks = [asyncio.create_task(bridge.run()),
             asyncio.create_task(CommandServer(bridge, aredis).run())]
    await asyncio.wait_for(bridge.up.wait(), 5)
    # The bridge's first full state (after its resync) says who is free.
    for _ in range(250):
        if await aredis.hget(f"live.{NODE_NAME}.queues", "trafficking"):
            break
        await asyncio.sleep(0.02)
    yield sim
    await bridge.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sim.stop()
    await aredis.aclose()


@pytest.fixture
def ctx(committing_sessionmaker, sync_redis) -> jobs.Context:
    return jobs.Context(committing_sessionmaker, sync_redis, (NODE_NAME,), BANGKOK,
                        command_timeout=3.0, interval=0.2, queue_name=RQ_QUEUE)


def add_request(sessions, **fields) -> int:
    values = {"number": "0812345678", "queue_name": "violence", "priority": 3,
              "language": "en", "issue_area": "family_violence", **fields}
    with sessions.begin() as session:
        row = CallbackRequest(**values)
        session.add(row)
        session.flush()
        return row.id


def add_case(sessions, *, phone: str, **flags) -> None:
    with sessions.begin() as session:
        user = agents.create_user(session, login=f"sw{utcnow().timestamp():.0f}",
                                  display_name="Social worker", password_hash="x",
                                  role=Role.AGENT)
        case = cases.open_case(session, created_by_id=user.id,
                               issue_area=IssueArea.FAMILY_VIOLENCE, **flags)
        session.add(CasePerson(case_id=case.id, role=PersonRole.VICTIM, phone=phone))


def request_row(sessions, callback_id) -> CallbackRequest:
    with sessions() as session:
        row = session.get(CallbackRequest, callback_id)
        assert row is not None
        return row


def originates(sim) -> list:
    return [m for m in sim.received if m.get("Action") == "Originate"]


async def until(predicate, timeout: float = 15.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = await asyncio.to_thread(predicate)
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def test_a_pending_request_is_called_back_when_an_agent_is_free(worker, pbx, ctx):
    callback_id = add_request(ctx.sessions)
    swept = await asyncio.to_thread(jobs.sweep, ctx)
    assert swept.enqueued == 1
    # The worker's job claims the row and asks the bridge to Originate.
    row = await until(lambda: (r := request_row(ctx.sessions, callback_id)).dial_action_id
                      and r)
    assert (row.status, row.attempts, row.dial_node) == (CallbackStatus.DIALLING, 1, NODE_NAME)
    sent = originates(pbx)[0]
    assert (sent.get("Channel"), sent.get("Context"), sent.get("Exten")) == (
        "PJSIP/0812345678@trunk-telco", "callback", "s")
    assert set(sent.get_all("Variable")) >= {
        f"CALLBACK_ID={callback_id}", "CALLBACK_QUEUE=violence", "IVR_PRIORITY=3",
        "IVR_LANGUAGE=en", "IVR_ISSUE=family_violence"}

    # The caller answers; the sweeper reads the outbound call's row and closes the request.
    def done():
        jobs.sweep(ctx)
        return request_row(ctx.sessions, callback_id).status is CallbackStatus.DONE
    await until(done)
    with ctx.sessions() as session:
        call = session.scalar(select(Call).where(Call.uniqueid == row.dial_action_id))
        assert call.answered_at is not None
        assert call.direction == "outbound"
    # Through [callback] the caller is queued again with the routing the IVR had chosen.
    def queued():
        with ctx.sessions() as session:
            call = session.scalar(select(Call).where(Call.uniqueid == row.dial_action_id))
            return call.queue_name and call
    call = await until(queued)
    assert (call.queue_name, call.ivr_language, call.priority) == ("violence", "en", 3)
    # A second sweep and a late duplicate job change nothing.
    await asyncio.to_thread(jobs.sweep, ctx)
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "not pending"
    assert len(originates(pbx)) == 1


async def test_a_number_whose_case_says_do_not_call_back_is_never_dialled(worker, pbx, ctx):
    add_case(ctx.sessions, phone="+66 81 234 5678", do_not_call_back=True)
    callback_id = add_request(ctx.sessions, number="0812345678")
    await asyncio.to_thread(jobs.sweep, ctx)
    row = await until(lambda: (r := request_row(ctx.sessions, callback_id)).status
                      is not CallbackStatus.PENDING and r)
    assert (row.status, row.last_error, row.attempts) == (
        CallbackStatus.CANCELLED, "do_not_call_back", 0)
    assert originates(pbx) == []


async def test_outside_the_cases_call_window_the_request_waits_for_it(pbx, ctx):
    now = utcnow()
    start = (now + timedelta(hours=3)).astimezone(BANGKOK)
    end = start + timedelta(hours=1)
    add_case(ctx.sessions, phone="0812345678",
             call_window=f"{start:%H:%M}-{end:%H:%M}")
    callback_id = add_request(ctx.sessions)
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "outside call window"
    row = request_row(ctx.sessions, callback_id)
    assert row.status is CallbackStatus.PENDING
    assert abs(row.next_attempt_at - now - timedelta(hours=3)) < timedelta(minutes=1)
    # Not due before then: the sweeper leaves it alone.
    assert (await asyncio.to_thread(jobs.sweep, ctx)).enqueued == 0
    assert originates(pbx) == []


async def test_a_case_that_withholds_the_caller_id_is_called_back_anonymously(pbx, ctx):
    add_case(ctx.sessions, phone="0812345678", withhold_caller_id=True)
    callback_id = add_request(ctx.sessions)
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "dialling"
    assert "CALLERID(pres)=prohib" in originates(pbx)[0].get_all("Variable")


async def test_nobody_is_dialled_while_every_agent_of_the_queue_is_busy(pbx, ctx):
    for interface in ("Local/agent1@agents/n", "Local/agent2@agents/n"):
        member = pbx.members[("violence", interface)]
        member.paused, member.reason = True, "lunch"
        pbx._member_event("QueueMemberPause", "violence", member)
    callback_id = add_request(ctx.sessions)

    def paused():
        raw = ctx.redis.hget(f"live.{NODE_NAME}.queues", "violence")
        return raw is not None and json.loads(raw)["available"] == 0
    await until(paused)
    assert (await asyncio.to_thread(jobs.sweep, ctx)).enqueued == 0
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "no agent free"
    assert request_row(ctx.sessions, callback_id).status is CallbackStatus.PENDING


async def test_a_busy_line_is_tried_again_later_then_given_up(pbx, ctx):
    pbx.lines["0812345678"] = "busy"
    callback_id = add_request(ctx.sessions, attempts=callbacks.MAX_ATTEMPTS - 2)
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "dialling"

    def settled():
        jobs.sweep(ctx)
        return request_row(ctx.sessions, callback_id).status is not CallbackStatus.DIALLING
    await until(settled)
    row = request_row(ctx.sessions, callback_id)
    assert (row.status, row.attempts, row.last_error) == (
        CallbackStatus.PENDING, callbacks.MAX_ATTEMPTS - 1, "busy")
    assert row.next_attempt_at > utcnow() + timedelta(minutes=1)
    # The last allowed attempt fails too: the request is given up, for a person to see.
    with ctx.sessions.begin() as session:
        session.get(CallbackRequest, callback_id).next_attempt_at = None
    assert await asyncio.to_thread(jobs.place, ctx, callback_id) == "dialling"
    await until(settled)
    row = request_row(ctx.sessions, callback_id)
    assert (row.status, row.attempts) == (CallbackStatus.FAILED, callbacks.MAX_ATTEMPTS)
    assert row.done_at is not None


async def test_the_worker_process_sweeps_and_places_call_backs_on_its_own(
        pg_url, redis_url, pbx, ctx, tmp_path):
    env = {**os.environ, "CALLCENTER_DATABASE_URL": pg_url, "CALLCENTER_REDIS_URL": redis_url,
           "CALLCENTER_AMI_NODES": NODE, "CALLCENTER_LOG_LEVEL": "INFO"}
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "callcenter.worker"], env=env,
                               stdout=log, stderr=log, start_new_session=True)
    try:
        callback_id = add_request(ctx.sessions, queue_name="trafficking", priority=5)
        try:
            row = await until(lambda: (r := request_row(ctx.sessions, callback_id)).status
                              is CallbackStatus.DONE and r, timeout=45)
        except AssertionError:
            print((tmp_path / "worker.log").read_text()[-4000:])
            raise
        assert row.attempts == 1
        assert originates(pbx)[0].get("Channel") == "PJSIP/0812345678@trunk-telco"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
