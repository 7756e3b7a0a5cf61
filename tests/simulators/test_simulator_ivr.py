"""The traffic simulator drives the real IVR over FastAGI, as Asterisk would; the bridge
sees what the IVR set. Simulator, IVR server and bridge talk over real sockets."""

import asyncio
import json
import uuid

import pytest
from sqlalchemy import select

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.ami.client import AsyncCommandClient
from callcenter.calls.models import Call, CallOutcome
from callcenter.simulators.asterisk import AmiSimulator
from ivr.ports import MemoryPorts
from ivr.server import FastAgiServer
from tests.ami.conftest import make_bridge, wait_for

pytestmark = pytest.mark.postgres

# A node name of this run: other suites use pbx1 on the same Redis db.
NODE = f"sim{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def rig(aredis, committing_sessionmaker):
    ports = MemoryPorts()
    ivr = await FastAgiServer(ports, callback_threshold_s=None).start("127.0.0.1", 0)
    sim = AmiSimulator(speed=50, agi=("127.0.0.1", ivr.sockets[0].getsockname()[1]))
    bridge = make_bridge(await sim.start(), redis=aredis, sessions=committing_sessionmaker,
                         name=NODE)
    tasks = [asyncio.create_task(bridge.run()),
             asyncio.create_task(CommandServer(bridge, aredis).run())]
    await asyncio.wait_for(bridge.up.wait(), 5)
    yield sim, bridge, ports, committing_sessionmaker
    await bridge.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sim.stop()
    ivr.close()
    await ivr.wait_closed()


def row(sessions, uniqueid):
    with sessions() as session:
        return session.scalar(select(Call).where(Call.uniqueid == uniqueid))


async def test_a_simulated_callers_ivr_choice_reaches_the_call_row(rig):
    sim, bridge, _, sessions = rig
    call, channel = await sim.ivr_call(["1", "2"], caller="0811111111", shape="answered")
    # The IVR itself chose: Thai, then 2 (human trafficking).
    assert channel.variables["IVR_QUEUE"] == "trafficking"
    assert call.queue == "trafficking"
    await bridge.drain()
    await wait_for(lambda: (r := row(sessions, call.uniqueid)) is not None and r.ended_at)
    got = row(sessions, call.uniqueid)
    assert (got.ivr_language, got.ivr_choice, got.issue_area, got.queue_name) == (
        "th", "12", "human_trafficking", "trafficking")
    assert got.priority == int(channel.variables["IVR_PRIORITY"])
    assert got.outcome is CallOutcome.ANSWERED
    assert (got.ivr_outcome, got.ivr_error) == ("chosen", None)
    assert any(e.startswith("IvrChoice,") for e in channel.events)


async def test_a_waiting_callers_ivr_choice_is_in_the_live_queue_state(rig, aredis):
    sim, _, _, _ = rig
    # 9 is the immediate-danger key: the IVR routes to `urgent`, where nobody answers here.
    playing = asyncio.create_task(
        sim.ivr_call(["9"], caller="0822222222", shape="abandoned", wait=150))

    async def waiting():
        raw = await aredis.hget(f"live.{NODE}.queues", "urgent")
        return raw is not None and json.loads(raw)["waiting"]

    for _ in range(200):
        if await waiting():
            break
        await asyncio.sleep(0.02)
    queue = json.loads(await aredis.hget(f"live.{NODE}.queues", "urgent"))
    entry = queue["waiting"][0]
    live = json.loads(await aredis.hget(f"live.{NODE}.calls", entry["uniqueid"]))
    assert (live["queue_name"], live["ivr_choice"]) == ("urgent", "9")
    assert live["priority"] == 10
    call, _ = await playing
    assert call.uniqueid == entry["uniqueid"]


async def test_a_caller_who_hangs_up_in_the_menu_never_reaches_a_queue(rig):
    sim, bridge, _, sessions = rig
    call, channel = await sim.ivr_call(["1"], caller="0833333333", hangup_at=3)
    assert not channel.alive
    await bridge.drain()
    await wait_for(lambda: (r := row(sessions, call.uniqueid)) is not None and r.ended_at)
    got = row(sessions, call.uniqueid)
    assert got.outcome is CallOutcome.IVR_HANGUP
    assert (got.ivr_choice, got.ivr_outcome) == ("hangup", "hangup")
    # Whatever the IVR leaves in IVR_QUEUE after a hang-up, the call was in no queue.
    assert got.queued_at is None


async def test_a_units_voice_alert_runs_the_ivrs_dispatch_route(rig, aredis):
    sim, _, ports, _ = rig
    client = AsyncCommandClient(aredis, timeout=3)
    result = await client.send(NODE, "originate", channel="Local/0990000050@rru",
                               context="dispatch", exten="s",
                               variables={"DISPATCH_ID": "42", "RRU_UNIT": "RRU-TH-50"})
    assert result.ok
    for _ in range(200):
        if ports.answers:
            break
        await asyncio.sleep(0.02)
    answer = ports.answers[0]
    assert (answer.dispatch_id, answer.unit, answer.answer) == ("42", "RRU-TH-50", "yes")
    for _ in range(100):
        acks = [m for m in sim.recent_events if m.get("UserEvent") == "DispatchAck"]
        if acks:
            break
        await asyncio.sleep(0.02)
    assert acks[0]["Ack"] == "yes"


async def test_a_caller_the_ivr_sends_to_a_queue_without_agents_waits_and_gives_up(rig):
    sim, bridge, _, sessions = rig
    # English (2), then trafficking: the `english` queue has no simulated agent.
    call, _ = await sim.ivr_call(["2", "2"], caller="0844444444", shape="ivr_hangup",
                                 wait=20)
    assert (call.queue, call.shape) == ("english", "abandoned")
    await bridge.drain()
    await wait_for(lambda: (r := row(sessions, call.uniqueid)) is not None and r.ended_at)
    assert row(sessions, call.uniqueid).outcome is CallOutcome.ABANDONED
