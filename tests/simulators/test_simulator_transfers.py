"""The simulated Asterisk plays transfers out as the Asterisk 22 recordings show them, and
the real bridge makes of them what it makes of the recordings: the same legs, agent1's
part ended by the transfer and agent2's a leg without a queue."""

import asyncio
import dataclasses

from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from tests.ami.bridge.test_commands import rig
from tests.ami.conftest import NODE, wait_for
from tests.ami.support import ami_bytes, run_tracker

AGENT1 = SimAgent("PJSIP/agent1", "agent1", skills=("violence",), dynamic=True)
AGENT2 = SimAgent("PJSIP/agent2", "agent2", skills=("violence",), dynamic=True)
# The events that say what happens to whom (the recording's also carry VarSet, Cdr, RTCP…).
TOLD = ("Hold", "Unhold", "MusicOnHoldStart", "MusicOnHoldStop", "Newchannel", "LocalBridge",
        "BridgeCreate", "BridgeEnter", "BridgeLeave", "BridgeMerge", "BridgeDestroy",
        "DialBegin", "DialEnd", "HangupRequest", "SoftHangupRequest", "AttendedTransfer",
        "AgentComplete", "LocalOptimizationBegin", "LocalOptimizationEnd", "Hangup")


def shape(record):
    return [(g.seq, g.queue_name, g.agent_interface, g.agent_name, g.ended_how)
            for g in record.legs]


def recorded(name):
    """The recording's events as header dicts, in order."""
    out = []
    for raw in ami_bytes(name).decode().split("\r\n\r\n"):
        headers = dict(line.split(": ", 1) for line in raw.split("\r\n") if ": " in line)
        if "Event" in headers:
            out.append(headers)
    return out


def role(headers):
    """Who an event is about, as a name the recording and the simulator share."""
    name = headers.get("Channel") or headers.get("DestChannel") or ""
    if name.startswith("PJSIP/agent"):
        return name.split("-")[0].removeprefix("PJSIP/")
    if name.startswith("Local/") and "@from-pstn-" not in name:
        return "local" + name[-2:]
    return "caller" if name else ""


def told(events, since):
    """(event, whom) from the first `since`, up to the consultation's last Local half
    hanging up."""
    out = [(e["Event"], role(e)) for e in events if e["Event"] in TOLD]
    out = out[out.index(since):]
    end = max(i for i, step in enumerate(out) if step == ("Hangup", "local;1"))
    return out[:end + 1]


async def _answered_by_agent1(sim, r):
    # agent1 answers (the queue would pick either): agent2 stays free for the transfer.
    call = dataclasses.replace(sim.new_call(queue="violence", talk=1500), agent=AGENT1)
    sim.engaged.clear()
    sim.engaged[AGENT1.interface] = call.uniqueid
    playing = asyncio.create_task(sim.play(call))

    def talking():
        return next((c for c in r.bridge.tracker.calls.values() if c.state == "talking"), None)
    await wait_for(lambda: talking() is not None)
    live = talking()
    agent_channel = next(c for c in live.channels if c.startswith("PJSIP/agent1"))
    return playing, live, agent_channel


def _sim():
    return AmiSimulator(speed=50, agents={"violence": [AGENT1, AGENT2]}, queues=("violence",))


def _answered(sim, prefix):
    return any(e.get("Event") == "DialEnd" and e.get("DialStatus") == "ANSWER"
               and e.get("DestChannel", "").startswith(prefix) for e in sim.recent_events)


async def _ended(r, uniqueid):
    await wait_for(lambda: (rec := r.bridge.tracker.find_call(uniqueid)) is not None
                   and rec.ended_at is not None)
    return r.bridge.tracker.find_call(uniqueid)


async def test_a_warm_transfer_to_a_colleague_completed_gives_the_recordings_legs(aredis):
    sim = _sim()
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        playing, live, agent_channel = await _answered_by_agent1(sim, r)
        started = await r.client.send(NODE, "warm_transfer", channel=agent_channel,
                                      colleague="agent2", staff_id=42)
        assert started.ok, started.message
        await wait_for(lambda: _answered(sim, "PJSIP/agent2-"))
        assert sim.engaged.get("PJSIP/agent2")  # rung and talking: busy in its queues
        assert (await r.client.send(NODE, "complete_transfer", channel=agent_channel)).ok
        await wait_for(lambda: any(e.get("Event") == "LocalOptimizationEnd"
                                   for e in sim.recent_events))
        assert (await r.client.send(NODE, "hangup", channel=live.record.channel)).ok
        record = await _ended(r, live.record.uniqueid)

        expected = run_tracker("pjsip/pjsip-attended-transfer")
        (want,) = expected.records.values()
        assert shape(record) == shape(want) == [
            (1, "violence", "PJSIP/agent1", "agent1", "transferred"),
            (2, None, "PJSIP/agent2", "agent2", "answered")]
        assert "PJSIP/agent2" not in sim.engaged  # free again

        # The order of what happens, as recorded (the recording's test context dialled
        # agent2 directly; the hotline's dials 8<id>): from the Hold to the Local pair's end.
        mine = told(list(sim.recent_events), ("Hold", "agent1"))
        theirs = told(recorded("pjsip/pjsip-attended-transfer"), ("Hold", "agent1"))
        assert mine == theirs

        # AttendedTransfer field by field: the same headers, the target a Local ;1 half.
        mine_at = next(e for e in sim.recent_events if e["Event"] == "AttendedTransfer")
        theirs_at = next(e for e in recorded("pjsip/pjsip-attended-transfer")
                         if e["Event"] == "AttendedTransfer")
        assert set(mine_at) == set(theirs_at) - {"Timestamp"}
        assert mine_at["TransferTargetChannel"].startswith("Local/800042@warm-transfer-")
        assert mine_at["TransferTargetChannel"].endswith(";1")
        assert mine_at["OrigTransfererChannel"] == mine_at["SecondTransfererChannel"] \
            == agent_channel
        assert mine_at["TransfereeUniqueid"] == live.record.uniqueid
        local = next(e for e in sim.recent_events if e["Event"] == "Newchannel"
                     and e["Channel"] == mine_at["TransferTargetChannel"])
        assert local["Linkedid"] == mine_at["TransfereeLinkedid"]
        complete = [e for e in sim.recent_events if e["Event"] == "AgentComplete"]
        assert [c["Reason"] for c in complete] == ["transfer"]
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()


async def test_a_cancelled_warm_transfer_brings_the_caller_back_to_agent1(aredis):
    sim = _sim()
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        playing, live, agent_channel = await _answered_by_agent1(sim, r)
        assert (await r.client.send(NODE, "warm_transfer", channel=agent_channel,
                                    colleague="agent2", staff_id=42)).ok
        await wait_for(lambda: _answered(sim, "PJSIP/agent2-"))
        await wait_for(lambda: live.record.on_hold)
        assert (await r.client.send(NODE, "cancel_transfer", channel=agent_channel)).ok
        await wait_for(lambda: not live.record.on_hold)
        names = [e["Event"] for e in sim.recent_events]
        after = names[names.index("Hold"):]
        assert "AttendedTransfer" not in after and "AgentComplete" not in after
        assert after[-2:] == ["Unhold", "MusicOnHoldStop"]
        assert "PJSIP/agent2" not in sim.engaged
        assert sim.engaged.get("PJSIP/agent1")  # still on the call
        assert (await r.client.send(NODE, "hangup", channel=live.record.channel)).ok
        record = await _ended(r, live.record.uniqueid)
        assert [(g.queue_name, g.agent_interface, g.ended_how) for g in record.legs] == [
            ("violence", "PJSIP/agent1", "answered")]
        assert record.holds == 1
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()


async def test_a_blind_transfer_to_an_agent_rings_their_phone_and_connects_the_caller(aredis):
    sim = _sim()
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        playing, live, agent_channel = await _answered_by_agent1(sim, r)
        assert (await r.client.send(NODE, "blind_transfer", channel=agent_channel,
                                    endpoint="agent2")).ok
        await wait_for(lambda: _answered(sim, "PJSIP/agent2-"))
        await wait_for(lambda: [e["Event"] for e in sim.recent_events][-1] == "BridgeEnter")
        assert (await r.client.send(NODE, "hangup", channel=live.record.channel)).ok
        record = await _ended(r, live.record.uniqueid)
        assert [(g.queue_name, g.agent_interface, g.ended_how) for g in record.legs] == [
            ("violence", "PJSIP/agent1", "transferred"), (None, "PJSIP/agent2", "answered")]
        assert "PJSIP/agent2" not in sim.engaged
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()


async def test_a_warm_transfer_to_a_busy_colleague_leaves_the_caller_with_agent1(aredis):
    sim = _sim()
    r = await rig(aredis, sim=sim)
    playing = None
    try:
        playing, live, agent_channel = await _answered_by_agent1(sim, r)
        sim.engaged["PJSIP/agent2"] = "elsewhere"
        assert (await r.client.send(NODE, "warm_transfer", channel=agent_channel,
                                    colleague="agent2", staff_id=42)).ok
        await wait_for(lambda: any(e.get("DialStatus") == "BUSY" for e in sim.recent_events))
        await wait_for(lambda: live.record.holds == 1 and not live.record.on_hold)
    finally:
        if playing is not None:
            playing.cancel()
        await r.close()
