"""Faults: a worker killed mid-delivery, Redis restarted with jobs queued, the database
briefly down. Each delays an alert; none loses it or shows it twice."""

from __future__ import annotations

import time

import pytest
import redis
from rq import Queue
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from callcenter.db import session_scope
from callcenter.dispatch.delivery import enqueue, jobs, outbox, relay
from callcenter.dispatch.models import Alert, AlertAttempt, AlertStatus
from callcenter.provinces.models import AlertChannel
from tests.dispatch.conftest import as_env, wait_for
from tests.dispatch.test_delivery import attempts, delivered, send
from tests.support.rq_worker import RqWorker

pytestmark = pytest.mark.usefixtures("fresh")


@pytest.fixture
def start_worker(pg_url, values, redis_server, tmp_path):
    started: list[RqWorker] = []

    def start() -> RqWorker:
        url = redis_server.url
        w = RqWorker(url, as_env(values, pg_url, url), log_path=tmp_path / "worker.log").start()
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def only_alert(ctx, dispatch_id) -> Alert:
    with ctx.sessions() as session:
        return session.scalars(select(Alert).where(Alert.dispatch_id == dispatch_id)).one()


def test_a_worker_killed_mid_delivery_is_replaced_and_the_unit_sees_one_sms(
        ctx, providers, start_worker, run_relay):
    providers.script = ["hang"]
    first = start_worker()
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66844444444")])
    assert providers.arrived.wait(10)
    first.kill()  # worker and work horse, while the gateway holds the request
    killed_at = time.monotonic()
    assert only_alert(ctx, dispatch_id).status is AlertStatus.SENDING

    start_worker()
    run_relay(ctx)
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=20)
    # Taken back once the 3 s lease ran out, not after RQ's abandoned-job detection.
    assert time.monotonic() - killed_at < 10
    tries = attempts(ctx, only_alert(ctx, dispatch_id).id)
    assert [t.finished_at is None for t in tries] == [True, False]
    assert tries[-1].succeeded
    keys = providers.keys("/sms")
    assert len(keys) == 1 and sum(keys.values()) == 2


def test_jobs_lost_in_a_redis_restart_are_enqueued_again_from_the_outbox(
        ctx, providers, redis_server, start_worker, run_relay):
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66855555555")])
    assert Queue(enqueue.QUEUE_NAME, connection=ctx.redis).count == 1
    redis_server.restart()  # no append-only file: the queued job is gone
    fresh_client = redis.Redis.from_url(redis_server.url)
    assert Queue(enqueue.QUEUE_NAME, connection=fresh_client).count == 0
    start_worker()
    run_relay(jobs.Context(ctx.settings, ctx.sessions, fresh_client))
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=20)
    assert sum(providers.keys("/sms").values()) == 1
    fresh_client.close()


def test_a_relay_survives_redis_being_down_and_delivers_when_it_returns(
        ctx, providers, redis_server, start_worker, run_relay):
    redis_server.stop()
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66866666666")])  # enqueue is deferred
    run_relay(ctx)
    time.sleep(1)
    redis_server.start()
    start_worker()
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=20)


@pytest.fixture
def database_down(config):
    """A sessionmaker for a PostgreSQL that refuses connections (nothing listens on port 9)."""
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none",
                           connect_args={"connect_timeout": 1})
    yield sessionmaker(engine)
    engine.dispose()


def test_a_job_run_while_the_database_is_down_fails_and_leaves_the_alert_owed(
        ctx, providers, database_down):
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66877777777")])
    alert = only_alert(ctx, dispatch_id)
    down = jobs.Context(ctx.settings, database_down, ctx.redis)
    with pytest.raises(OperationalError):
        jobs.deliver(down, alert.id)
    assert providers.requests == []  # nothing is sent before the claim is recorded
    assert only_alert(ctx, dispatch_id).status is AlertStatus.PENDING
    assert jobs.deliver(ctx, alert.id) == "delivered"


def test_the_relay_skips_a_pass_while_the_database_is_down(ctx, database_down):
    down = jobs.Context(ctx.settings, database_down, ctx.redis)
    with pytest.raises(OperationalError):
        relay.sweep(down)
    import threading
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(down, stop))
    thread.start()
    time.sleep(0.3)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()  # it kept looping instead of dying, and stopped on request


def test_a_send_whose_result_could_not_be_recorded_is_resent_under_the_same_key(
        ctx, providers, monkeypatch):
    dispatch_id, _ = send(ctx, [(AlertChannel.LINE, "Uunit")])
    alert = only_alert(ctx, dispatch_id)

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE alerts", {}, Exception("server closed the connection"))

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "record_success", database_gone)
        with pytest.raises(OperationalError):
            jobs.deliver(ctx, alert.id)
    assert only_alert(ctx, dispatch_id).status is AlertStatus.SENDING
    # After the lease the alert is owed again; LINE recognises the retry key (409).
    time.sleep(ctx.settings.alert_lease_seconds)
    assert jobs.deliver(ctx, alert.id) == "delivered"
    assert list(providers.keys("/message/push").values()) == [2]
    with ctx.sessions() as session:
        last = session.scalars(select(AlertAttempt).where(AlertAttempt.alert_id == alert.id)
                               .order_by(AlertAttempt.id.desc())).first()
    assert last.succeeded and last.provider_reference == "line-1"


def test_the_committed_dispatch_is_owed_even_if_nothing_was_enqueued(ctx, providers):
    with session_scope(ctx.sessions) as session:
        from callcenter.dispatch import service
        from tests.support import builders
        world = builders.world(session, [(AlertChannel.SMS, "+66888888888")])
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=ctx.settings)
    # The process died between commit and enqueue: the relay's sweep finds the row.
    assert relay.sweep(ctx).enqueued == 0  # the fast path may still be on its way
    result = relay.sweep(ctx, overdue_by=0)
    assert result.enqueued == 1
    assert relay.sweep(ctx, overdue_by=0).enqueued == 0  # already queued: not twice
    assert only_alert(ctx, dispatch.id).status is AlertStatus.PENDING


def test_a_job_taken_by_a_worker_that_died_before_starting_it_is_enqueued_again(
        ctx, redis_server):
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66899999999")])
    alert = only_alert(ctx, dispatch_id)
    queue = Queue(enqueue.QUEUE_NAME, connection=ctx.redis)
    job_id = enqueue.alert_job_id(alert.id, 0)
    # What a worker does when it dequeues: the id leaves the queue for RQ's intermediate
    # list; then the worker is killed before the job starts.
    ctx.redis.lrem(queue.key, 0, job_id)
    ctx.redis.rpush(queue.key + ":intermediate", job_id)
    assert not enqueue.enqueue_alert(ctx.redis, alert.id, 0, stale_after=60)
    assert enqueue.enqueue_alert(ctx.redis, alert.id, 0, stale_after=0)
    assert queue.get_job_ids() == [job_id]


def test_an_smtp_server_that_is_down_is_recorded_and_retried(ctx):
    dispatch_id, _ = send(ctx, [(AlertChannel.EMAIL, "rru@province.test")])
    alert = only_alert(ctx, dispatch_id)
    from tests.dispatch.fakes import free_port
    closed = jobs.Context(ctx.settings.model_copy(update={"smtp_port": free_port()}),
                          ctx.sessions, ctx.redis)
    assert jobs.deliver(closed, alert.id) == "failed"
    (attempt,) = attempts(ctx, alert.id)
    assert attempt.error == "smtp: ConnectionRefusedError"
    assert only_alert(ctx, dispatch_id).status is AlertStatus.PENDING


def test_the_relay_escalates_when_the_escalation_timer_was_lost(ctx):
    quick = jobs.Context(ctx.settings.model_copy(update={"ack_timeout_normal_seconds": 0.5}),
                         ctx.sessions, ctx.redis)
    dispatch_id, _ = send(quick, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66800")])
    for key in ctx.redis.scan_iter("rq:*"):  # Redis lost everything: no timer, no job
        ctx.redis.delete(key)
    time.sleep(0.6)
    result = relay.sweep(quick)
    assert result.escalated == [dispatch_id]
    with ctx.sessions() as session:
        channels = list(session.scalars(select(Alert.channel).where(
            Alert.dispatch_id == dispatch_id).order_by(Alert.id)))
    assert channels == [AlertChannel.CONSOLE, AlertChannel.SMS]
    # Both owed alerts (the lost one and the new rung) are queued at once, not a pass later.
    assert len(Queue(enqueue.QUEUE_NAME, connection=ctx.redis).get_job_ids()) == 2
