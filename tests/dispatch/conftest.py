"""Fixtures for dispatch: fake providers, a throwaway Redis, a real RQ worker, the relay.

The worker is started once per module with settings given through the environment,
exactly as production gives them; the test process builds the same settings from the
same values, so both sides agree on which contacts are reachable.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
import redis
from rq import Queue, Worker
from rq.worker import WorkerStatus
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from callcenter.dispatch import policy
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.delivery import relay
from callcenter.dispatch.delivery.jobs import Context
from callcenter.dispatch.models import Alert, AlertStatus, AlertTest, Dispatch, DispatchStatus
from tests.dispatch.fakes import FakeBridge, FakeProviders, FakeSmtp, free_port
from tests.dispatch.redis_server import RedisServer
from tests.support.rq_worker import RqWorker


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s")


def provider_values(providers: FakeProviders, smtp_port: int, **extra: object) -> dict:
    return {
        "console_base_url": "https://console.example.test",
        "sms_gateway_url": f"{providers.url}/sms",
        "sms_gateway_token": "test-sms-token",
        "line_api_url": providers.url,
        "line_channel_token": "test-line-token",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "provider_timeout_seconds": 1.0,
        "voice_node": "test",
        "voice_reply_timeout_seconds": 1.0,
        "alert_lease_seconds": 3.0,
        "retry_base_seconds": 0.3,
        "retry_max_seconds": 1.0,
        "max_attempts": 6,
        "relay_interval_seconds": 0.5,
        # Short for HIGH only: the escalation test uses HIGH, the others NORMAL.
        "ack_timeout_high_seconds": 2.0,
        # One rung at a time (the phone beside the console is tested without a worker).
        "phone_with_console_urgencies": [],
        **extra,
    }


def as_env(values: dict, database_url: str, redis_url: str) -> dict[str, str]:
    # Lists go as JSON, which is how pydantic-settings reads them from the environment.
    env = {f"CALLCENTER_{k.upper()}": json.dumps(v) if isinstance(v, list) else str(v)
           for k, v in values.items()}
    env |= {"CALLCENTER_DATABASE_URL": database_url, "CALLCENTER_REDIS_URL": redis_url}
    return env


@pytest.fixture(scope="module")
def providers() -> Iterator[FakeProviders]:
    server = FakeProviders()
    yield server
    server.close()


@pytest.fixture(scope="module")
def smtp(smtp_port: int) -> Iterator[FakeSmtp]:
    # aiosmtpd must be in the dev dependencies; without it only the e-mail tests skip.
    pytest.importorskip("aiosmtpd")
    server = FakeSmtp(smtp_port)
    yield server
    server.close()


@pytest.fixture(scope="module")
def smtp_port() -> int:
    """Where the e-mail tests' SMTP server listens (chosen before the worker starts)."""
    return free_port()


@pytest.fixture(scope="module")
def values(providers: FakeProviders, smtp_port: int) -> dict:
    return provider_values(providers, smtp_port)


@pytest.fixture(scope="module")
def config(values: dict) -> DispatchSettings:
    return DispatchSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rq_redis(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def worker(pg_url: str, values: dict, redis_server: RedisServer,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[RqWorker]:
    log = tmp_path_factory.mktemp("rq") / "worker.log"
    url = redis_server.url
    with RqWorker(url, as_env(values, pg_url, url), log_path=log) as running:
        yield running


@pytest.fixture
def fresh(providers: FakeProviders) -> Iterator[None]:
    providers.reset()
    yield


@pytest.fixture
def ctx(config: DispatchSettings, committing_sessionmaker: sessionmaker[Session],
        rq_redis: redis.Redis) -> Iterator[Context]:
    context = Context(config, committing_sessionmaker, rq_redis)
    yield context
    quiesce(context)


def quiesce(context: Context) -> None:
    """Leave nothing owed and let the worker go idle, so emptying the tables never races it.

    (TRUNCATE under a worker that is mid-transaction ends in a deadlock.)
    """
    with context.sessions() as session, session.begin():
        session.execute(update(Alert).where(Alert.status.in_(
            (AlertStatus.PENDING, AlertStatus.SENDING))).values(status=AlertStatus.CANCELLED))
        session.execute(update(Dispatch).where(Dispatch.status.in_(policy.AWAITING_UNIT))
                        .values(status=DispatchStatus.DECLINED))
        session.execute(update(AlertTest).where(AlertTest.status.in_(
            (AlertStatus.PENDING, AlertStatus.SENDING))).values(status=AlertStatus.CANCELLED))
    try:
        for queue in Queue.all(connection=context.redis):
            queue.empty()
            for job_id in queue.scheduled_job_registry.get_job_ids():
                queue.scheduled_job_registry.remove(job_id, delete_job=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # A killed worker stays registered as busy until its key expires: skip the dead.
            if all(w.get_state() != WorkerStatus.BUSY or not psutil.pid_exists(w.pid)
                   for w in Worker.all(connection=context.redis)):
                break
            time.sleep(0.05)
        # Ids restart with the emptied tables: the last test's dispatch 1 is not the next's
        # (nor its unit 1 the next's, whose console nobody may be watching).
        for pattern in ("snapshot:*", "presence:*"):
            for key in context.redis.scan_iter(pattern):
                context.redis.delete(key)
    except redis.RedisError:
        pass  # the test stopped Redis: no worker can be busy on it


@pytest.fixture
def bridge(redis_server: RedisServer) -> Iterator[FakeBridge]:
    fake = FakeBridge(redis_server.url)
    yield fake
    fake.close()


@pytest.fixture
def run_relay() -> Iterator[Callable[[Context], None]]:
    """Start the relay loop in a thread; it is stopped at the end of the test."""
    stops: list[tuple[threading.Event, threading.Thread]] = []

    def start(context: Context) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(context, stop), daemon=True)
        thread.start()
        stops.append((stop, thread))

    yield start
    for stop, thread in stops:
        stop.set()
        thread.join(timeout=5)


def log_tail(path: Path) -> str:
    return path.read_text()[-3000:] if path.exists() else ""
