"""Transfers and conferences as PBX commands over Redis to the bridge, against the
simulated Asterisk answering as Asterisk 22 did in the recordings."""

from callcenter.simulators.asterisk import AmiSimulator
from tests.ami.conftest import NODE, wait_for

from .test_commands import rig

CALLER = {"Channel": "PJSIP/trunk-telco-00000000", "Uniqueid": "1796531225.0",
          "Linkedid": "1796531225.0", "Context": "enqueue", "Exten": "s"}
AGENT = {"Channel": "PJSIP/agent1-00000001", "Uniqueid": "1796531240.1",
         "Linkedid": "1796531225.0", "Context": "agent-phones", "Exten": "s"}


def with_a_talking_call(sim):
    sim.channels[CALLER["Uniqueid"]] = dict(CALLER)
    sim.channels[AGENT["Uniqueid"]] = dict(AGENT)


async def test_blind_transfer_to_a_queue_is_sent_as_asterisk_accepted_it(aredis):
    r = await rig(aredis)
    try:
        with_a_talking_call(r.sim)
        result = await r.client.send(NODE, "blind_transfer", channel=AGENT["Channel"],
                                     queue="trafficking")
        assert (result.status, result.message) == ("ok", "Transfer succeeded")
        (sent,) = [m for m in r.sim.received if m.get("Action") == "BlindTransfer"]
        assert (sent.get("Context"), sent.get("Exten")) == ("hotline-queue", "trafficking")
    finally:
        await r.close()


async def test_warm_transfer_without_a_feature_code_says_what_to_fix(aredis):
    sim = AmiSimulator(speed=50)
    sim.atxfer_code = None  # as Asterisk without features.conf
    r = await rig(aredis, sim=sim)
    try:
        with_a_talking_call(r.sim)
        result = await r.client.send(NODE, "warm_transfer", channel=AGENT["Channel"],
                                     number="1669")
        assert result.status == "error" and "features.conf" in result.message
    finally:
        await r.close()


async def test_warm_transfer_holds_the_caller_and_cancel_brings_them_back(aredis):
    r = await rig(aredis)
    try:
        with_a_talking_call(r.sim)
        started = await r.client.send(NODE, "warm_transfer", channel=AGENT["Channel"],
                                      number="191")
        assert (started.status, started.message) == ("ok", "Atxfer successfully queued")
        (sent,) = [m for m in r.sim.received if m.get("Action") == "Atxfer"]
        assert (sent.get("Context"), sent.get("Exten")) == ("warm-transfer", "191")
        cancelled = await r.client.send(NODE, "cancel_transfer", channel=AGENT["Channel"])
        assert cancelled.ok
    finally:
        await r.close()


async def test_conference_moves_both_channels_in_one_redirect_and_dials_the_guest(aredis):
    r = await rig(aredis)
    try:
        with_a_talking_call(r.sim)
        moved = await r.client.send(NODE, "conference", call=CALLER["Uniqueid"],
                                    caller_channel=CALLER["Channel"],
                                    agent_channel=AGENT["Channel"])
        assert moved.ok and moved.message == "Dual Redirect successful"
        assert moved.data == {"conference": "hotline-1796531225.0"}
        (sent,) = [m for m in r.sim.received if m.get("Action") == "Redirect"]
        assert (sent.get("Exten"), sent.get("ExtraExten")) == (
            "caller-1796531225.0", "host-1796531225.0")
        added = await r.client.send(NODE, "conference_add", call=CALLER["Uniqueid"],
                                    number="0899999999")
        assert added.ok
        (dialled,) = [m for m in r.sim.received if m.get("Action") == "Originate"
                      and m.get("Context") == "conference"]
        assert (dialled.get("Channel"), dialled.get("Exten")) == (
            "PJSIP/0899999999@trunk-telco", "guest-1796531225.0")
    finally:
        await r.close()


async def test_refusals_are_clear_and_bad_targets_never_reach_asterisk(aredis):
    r = await rig(aredis)
    try:
        gone = await r.client.send(NODE, "blind_transfer", channel="PJSIP/agent9-0000000f",
                                   endpoint="agent2")
        assert (gone.status, gone.message) == ("error", "that call leg has already ended")
        kick = await r.client.send(NODE, "conference_kick", call="1.0", channel="PJSIP/x")
        assert (kick.status, kick.message) == ("error", "the call has no conference")
        bad = await r.client.send(NODE, "conference_add", call="1.0", number="0812345678;x")
        assert bad.status == "error" and "Thai phone number" in bad.message
        assert not [m for m in r.sim.received if m.get("Action") == "Originate"]
    finally:
        await r.close()


async def test_a_simulated_blind_transfer_ends_the_agents_part_as_asterisk_does(aredis):
    r = await rig(aredis)
    try:
        caller = {**CALLER, "CallerIDNum": "0823456789", "ChannelState": "4",
                  "Context": "from-pstn", "Exten": "1300"}
        r.sim.emit({"Event": "Newchannel", **caller})
        r.sim.emit({"Event": "Newchannel", **AGENT, "ChannelState": "0"})
        r.sim.emit({"Event": "QueueCallerJoin", **caller, "Queue": "violence",
                    "Position": "1", "Count": "1"})
        r.sim.emit({"Event": "AgentConnect", **caller, "Queue": "violence",
                    "Interface": "PJSIP/agent1", "MemberName": "agent1",
                    "DestChannel": AGENT["Channel"], "DestUniqueid": AGENT["Uniqueid"],
                    "DestLinkedid": CALLER["Uniqueid"], "HoldTime": "2", "RingTime": "2"})
        result = await r.client.send(NODE, "blind_transfer", channel=AGENT["Channel"],
                                     queue="trafficking")
        assert result.ok
        kinds = [e["Event"] for e in r.sim.recent_events]
        kinds = kinds[kinds.index("Unhold"):]
        # Then the dialplan's hotline-queue,trafficking queues the caller again (the
        # agent's phone is idle first, as recorded).
        assert kinds[:6] == ["Unhold", "BlindTransfer", "AgentComplete", "Hangup",
                             "DeviceStateChange", "QueueCallerJoin"]

        def transferred_and_queued_again():
            record = r.bridge.tracker.find_call(CALLER["Uniqueid"])
            return (record is not None and len(record.legs) == 2
                    and record.legs[0].ended_how == "transferred"
                    and record.legs[1].queue_name == "trafficking")
        await wait_for(transferred_and_queued_again)
    finally:
        await r.close()


async def test_warm_transfer_to_a_colleague_sets_their_phone_on_the_agents_leg_then_dials_digits(
        aredis):
    r = await rig(aredis)
    try:
        with_a_talking_call(r.sim)
        started = await r.client.send(NODE, "warm_transfer", channel=AGENT["Channel"],
                                      colleague="agent2", staff_id=42)
        assert started.ok, started.message
        put, atxfer = [m for m in r.sim.received if m.get("Action") in ("Setvar", "Atxfer")]
        assert (put.get("Channel"), put.get("Variable"), put.get("Value")) == (
            AGENT["Channel"], "_HOTLINE_STAFF_00042", "agent2")
        assert (atxfer.get("Context"), atxfer.get("Exten")) == ("warm-transfer", "800042")
        assert r.sim.channel_variables == {
            (AGENT["Channel"], "_HOTLINE_STAFF_00042"): "agent2"}
    finally:
        await r.close()


async def test_a_caller_blind_transferred_to_a_queue_queues_again_and_a_free_member_answers(
        aredis):
    r = await rig(aredis)
    try:
        with_a_talking_call(r.sim)
        done = await r.client.send(NODE, "blind_transfer", channel=AGENT["Channel"],
                                   queue="violence")
        assert done.ok
        names = [e.get("Event") for e in r.sim.recent_events]
        after = names[names.index("BlindTransfer"):]
        assert [n for n in after if n.startswith(("Queue", "Agent"))] == [
            "QueueCallerJoin", "AgentCalled", "QueueCallerLeave", "AgentConnect"]
        connect = [e for e in r.sim.recent_events if e.get("Event") == "AgentConnect"][-1]
        assert connect["Uniqueid"] == CALLER["Uniqueid"] and connect["Queue"] == "violence"
        assert connect["DestLinkedid"] == CALLER["Linkedid"]
    finally:
        await r.close()
