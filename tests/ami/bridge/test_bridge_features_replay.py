"""Hold, transfers and a conference, recorded on a real Asterisk 22 with PJSIP and replayed
over TCP through the bridge: one call row each, and the live state says who is on hold
and who is in the call's conference."""

from callcenter import topics

from .test_bridge_legs_replay import recorded_call
from .test_bridge_replay import replay


async def test_hold_is_published_live_and_the_call_stays_one_answered_call(
        aredis, published, committing_sessionmaker):
    call, legs = await recorded_call("pjsip-hold", aredis, committing_sessionmaker)
    assert (call.outcome.value, call.talk_seconds, len(legs)) == ("answered", 13, 1)
    states = [c["on_hold"] for c in published.topic(topics.call_topic(call.uniqueid))]
    assert True in states and states[-1] is False
    last = published.topic(topics.call_topic(call.uniqueid))[-1]
    assert (last["holds"], last["hold_seconds"]) == (1, 6)


async def test_the_conference_call_is_one_call_with_its_interpreter_as_a_guest(
        aredis, published, committing_sessionmaker):
    call, legs = await recorded_call("pjsip-confbridge", aredis, committing_sessionmaker)
    # The interpreter's originated leg (its own Linkedid) made no call row of its own.
    assert (call.outcome.value, call.talk_seconds, len(legs)) == ("answered", 18, 1)
    last = published.topic(topics.call_topic(call.uniqueid))[-1]
    assert last["conference"] == "room-1796531225.0"
    assert [(p["channel"], p["role"]) for p in last["participants"]] == [
        ("PJSIP/agent1-00000001", "agent"), ("PJSIP/trunk-telco-00000000", "caller"),
        ("PJSIP/trunk-telco-00000002", "guest")]
    assert all(p["left_at"] for p in last["participants"])
    # Nobody's number in the published participants.
    assert "0899999999" not in str(last["participants"])


async def test_the_attended_transfers_consultation_is_no_call_of_its_own(
        aredis, published, committing_sessionmaker):
    call, legs = await recorded_call("pjsip-attended-transfer", aredis,
                                     committing_sessionmaker)
    assert call.outcome.value == "transferred"
    assert [(g.queue_name, g.agent_interface) for g in legs] == [
        ("violence", "PJSIP/agent1"), (None, "PJSIP/agent2")]
    last = published.topic(topics.call_topic(call.uniqueid))[-1]
    assert (last["holds"], last["hold_seconds"], last["on_hold"]) == (1, 6, False)


async def test_the_refused_atxfer_leaves_the_call_talking(aredis, committing_sessionmaker):
    bridge, _ = await replay("pjsip/pjsip-atxfer-no-featurecode", aredis,
                             committing_sessionmaker)
    assert bridge.counters["handler_errors"] == 0
    record = bridge.tracker.find_call("1796531018.0")
    assert record.outcome == "in_progress" and not record.on_hold
