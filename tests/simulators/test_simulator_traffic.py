"""The simulator's traffic is believable: one call at a time per agent, and no agent
works more than the time that passed (the agent report, read from what the bridge wrote)."""

import asyncio
import itertools
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from callcenter.agents.state import WRAP_UP_SECONDS
from callcenter.calls.models import Call
from callcenter.queues.catalog import QUEUES
from callcenter.reports import service
from callcenter.reports.range import parse_range
from callcenter.simulators.asterisk import DEMO_AGENTS, AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from callcenter.thaidate import BANGKOK
from tests.ami.bridge.test_commands import rig
from tests.ami.conftest import NODE, wait_for

CATALOG = tuple(q.name for q in QUEUES)
ONE = {"violence": [SimAgent("PJSIP/agent1", "agent1", skills=("violence",), dynamic=True)]}


async def test_a_busy_agent_gets_no_second_call_until_the_first_ends(aredis):
    sim = AmiSimulator(speed=50, agents=ONE, queues=CATALOG)
    r = await rig(aredis, sim=sim)
    try:
        first = sim.new_call(queue="violence", talk=20)
        second = sim.new_call(queue="violence")
        assert first.agent.interface == "PJSIP/agent1"
        # The only member is rung for the first caller: the second waits and gives up.
        assert (second.agent, second.shape) == (None, "abandoned")
        await asyncio.gather(sim.play(first), sim.play(second))
        connects = [e for e in sim.recent_events if e.get("Event") == "AgentConnect"]
        assert [e["DestChannel"] for e in connects] == [f"PJSIP/agent1-{first.seq:08x}"]
        statuses = {e["Status"] for e in sim.recent_events
                    if e.get("Event") == "QueueMemberStatus"}
        assert statuses == {"3", "1"}  # BUSY while rung and talking, as a PJSIP phone
        assert sim.new_call(queue="violence").agent is not None  # free again
    finally:
        await r.close()


async def test_paused_and_signed_out_members_are_never_rung(aredis):
    sim = AmiSimulator(speed=50, agents=ONE, queues=CATALOG)
    r = await rig(aredis, sim=sim)
    try:
        sim.set_paused("PJSIP/agent1", paused=True, reason="meal")
        assert sim.new_call(queue="violence").shape == "abandoned"
        sim.set_paused("PJSIP/agent1", paused=False)
        del sim.members[("violence", "PJSIP/agent1")]
        assert sim.new_call(queue="violence").shape == "abandoned"
    finally:
        await r.close()


async def test_agents_talk_and_wrap_up_add_up_to_at_most_the_time_elapsed(
        aredis, committing_sessionmaker):
    speed = 50
    sim = AmiSimulator(speed=speed, agents=DEMO_AGENTS, queues=CATALOG,
                       wrap_up=WRAP_UP_SECONDS)
    r = await rig(aredis, committing_sessionmaker, sim=sim)
    try:
        started = time.monotonic()
        await sim.traffic(calls_per_minute=40, duration=3.0, pauses_per_hour=0)
        await wait_for(lambda: not sim.engaged and not sim.channels, timeout=30)
        await r.bridge.drain()
        elapsed = (time.monotonic() - started) * speed  # in the simulator's seconds

        def written():
            with committing_sessionmaker() as s:
                return list(s.scalars(select(Call).where(Call.answered_at.is_not(None))))

        await wait_for(lambda: written() and all(c.ended_at for c in written()))
        calls = written()
        by_agent: dict[str, list[Call]] = {}
        for call in calls:
            by_agent.setdefault(call.agent_interface, []).append(call)
        assert set(by_agent) <= {"PJSIP/agent1", "PJSIP/agent2", "PJSIP/agent3",
                                 "PJSIP/agent4"}
        for mine in by_agent.values():
            mine.sort(key=lambda c: c.answered_at)
            for earlier, later in itertools.pairwise(mine):
                assert earlier.ended_at <= later.answered_at  # one call at a time

        today = datetime.now(BANGKOK).date()
        with committing_sessionmaker() as s:
            report = service.run(s, "agent_activity", parse_range(today - timedelta(days=1), today))
            rows = list(report.rows)
        assert sum(row[3] for row in rows) == len(calls)
        for _uid, _name, iface, handled, talk, wrap, _aht, _paused in rows:
            # Asterisk rounds each TalkTime to whole seconds: half a second a call.
            assert talk + wrap <= elapsed + handled, (iface, talk, wrap, elapsed)
    finally:
        await r.close()


async def test_the_simulated_floor_never_pauses_a_phone_a_person_drives(aredis):
    # A person who pressed "ready" in the console must not find their phone paused by
    # the demo's made-up breaks: only phones nobody has touched through AMI take them.
    two = {"violence": [SimAgent(f"PJSIP/agent{n}", f"agent{n}", skills=("violence",),
                                 dynamic=True) for n in (1, 2)]}
    sim = AmiSimulator(speed=50, agents=two, queues=CATALOG)
    r = await rig(aredis, sim=sim)
    try:
        answer = await r.client.send(NODE, "unpause", interface="PJSIP/agent1")
        assert answer.ok
        await sim.agent_pauses(per_hour=36000, minutes=(0.5, 1.0), duration=1.0)
        paused = {e["Interface"] for e in sim.recent_events
                  if e.get("Event") == "QueueMemberPause" and e.get("Paused") == "1"}
        assert paused == {"PJSIP/agent2"}
    finally:
        await r.close()
