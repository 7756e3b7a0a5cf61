"""The wallboard tests' own Redis server, bridge snapshots in it, and a stand-in bridge.

Rows (calls, dispatches, users) come from ``tests.support.builders``.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
import redis as redis_lib

from tests.agent_console.conftest import (  # noqa: F401
    app,
    client,
    csrf_from,
    make_app,
    sign_in,
)
from tests.support.builders import LIVE_NODE
from tests.support.web_stack import RedisServer

# Not pbx1: other suites run bridges for pbx1 against the same Redis.
NODE = LIVE_NODE


def put_live(redis, kind: str, ident: str, payload: dict, node: str = NODE) -> None:
    redis.hset(f"live.{node}.{kind}s", ident, json.dumps({"node": node, **payload}))


def link(redis, state: str = "up", since: datetime | None = None, node: str = NODE, *,
         heartbeat: datetime | None = None, expire: float | None = 15) -> None:
    """The link key as the bridge writes it: with a heartbeat and an expiry (docs/ami.md)."""
    now = datetime.now(UTC)
    redis.set(f"bridge.{node}.link", json.dumps({
        "node": node, "state": state, "fault": None,
        "since": (since or now).isoformat(), "heartbeat": (heartbeat or now).timestamp()}),
        px=int(expire * 1000) if expire else None)


def agent_payload(interface: str, name: str, status: str, queues: dict, **extra) -> dict:
    return {"interface": interface, "name": name, "status": status,
            "paused_reason": extra.pop("paused_reason", None),
            "changed_at": extra.pop("changed_at", datetime.now(UTC).isoformat()),
            "current_call": extra.pop("current_call", None), "ringing_call": None,
            "channel": extra.pop("channel", None),
            "state_interface": interface.removesuffix("/n"),
            "queues": {q: {"paused": p, "paused_reason": extra.get("reason") if p else None}
                       for q, p in queues.items()}}


class FakeBridge:
    """Answers PBX commands for one node the way the bridge's CommandServer does."""

    def __init__(self, redis, node: str = NODE, status: str = "ok", message: str = "") -> None:
        self.redis, self.node, self.status, self.message = redis, node, status, message
        self.received: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            got = self.redis.brpop([f"bridge.{self.node}.commands"], timeout=0.2)
            if not got:
                continue
            request = json.loads(got[1])
            self.received.append(request)
            self.redis.rpush(f"bridge.reply.{request['id']}",
                             json.dumps({"status": self.status, "message": self.message,
                                         "data": {}}))

    def __enter__(self) -> FakeBridge:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)


@pytest.fixture(scope="session")
def wallboard_redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(wallboard_redis_server):
    """Keys on a Redis server of this suite's own: other suites running at the same time
    on the shared server set bridge links and flush databases under our feet."""
    keys = redis_lib.Redis.from_url(wallboard_redis_server.url)
    keys.flushdb()
    yield keys
    keys.flushdb()
    keys.close()


@pytest.fixture
def fake_bridge(redis_client):
    with FakeBridge(redis_client) as bridge:
        yield bridge


@pytest.fixture
def supervisor_client(request):
    signed_in = request.getfixturevalue("client")
    assert sign_in(signed_in, "supervisor").status_code == 303
    return signed_in
