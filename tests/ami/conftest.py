"""Real Redis (a db number of its own, flushed) and the lead's PostgreSQL fixtures."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os

import pytest
import redis.asyncio as aioredis

from callcenter.ami.bridge.node import Bridge, NodeConfig, Timing
from callcenter.ami.bridge.sink import RecordWriter, Sink

AMI_REDIS_URL = os.environ.get("CALLCENTER_TEST_AMI_REDIS_URL", "redis://127.0.0.1:6379/11")
# Several test runs may share the Redis server at once: each run names its own node, and
# only that node's keys and messages are looked at or deleted.
NODE = f"pbx{os.getpid()}"


async def _forget_node(client) -> None:
    # "pbx1": the default name of make_bridge, which other packages' tests use.
    for node in (NODE, "pbx1"):
        async for key in client.scan_iter(match=f"*.{node}.*"):
            await client.delete(key)


@pytest.fixture
async def aredis():
    client = aioredis.Redis.from_url(AMI_REDIS_URL)
    await _forget_node(client)
    yield client
    await _forget_node(client)
    await client.aclose()


class Published:
    """Every message the bridge published, read back from Redis pub/sub."""

    def __init__(self, client):
        self.client = client
        self.messages: list[tuple[str, dict]] = []
        self._task = None

    async def start(self):
        self.pubsub = self.client.pubsub()
        await self.pubsub.psubscribe("call.*", "queue.*", "agent.*", "bridge.*")
        self._task = asyncio.create_task(self._read())

    async def _read(self):
        async for item in self.pubsub.listen():
            if item["type"] != "pmessage":
                continue
            # Pub/sub spans every Redis db: other test runs' messages arrive here too.
            try:
                payload = json.loads(item["data"])
            except ValueError:
                continue
            if isinstance(payload, dict):
                self.messages.append((item["channel"].decode(), payload))

    async def stop(self):
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.pubsub.aclose()

    def topic(self, topic: str) -> list[dict]:
        return [payload for name, payload in self.messages
                if name == topic and payload.get("node") == NODE]


@pytest.fixture
async def published(aredis):
    p = Published(aredis)
    await p.start()
    yield p
    await p.stop()


def node_bridge(port: int, **kwargs) -> Bridge:
    """A bridge named for this test run (see NODE)."""
    return make_bridge(port, name=NODE, **kwargs)


def make_bridge(port: int, *, redis, sessions, name: str = "pbx1", secret="hotline1300",
                **timing) -> Bridge:
    node = NodeConfig(name, "127.0.0.1", port, "callcenter", secret)
    defaults = dict(action_timeout=2.0, ping_interval=30.0, backoff_first=0.05,
                    backoff_max=0.2, login_failed_retry=0.5)
    sink = Sink(name, redis, RecordWriter(name, sessions))
    return Bridge(node, sink, timing=Timing(**{**defaults, **timing}))


async def wait_for(predicate, timeout: float = 10.0, step: float = 0.02):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return
        await asyncio.sleep(step)
    raise AssertionError("condition not reached in time")
