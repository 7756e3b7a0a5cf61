"""The simulated Asterisk plays a conference as the Asterisk 22 recording does, and the
real bridge records its participants: the agent brings an interpreter in and drops them."""

import asyncio

from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from tests.ami.bridge.test_commands import rig
from tests.ami.conftest import NODE, wait_for

ONE = {"violence": [SimAgent("PJSIP/agent1", "agent1", skills=("violence",), dynamic=True)]}


def _talking(r):
    for call in r.bridge.tracker.calls.values():
        if call.state == "talking":
            return call
    return None


def _roles(call, *, present=True):
    return sorted(p.role for p in call.record.participants
                  if not present or p.left_at is None)


async def test_an_interpreter_joins_the_calls_conference_and_is_dropped_again(aredis):
    sim = AmiSimulator(speed=50, agents=ONE, queues=("violence",))
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        call = sim.new_call(queue="violence", talk=1500)
        playing = asyncio.create_task(sim.play(call))
        await wait_for(lambda: _talking(r) is not None)
        live = _talking(r)
        agent_channel = next(c for c in live.channels if c.startswith("PJSIP/agent1"))
        moved = await r.client.send(NODE, "conference", call=live.record.uniqueid,
                                    caller_channel=live.record.channel,
                                    agent_channel=agent_channel)
        assert moved.ok
        await wait_for(lambda: _roles(live) == ["agent", "caller"])
        assert live.record.conference == f"hotline-{live.record.uniqueid}"
        added = await r.client.send(NODE, "conference_add", call=live.record.uniqueid,
                                    number="+66812345678")
        assert added.ok
        await wait_for(lambda: _roles(live) == ["agent", "caller", "guest"])
        guest = next(p for p in live.record.participants if p.role == "guest")
        kicked = await r.client.send(NODE, "conference_kick", call=live.record.uniqueid,
                                     channel=guest.channel)
        assert kicked.ok
        await wait_for(lambda: guest.left_at is not None)
        # The caller stays with the agent.
        assert _roles(live) == ["agent", "caller"]
        again = await r.client.send(NODE, "conference_kick", call=live.record.uniqueid,
                                    channel=guest.channel)
        assert again.status == "error" and "not in the conference" in again.message
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()


async def test_the_agent_leaves_and_the_caller_stays_with_the_service(aredis):
    sim = AmiSimulator(speed=50, agents=ONE, queues=("violence",))
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        call = sim.new_call(queue="violence", talk=1500)
        playing = asyncio.create_task(sim.play(call))
        await wait_for(lambda: _talking(r) is not None)
        live = _talking(r)
        agent_channel = next(c for c in live.channels if c.startswith("PJSIP/agent1"))
        await r.client.send(NODE, "conference", call=live.record.uniqueid,
                            caller_channel=live.record.channel, agent_channel=agent_channel)
        await r.client.send(NODE, "conference_add", call=live.record.uniqueid, number="1669")
        await wait_for(lambda: "guest" in _roles(live))
        left = await r.client.send(NODE, "complete_transfer", channel=agent_channel)
        assert left.ok
        await wait_for(lambda: _roles(live) == ["caller", "guest"])
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()
