"""The call-back sweeper and job against PostgreSQL and Redis, no PBX: queueing by free
agents, a bridge that never answers, attempts that never report back.

Redis is a throwaway server of this module: suites running at the same time flush the
shared test db 13, which would empty the RQ queues these tests look at.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from rq import Queue
from rq.job import Job, JobStatus

from callcenter.calls import callbacks, jobs
from callcenter.calls.models import Call, CallbackRequest, CallbackStatus
from callcenter.db import utcnow
from tests.dispatch.redis_server import RedisServer

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def ctx(committing_sessionmaker, redis_url) -> Iterator[jobs.Context]:
    node = f"cb{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    context = jobs.Context(committing_sessionmaker, client, (node,), ZoneInfo("Asia/Bangkok"),
                           command_timeout=1.0, queue_name=f"callbacks-test-{node}")
    yield context
    Queue(context.queue_name, connection=client).empty()
    for key in client.scan_iter(f"*{node}*"):
        client.delete(key)
    client.close()


def live_queue(ctx, name: str, *, available: int, waiting: int = 0) -> None:
    payload = {"name": name, "available": available,
               "waiting": [{"uniqueid": f"w{i}"} for i in range(waiting)]}
    ctx.redis.hset(f"live.{ctx.nodes[0]}.queues", name, json.dumps(payload))


def add_request(ctx, **fields) -> int:
    values = {"number": "0812345678", "queue_name": "violence", "priority": 3, **fields}
    with ctx.sessions.begin() as session:
        row = CallbackRequest(**values)
        session.add(row)
        session.flush()
        return row.id


def get(ctx, callback_id) -> CallbackRequest:
    with ctx.sessions() as session:
        return session.get(CallbackRequest, callback_id)


def queued_ids(ctx) -> list[str]:
    return Queue(ctx.queue_name, connection=ctx.redis).job_ids


def test_only_as_many_call_backs_as_free_agents_are_queued_most_urgent_first(ctx):
    live_queue(ctx, "violence", available=3, waiting=1)  # two agents free for call backs
    low = add_request(ctx, priority=1)
    high = add_request(ctx, priority=8)
    older = add_request(ctx, priority=3)
    newer = add_request(ctx, priority=3)
    other_queue = add_request(ctx, queue_name="welfare")  # nobody logged in there
    result = jobs.sweep(ctx)
    assert result.enqueued == 2
    assert queued_ids(ctx) == [jobs.job_id(high, 0), jobs.job_id(older, 0)]
    # A second sweep does not queue the same attempts again.
    assert jobs.sweep(ctx).enqueued == 0
    assert {low, newer, other_queue}.isdisjoint(int(i.split("-")[1]) for i in queued_ids(ctx))


def test_a_bridge_that_does_not_answer_puts_the_request_back_for_later(ctx):
    live_queue(ctx, "violence", available=1)
    callback_id = add_request(ctx)
    assert jobs.place(ctx, callback_id) == "timeout"
    row = get(ctx, callback_id)
    assert (row.status, row.attempts, row.last_error) == (
        CallbackStatus.PENDING, 1, "bridge_timeout")
    assert row.next_attempt_at > utcnow()
    assert jobs.place(ctx, callback_id) == "not due"


def test_an_attempt_that_never_reports_back_counts_as_failed(ctx):
    live_queue(ctx, "violence", available=1)
    callback_id = add_request(ctx)
    now = utcnow()
    with ctx.sessions.begin() as session:
        assert callbacks.claim(session, callback_id, node=ctx.nodes[0], now=now)
    assert jobs.sweep(ctx, now=now + timedelta(seconds=30)).settled == {"pending": 1}
    later = now + callbacks.DIAL_RESULT_WITHIN + timedelta(seconds=1)
    assert jobs.sweep(ctx, now=later).settled == {"failed": 1}
    row = get(ctx, callback_id)
    assert (row.status, row.last_error) == (CallbackStatus.PENDING, "no_result")


def test_the_request_is_linked_to_its_call_once_the_bridge_wrote_it(ctx):
    live_queue(ctx, "violence", available=0)
    callback_id = add_request(ctx, call_uniqueid="1795345559.1", call_node=ctx.nodes[0])
    assert jobs.place(ctx, callback_id) == "no agent free"
    assert get(ctx, callback_id).call_id is None
    with ctx.sessions.begin() as session:
        session.add(Call(node=ctx.nodes[0], uniqueid="1795345559.1", started_at=utcnow()))
    jobs.place(ctx, callback_id)
    with ctx.sessions() as session:
        call_id = session.query(Call.id).filter(Call.uniqueid == "1795345559.1").scalar()
    assert get(ctx, callback_id).call_id == call_id


def test_a_request_without_a_usable_number_fails_at_once(ctx):
    live_queue(ctx, "violence", available=1)
    callback_id = add_request(ctx, number="12")
    assert jobs.place(ctx, callback_id) == "no number"
    assert get(ctx, callback_id).status is CallbackStatus.FAILED


def test_a_job_that_failed_before_claiming_the_row_does_not_hold_the_request_back(ctx):
    live_queue(ctx, "violence", available=1)
    callback_id = add_request(ctx)
    assert jobs.sweep(ctx).enqueued == 1
    job = Job.fetch(jobs.job_id(callback_id, 0), connection=ctx.redis)
    # As RQ leaves a job whose work horse died: failed, kept for inspection.
    Queue(ctx.queue_name, connection=ctx.redis).remove(job)
    job.set_status(JobStatus.FAILED)
    assert jobs.sweep(ctx).enqueued == 1
    assert queued_ids(ctx) == [jobs.job_id(callback_id, 0)]


def dialled(ctx, **call_fields) -> tuple[int, datetime]:
    """A claimed request whose outbound call the bridge wrote with ``call_fields``."""
    live_queue(ctx, "violence", available=1)
    callback_id = add_request(ctx)
    now = utcnow()
    with ctx.sessions.begin() as session:
        assert callbacks.claim(session, callback_id, node=ctx.nodes[0], now=now)
        row = session.get(CallbackRequest, callback_id)
        row.dial_action_id = f"act-{callback_id}"
        session.add(Call(node=ctx.nodes[0], uniqueid=row.dial_action_id, started_at=now,
                         direction="outbound", **call_fields))
    return callback_id, now


def test_an_answering_machine_is_not_a_reached_caller_and_is_tried_again(ctx):
    now = utcnow()
    callback_id, _ = dialled(ctx, answered_at=now, ended_at=now + timedelta(seconds=40),
                             outcome="answered")
    assert jobs.sweep(ctx).settled == {"failed": 1}
    row = get(ctx, callback_id)
    assert (row.status, row.last_error) == (CallbackStatus.PENDING, "no_key_pressed")
    assert row.next_attempt_at is not None and row.done_at is None


def test_a_person_who_pressed_1_is_done(ctx):
    now = utcnow()
    callback_id, _ = dialled(ctx, answered_at=now, queued_at=now + timedelta(seconds=8))
    assert jobs.sweep(ctx).settled == {"reached": 1}
    assert get(ctx, callback_id).status is CallbackStatus.DONE


def test_a_greeting_in_progress_is_waited_for_then_given_up(ctx):
    now = utcnow()
    callback_id, claimed = dialled(ctx, answered_at=now)
    # Past the "no call record" limit, but the call exists and is at the greeting.
    later = claimed + callbacks.DIAL_RESULT_WITHIN + timedelta(seconds=1)
    assert jobs.sweep(ctx, now=later).settled == {"pending": 1}
    much_later = claimed + callbacks.REACHED_WITHIN + timedelta(seconds=1)
    assert jobs.sweep(ctx, now=much_later).settled == {"failed": 1}
    assert get(ctx, callback_id).last_error == "no_result"


def test_a_booking_waits_for_the_ivr_to_confirm_it_then_may_be_withdrawn(ctx):
    live_queue(ctx, "violence", available=1)
    now = utcnow()
    with ctx.sessions.begin() as session:
        callback_id = callbacks.book(session, call_uniqueid="1795345559.3", call_node=None,
                                     number="0812345678", queue="violence", priority=5,
                                     language="th", issue=None, now=now)
    assert jobs.sweep(ctx, now=now).enqueued == 0  # not due during the grace
    with ctx.sessions.begin() as session:
        assert callbacks.withdraw(session, callback_id, now=now)
        assert not callbacks.withdraw(session, callback_id, now=now)  # once
    row = get(ctx, callback_id)
    assert (row.status, row.last_error) == (CallbackStatus.CANCELLED, "not_confirmed")
    later = now + callbacks.CONFIRM_GRACE + timedelta(seconds=1)
    assert jobs.sweep(ctx, now=later).enqueued == 0
