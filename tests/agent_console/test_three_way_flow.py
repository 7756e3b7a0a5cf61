"""The three-way call through the real console against the simulated Asterisk: the agent
adds a Burmese interpreter, the bridge sees three on the line, the agent drops the
interpreter and keeps the caller; the call's record keeps the language and the times."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time

import pytest
import redis.asyncio as aioredis
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.ami.bridge.command_server import CommandServer
from callcenter.calls.guest_models import CallGuest
from callcenter.calls.models import Call, CallOutcome
from callcenter.db import utcnow
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from tests.agent_console.console_support import signed_in
from tests.ami.conftest import NODE, node_bridge
from tests.calls.builders import an_interpreter
from tests.conftest import REDIS_URL

AGENT1 = {"violence": [SimAgent("PJSIP/agent1", "agent1", skills=("violence",),
                                dynamic=True)]}


class SimulatedFloor:
    """The simulated Asterisk, a real bridge and its command server on their own loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sim = AmiSimulator(speed=50, agents=AGENT1, queues=("violence",))

    def run(self, coro, timeout: float = 15.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        self.redis = aioredis.Redis.from_url(REDIS_URL)
        port = await self.sim.start()
        self.bridge = node_bridge(port, redis=self.redis, sessions=None)
        self.server = CommandServer(self.bridge, self.redis)
        self.tasks = [asyncio.create_task(self.bridge.run()),
                      asyncio.create_task(self.server.run())]
        await asyncio.wait_for(self.bridge.up.wait(), 5)

    async def _call(self) -> None:
        call = self.sim.new_call(queue="violence", talk=3000)
        self.tasks.append(asyncio.create_task(self.sim.play(call)))

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
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def talking_call(redis_client) -> dict | None:
    for body in redis_client.hvals(f"live.{NODE}.calls"):
        call = json.loads(body)
        if call.get("state") == "talking":
            return call
    return None


def guests_fragment(client, call_id: int) -> str:
    response = client.get(f"/calls/{call_id}/three-way", params={"part": "guests"})
    assert response.status_code == 200, response.text
    return response.text


def on_the_line(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))


@pytest.fixture
def floor():
    with SimulatedFloor() as running:
        yield running


def test_an_agent_adds_a_burmese_interpreter_and_drops_them_keeping_the_caller(
        client, seeded_session, redis_client, floor):
    interpreter = an_interpreter(seeded_session, language="my", name="ล่ามพม่า ทดสอบ")
    an_interpreter(seeded_session, language="km", name="ล่ามเขมร")
    floor.run(floor._call())
    live = eventually(lambda: talking_call(redis_client))
    agent1 = seeded_session.scalar(select(User).where(User.login == "agent1"))
    call = Call(node=NODE, uniqueid=live["uniqueid"], started_at=utcnow(),
                answered_at=utcnow(), queue_name="violence", agent_interface="PJSIP/agent1",
                agent_user_id=agent1.id, outcome=CallOutcome.IN_PROGRESS,
                channel=live.get("channel"))
    seeded_session.add(call)
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent1")}

    offered = client.get(f"/calls/{call.id}/interpreters", params={"language": "my"})
    assert offered.status_code == 200
    assert "ล่ามพม่า ทดสอบ" in offered.text and "ล่ามเขมร" not in offered.text

    added = client.post(f"/calls/{call.id}/interpreter",
                        data={"interpreter_id": str(interpreter.id)}, headers=h)
    assert added.status_code == 200, added.text
    html = eventually(lambda: (h := guests_fragment(client, call.id)) and on_the_line(h) == 3
                      and 'data-state="in"' in h and h)
    assert "พม่า" in html

    guest = seeded_session.scalar(select(CallGuest).where(CallGuest.call_id == call.id))
    dropped = client.post(f"/calls/{call.id}/guests/{guest.id}/drop", headers=h)
    assert dropped.status_code == 200, dropped.text
    eventually(lambda: on_the_line(guests_fragment(client, call.id)) == 2)

    seeded_session.refresh(guest)
    assert guest.language == "my" and guest.channel
    assert guest.joined_at is not None and guest.left_at >= guest.joined_at
    # The caller is still with the agent.
    participants = talking_call(redis_client)["participants"]
    assert sorted(p["role"] for p in participants if not p["left_at"]) == ["agent", "caller"]


def test_adding_a_guest_to_a_call_that_is_over_says_so(client, seeded_session, floor):
    agent1 = seeded_session.scalar(select(User).where(User.login == "agent1"))
    call = Call(node=NODE, uniqueid="1700000000.9", started_at=utcnow(), ended_at=utcnow(),
                answered_at=utcnow(), queue_name="violence", agent_user_id=agent1.id,
                outcome=CallOutcome.ANSWERED)
    seeded_session.add(call)
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    refused = client.post(f"/calls/{call.id}/service", data={"service": "police"}, headers=h)
    assert refused.status_code == 409
    assert seeded_session.scalar(select(CallGuest).where(CallGuest.call_id == call.id)) is None
