"""The PBX side of a browser test: the simulated Asterisk over TCP and the real AMI bridge
(its command server, and its writer of call records into the test's database), on an
event loop of their own in a thread of the test process.

The simulator makes no calls of its own: the test has a caller reach the agent it names
(``call_to``) and hang up when it says (``caller_hangs_up``); everything between is what
the console's buttons make Asterisk do. agent1 and agent2 sit in their seeded queues as
the demo's PJSIP phones, which answer when rung.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from sqlalchemy.orm import sessionmaker

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.ami.bridge.node import Bridge, NodeConfig, Timing
from callcenter.ami.bridge.sink import RecordWriter, Sink
from callcenter.db import make_engine
from callcenter.queues.catalog import QUEUES
from callcenter.seed import DEMO_USERS
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import Headers, SimAgent, SimCall

NODE = "pbx1"
PHONES = ("agent1", "agent2")


def _agents() -> dict[str, list[SimAgent]]:
    roster: dict[str, list[SimAgent]] = {}
    for user in DEMO_USERS:
        if user.login in PHONES:
            agent = SimAgent(str(user.phone_interface), user.login, skills=user.queues,
                             dynamic=True)
            for queue in user.queues:
                roster.setdefault(queue, []).append(agent)
    return roster


class SimPbx:
    def __init__(self, database_url: str, redis_url: str) -> None:
        self.database_url, self.redis_url = database_url, redis_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sim = AmiSimulator(agents=_agents(), queues=tuple(q.name for q in QUEUES))
        self._tasks: list[asyncio.Task[Any]] = []

    def run(self, coro, timeout: float = 15.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> SimPbx:
        self.thread.start()
        self.run(self._start(), timeout=30)
        return self

    async def _start(self) -> None:
        self.engine = make_engine(self.database_url)
        self.redis = aioredis.Redis.from_url(self.redis_url)
        port = await self.sim.start()
        self.bridge = Bridge(NodeConfig(NODE, "127.0.0.1", port, "callcenter", "hotline1300"),
                             Sink(NODE, self.redis, RecordWriter(
                                 NODE, sessionmaker(self.engine, expire_on_commit=False))),
                             timing=Timing(action_timeout=3.0, ping_interval=30.0))
        self._tasks = [asyncio.create_task(self.bridge.run()),
                       asyncio.create_task(CommandServer(self.bridge, self.redis).run())]
        await asyncio.wait_for(self.bridge.up.wait(), 10)

    def stop(self) -> None:
        self.run(self._stop(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _stop(self) -> None:
        await self.bridge.stop()
        for task in self._tasks:
            task.cancel()
        await self.sim.stop()
        await self.redis.aclose()
        self.engine.dispose()

    def call_to(self, login: str, *, caller: str = "0891234567") -> SimCall:
        """A caller in `violence` whom this agent answers; they talk until told to stop."""
        async def place() -> SimCall:
            agent = next(m.agent for (q, _), m in self.sim.members.items()
                         if q == "violence" and m.agent.name == login)
            call = dataclasses.replace(self.sim.new_call(queue="violence", caller=caller,
                                                         talk=3600, wait=1.0), agent=agent)
            self.sim.engaged.clear()  # new_call held a member of its choice
            self.sim.engaged[agent.interface] = call.uniqueid
            self._tasks.append(asyncio.create_task(self.sim.play(call)))
            return call
        return self.run(place())

    def caller_hangs_up(self, call: SimCall) -> None:
        async def hang_up() -> None:
            self.sim.hang_up(call.uniqueid)
        self.run(hang_up())

    def events(self) -> list[Headers]:
        async def copy() -> list[Headers]:
            return list(self.sim.recent_events)
        return self.run(copy())

    def engaged(self) -> dict[str, str]:
        async def copy() -> dict[str, str]:
            return dict(self.sim.engaged)
        return self.run(copy())

    def drain(self) -> None:
        """Everything the bridge heard is handled, published and written."""
        self.run(self.bridge.drain())


@pytest.fixture(scope="module")
def sim_pbx(console_db, live_redis) -> Iterator[SimPbx]:
    pbx = SimPbx(console_db, live_redis).start()
    try:
        yield pbx
    finally:
        pbx.stop()
