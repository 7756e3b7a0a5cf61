"""The simulated Asterisk with a real bridge and its command server, on an event loop of
their own in a thread, for tests that drive the console (sync) against them.

The bridge is named for the test run (``tests.ami.conftest.NODE``) and publishes to the
Redis the console reads; with ``sessions`` it also writes the call rows, as in production.
"""

from __future__ import annotations

import asyncio
import threading
import time

import redis.asyncio as aioredis

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from tests.ami.conftest import node_bridge

AGENT1 = {"violence": [SimAgent("PJSIP/agent1", "agent1", skills=("violence",),
                                dynamic=True)]}


class SimulatedFloor:
    def __init__(self, redis_url: str, *, sessions=None, agents=None) -> None:
        self.redis_url, self.sessions = redis_url, sessions
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sim = AmiSimulator(speed=50, agents=agents or AGENT1, queues=("violence",))

    def run(self, coro, timeout: float = 15.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        self.redis = aioredis.Redis.from_url(self.redis_url)
        port = await self.sim.start()
        self.bridge = node_bridge(port, redis=self.redis, sessions=self.sessions)
        self.server = CommandServer(self.bridge, self.redis)
        self.tasks = [asyncio.create_task(self.bridge.run()),
                      asyncio.create_task(self.server.run())]
        await asyncio.wait_for(self.bridge.up.wait(), 5)

    async def _call(self, talk: float) -> None:
        call = self.sim.new_call(queue="violence", talk=talk)
        self.tasks.append(asyncio.create_task(self.sim.play(call)))

    def call(self, talk: float = 3000) -> None:
        """A caller in the violence queue, answered by the free agent (talk: simulated s)."""
        self.run(self._call(talk))

    async def _stop(self) -> None:
        await self.bridge.stop()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.sim.stop()
        await self.redis.aclose()

    def __enter__(self) -> SimulatedFloor:
        self.thread.start()
        self.run(self._start())
        return self

    def __exit__(self, *exc) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def eventually(predicate, timeout: float = 10.0):
    """The predicate's first true value, polled every 0.1 s (AssertionError at timeout)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")
