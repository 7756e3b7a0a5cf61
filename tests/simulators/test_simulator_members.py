"""Queue members in the simulated Asterisk, changed through the console's own command path.

The console's agent-state and supervisor services send their commands over Redis to a
real bridge and its command server, connected over TCP to the simulator; members are
the seeded agents' PJSIP phones, as the console signs them in.
"""

import asyncio
import json
from functools import partial

import pytest
import redis

from callcenter.agents import refusals, supervision
from callcenter.agents import state as agent_state
from callcenter.ami.client import CommandClient
from callcenter.queues import live
from callcenter.queues.catalog import QUEUES
from callcenter.simulators.asterisk import DEMO_AGENTS, AmiSimulator
from tests.ami.bridge.test_commands import rig
from tests.ami.conftest import AMI_REDIS_URL, NODE, wait_for
from tests.support.builders import user_by_login as user

CATALOG = tuple(q.name for q in QUEUES)


@pytest.fixture
def commands():
    client = redis.Redis.from_url(AMI_REDIS_URL)
    yield CommandClient(client, timeout=3.0)
    client.close()


def members_of(sim, interface):
    return {q: m for (q, i), m in sim.members.items() if i == interface}


def events(sim, name, interface):
    return [e for e in sim.recent_events
            if e.get("Event") == name and e.get("Interface") == interface]


async def test_a_pjsip_agent_signs_in_pauses_resumes_and_signs_out_through_the_console(
        aredis, seeded_session, commands):
    sim = AmiSimulator(speed=50, agents={}, queues=CATALOG)  # astdb empty: nobody signed in
    r = await rig(aredis, sim=sim)
    agent1 = user(seeded_session, "agent1")
    phone = agent1.phone_interface
    run = partial(asyncio.to_thread)
    try:
        # Not signed in yet: Asterisk has no member to pause ("Interface not found").
        with pytest.raises(refusals.PbxRefused) as refused:
            await run(agent_state.pause, commands, user=agent1, node=NODE, reason="meal")
        assert (refused.value.code, refused.value.status_code) == ("not_signed_in", 409)

        queues = await run(agent_state.sign_in, seeded_session, commands, user=agent1,
                           node=NODE)
        assert queues == ["urgent", "violence", "operator"]
        mine = members_of(sim, phone)
        assert {q: (m.dynamic, m.penalty, m.agent.name) for q, m in mine.items()} == {
            "urgent": (True, 0, "agent1"), "violence": (True, 1, "agent1"),
            "operator": (True, 2, "agent1")}
        added = events(sim, "QueueMemberAdded", phone)
        assert {(e["StateInterface"], e["Membership"]) for e in added} == {(phone, "dynamic")}
        # Pressing the button twice (or a phone astdb brought back) is no failure.
        await run(agent_state.sign_in, seeded_session, commands, user=agent1, node=NODE)

        await run(agent_state.pause, commands, user=agent1, node=NODE, reason="meal")
        await wait_for(lambda: r.bridge.tracker.agents[phone].status == "paused")
        assert {e["PausedReason"] for e in events(sim, "QueueMemberPause", phone)} == {"meal"}
        await run(agent_state.unpause, commands, user=agent1, node=NODE)
        await wait_for(lambda: r.bridge.tracker.agents[phone].status == "available")

        await run(agent_state.sign_out, seeded_session, commands, user=agent1, node=NODE)
        assert members_of(sim, phone) == {}
        await wait_for(lambda: phone not in r.bridge.tracker.agents
                       or r.bridge.tracker.agents[phone].status == "logged_out")
        await run(agent_state.sign_out, seeded_session, commands, user=agent1, node=NODE)
        with pytest.raises(refusals.PbxRefused) as refused:
            await run(agent_state.unpause, commands, user=agent1, node=NODE)
        assert refused.value.code == "not_signed_in"
    finally:
        await r.close()


async def test_a_supervisor_signs_out_a_seeded_agent_of_the_demo(aredis, seeded_session,
                                                                  commands):
    sim = AmiSimulator(speed=50, agents=DEMO_AGENTS, queues=CATALOG)
    r = await rig(aredis, sim=sim)
    sync = redis.Redis.from_url(AMI_REDIS_URL)
    try:
        await r.bridge.drain()
        agent = json.loads(await aredis.hget(f"live.{NODE}.agents", "PJSIP/agent2"))
        assert set(agent["queues"]) == {"urgent", "violence", "trafficking", "english"}
        outcome = await asyncio.to_thread(
            supervision.agent_action, seeded_session, commands, partial(live.item, sync),
            actor=user(seeded_session, "supervisor"), action="sign_out",
            interface="PJSIP/agent2", node=NODE)
        assert outcome.ok, outcome
        assert members_of(sim, "PJSIP/agent2") == {}
    finally:
        sync.close()
        await r.close()


async def test_a_fixed_member_of_the_queues_cannot_be_signed_out_and_the_reason_is_given(
        aredis, commands):
    r = await rig(aredis)  # the recordings' PBX: static Local members
    try:
        result = await asyncio.to_thread(commands.send, NODE, "queue_logout",
                                         queue="violence", interface="Local/agent1@agents/n")
        assert refusals.refusal(result) is refusals.STATIC_MEMBER
        unknown = await asyncio.to_thread(commands.send, NODE, "queue_login",
                                          queue="nowhere", interface="PJSIP/agent9")
        assert refusals.refusal(unknown) is refusals.NO_SUCH_QUEUE
    finally:
        await r.close()


def test_the_demo_floor_has_the_seeded_agents_but_the_newcomers_sign_in_waits():
    # agent1, the README's first sign-in, presses "ready" to join; the others carry the
    # simulated traffic from the start.
    members = {a.name for agents in DEMO_AGENTS.values() for a in agents}
    assert members == {"agent2", "agent3", "agent4"}
    assert all(a.interface == f"PJSIP/{a.name}" and a.dynamic
               for agents in DEMO_AGENTS.values() for a in agents)
