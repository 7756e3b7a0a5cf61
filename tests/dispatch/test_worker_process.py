"""``callcenter worker`` itself (not a bare ``rq worker``) through faults: the database
briefly unreachable, and Redis restarted while jobs are queued. Alerts are delayed, never
lost, never shown twice; the process keeps running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from callcenter.dispatch.delivery import enqueue
from callcenter.dispatch.delivery.jobs import Context
from callcenter.dispatch.models import Alert, AlertStatus
from callcenter.provinces.models import AlertChannel
from tests.dispatch.conftest import as_env, provider_values, wait_for
from tests.dispatch.tcp_proxy import TcpProxy
from tests.dispatch.test_delivery import alerts, delivered, send
from tests.dispatch.worker_process import WorkerProcess

pytestmark = pytest.mark.usefixtures("fresh")


@pytest.fixture(scope="module")
def values(providers, smtp_port) -> dict:
    # A provider that takes 1.5 s keeps the worker busy while more alerts queue up.
    return provider_values(providers, smtp_port, provider_timeout_seconds=3.0,
                           alert_lease_seconds=6.0)


@pytest.fixture
def proxy(pg_url) -> Iterator[TcpProxy]:
    port = int(pg_url.rsplit(":", 1)[1].split("/", 1)[0])
    running = TcpProxy(port)
    yield running
    running.close()


def through(pg_url: str, proxy: TcpProxy) -> str:
    host_port, database = pg_url.rsplit("@", 1)[1].split("/", 1)
    return pg_url.replace(f"@{host_port}/{database}", f"@127.0.0.1:{proxy.port}/{database}")


@pytest.fixture
def start(values, redis_server, tmp_path) -> Iterator:
    started: list[WorkerProcess] = []

    def run(database_url: str) -> WorkerProcess:
        env = as_env(values, database_url, redis_server.url)
        worker = WorkerProcess(env, tmp_path / "worker.log").start()
        started.append(worker)
        return worker

    yield run
    for worker in started:
        worker.stop()


def owed_alert(ctx, dispatch_id) -> Alert:
    with ctx.sessions() as session:
        return session.scalars(select(Alert).where(Alert.dispatch_id == dispatch_id)).one()


def test_an_alert_sent_while_the_database_is_unreachable_goes_out_once_it_is_back(
        ctx, providers, pg_url, proxy, start):
    worker = start(through(pg_url, proxy))
    proxy.cut()  # the worker's database goes away; the test's own connection does not
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66811111111")])
    failed = FailedJobRegistry(enqueue.QUEUE_NAME, connection=ctx.redis)
    wait_for(lambda: failed.count >= 1, timeout=30)  # the job ran and could not claim
    assert providers.requests == []  # nothing is sent without a recorded claim
    alert = owed_alert(ctx, dispatch_id)
    assert (alert.status, alert.attempt_count) == (AlertStatus.PENDING, 0)
    assert worker.alive

    proxy.restore()
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=30)
    assert list(providers.keys("/sms").values()) == [1]
    assert worker.alive, worker.log()


def test_a_running_worker_survives_a_redis_restart_with_jobs_queued(
        ctx, providers, pg_url, redis_server, start):
    import redis as redis_lib

    worker = start(pg_url)
    providers.mode, providers.slow_seconds = "slow", 1.5
    sent = [send(ctx, [(AlertChannel.SMS, f"+6682000000{n}")])[0] for n in range(4)]
    assert providers.arrived.wait(15)
    # One alert is being sent; the others wait in the queue that is about to vanish.
    assert Queue(enqueue.QUEUE_NAME, connection=ctx.redis).count >= 1
    redis_server.restart()  # as shipped: no append-only file, the queue is gone
    pid = worker.process.pid
    fresh = redis_lib.Redis.from_url(redis_server.url)
    assert Queue(enqueue.QUEUE_NAME, connection=fresh).count == 0
    providers.mode = "ok"
    for dispatch_id in sent:
        wait_for(lambda d=dispatch_id: delivered(ctx, d), timeout=60)
    keys = providers.keys("/sms")
    assert len(keys) == 4 and set(keys.values()) == {1}, keys  # none lost, none twice
    assert worker.alive and worker.process.pid == pid, worker.log()

    # And it still takes new work from the fast path.
    after = send(Context(ctx.settings, ctx.sessions, fresh),
                 [(AlertChannel.SMS, "+66829999999")])[0]
    wait_for(lambda: delivered(ctx, after), timeout=30)
    assert [a.status for a in alerts(ctx, after)] == [AlertStatus.DELIVERED]
    fresh.close()
