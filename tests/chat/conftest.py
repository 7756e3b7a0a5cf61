"""The LINE chat end to end: the simulated LINE platform over real HTTP, the console in a
uvicorn process receiving its webhooks, a real ``rq worker`` applying the events and
sending the answers, and the relay as a thread of the test.

Redis is a throwaway server of this module (as in tests/dispatch): other suites flush the
shared test database at will, which would wipe the worker's registration and queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from callcenter.chat import jobs
from callcenter.chat.config import LineSettings
from callcenter.chat.models import ChatMessage, LineWebhookEvent, SendState
from callcenter.simulators.line import LineSimulator
from tests.dispatch.redis_server import RedisServer
from tests.support.rq_worker import RqWorker
from tests.support.web_stack import WebProcess

SECRET = "chat-test-secret"
TOKEN = "chat-test-token"


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(scope="module")
def simulator() -> Iterator[LineSimulator]:
    sim = LineSimulator(channel_secret=SECRET, channel_token=TOKEN).start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def line_values(simulator: LineSimulator, tmp_path_factory) -> dict[str, str]:
    return {
        "CALLCENTER_LINE_CHANNEL_SECRET": SECRET, "CALLCENTER_LINE_CHANNEL_TOKEN": TOKEN,
        "CALLCENTER_LINE_API_BASE_URL": simulator.url,
        "CALLCENTER_LINE_DATA_API_BASE_URL": simulator.url,
        "CALLCENTER_LINE_TIMEOUT_SECONDS": "2", "CALLCENTER_LINE_SEND_LEASE_SECONDS": "5",
        "CALLCENTER_LINE_RETRY_BASE_SECONDS": "0.2", "CALLCENTER_LINE_RETRY_MAX_SECONDS": "0.5",
        "CALLCENTER_LINE_IMAGE_MAX_BYTES": str(64 * 1024),
        "CALLCENTER_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }


@pytest.fixture(scope="module")
def line_settings(line_values: dict[str, str]) -> LineSettings:
    values = {k.removeprefix("CALLCENTER_").lower(): v for k, v in line_values.items()
              if k.startswith("CALLCENTER_LINE_")}
    return LineSettings(_env_file=None, **values)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def web(pg_url, redis_url, line_values, simulator) -> Iterator[WebProcess]:
    process = WebProcess(database_url=pg_url, redis_url=redis_url, env=line_values).start()
    simulator.webhook_url = process.url + "/line/webhook"
    yield process
    process.stop()


@pytest.fixture(scope="module")
def worker(pg_url, redis_url, line_values, tmp_path_factory) -> Iterator[RqWorker]:
    env = {"CALLCENTER_DATABASE_URL": pg_url, "CALLCENTER_REDIS_URL": redis_url,
           **line_values}
    log = tmp_path_factory.mktemp("rq") / "worker.log"
    with RqWorker(redis_url, env, queues=(jobs.QUEUE_NAME,), log_path=log) as running:
        yield running


@pytest.fixture
def ctx(line_settings, committing_sessionmaker, redis_url, line_values) -> Iterator[jobs.Context]:
    client = redis.Redis.from_url(redis_url)
    yield jobs.Context(line_settings, committing_sessionmaker, client,
                       Path(line_values["CALLCENTER_DATA_DIR"]))
    client.close()


@pytest.fixture
def chat(web, worker, simulator, ctx) -> Iterator[LineSimulator]:
    """Everything running, the relay too; at the end nothing left owed (so emptying the
    tables never races the worker)."""
    simulator.reset()
    stop = threading.Event()
    relay = threading.Thread(target=jobs.run, args=(ctx, stop), daemon=True)
    relay.start()
    yield simulator
    simulator.reset()
    wait_for(lambda: settled(ctx), timeout=20)
    stop.set()
    relay.join(5)


def settled(ctx: jobs.Context) -> bool:
    with ctx.sessions() as session:
        unapplied = session.scalar(select(LineWebhookEvent.id).where(
            LineWebhookEvent.processed_at.is_(None)).limit(1))
        owed = session.scalar(select(ChatMessage.id).where(ChatMessage.send_state.in_(
            (SendState.PENDING, SendState.SENDING))).limit(1))
    return unapplied is None and owed is None
