"""Supervisors listening in: ChanSpyStart/ChanSpyStop (shaped as Asterisk 22 sends them)
become monitoring records of the call they joined."""

from datetime import UTC, datetime, timedelta

from callcenter.ami.effects import UpsertMonitoring
from callcenter.ami.tracker import Tracker

from .builders import call_headers, chanspy, inbound_call

T0 = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
AGENT_LEG = "Local/agent1@agents-00000007;1"


def feed(tracker, events, start=T0):
    effects = []
    for i, e in enumerate(events):
        effects += tracker.handle(e, start + timedelta(seconds=i))
    return effects


def sessions(effects):
    return [e.record for e in effects if isinstance(e, UpsertMonitoring)]


def talking(n=7):
    """Call n up to the agent answering (no AgentComplete, no hang-up yet)."""
    return inbound_call(n)[:-2]


def spy_on(n, name, spyer_uid, **extra):
    uid = call_headers(n)["Uniqueid"]
    return chanspy(name, spyer_uid=spyer_uid, spyee=AGENT_LEG, spyee_uid=f"{uid}9",
                   spyee_link=call_headers(n)["Linkedid"], **extra)


def test_a_console_listen_is_recorded_with_its_supervisor_mode_call_start_and_end():
    tracker = Tracker("pbx1")
    feed(tracker, talking())
    tracker.spy_requested("spy-1", mode="whisper", user_id=42)
    started = sessions(feed(tracker, [spy_on(7, "ChanSpyStart", "spy-1",
                                              timestamp="1795345020.5")]))
    assert len(started) == 1
    s = started[0]
    assert (s.spy_uniqueid, s.mode, s.supervisor_user_id, s.call_uniqueid) == (
        "spy-1", "whisper", 42, call_headers(7)["Uniqueid"])
    assert s.agent_channel == AGENT_LEG and s.spy_channel == "PJSIP/supervisor-0000000a"
    assert s.started_at == datetime.fromtimestamp(1795345020.5, UTC) and s.ended_at is None
    # Asterisk 22 sends the Stop after the agent's hang-up without the Spyee's headers.
    stop = chanspy("ChanSpyStop", spyer_uid="spy-1", timestamp="1795345031")
    ended = sessions(feed(tracker, [stop]))
    assert [(e.spy_uniqueid, e.mode, e.ended_at) for e in ended] == [
        ("spy-1", "whisper", datetime.fromtimestamp(1795345031, UTC))]
    assert ended[0].started_at == s.started_at and tracker.spies == {}


def test_a_desk_phone_feature_code_gives_the_mode_and_no_supervisor():
    tracker = Tracker("pbx1")
    feed(tracker, talking())
    (s,) = sessions(feed(tracker, [spy_on(7, "ChanSpyStart", "1795345021.40",
                                         spyer_exten="*3agent1")]))
    assert (s.mode, s.supervisor_user_id) == ("barge", None)
    assert s.call_uniqueid == call_headers(7)["Uniqueid"]


def test_the_call_is_found_by_the_agent_legs_linkedid_when_its_channel_is_unknown():
    tracker = Tracker("pbx1")
    feed(tracker, talking())
    start = chanspy("ChanSpyStart", spyer_uid="spy-2", spyee="PJSIP/agent1-0000001f",
                    spyee_uid="1795345099.99", spyee_link=call_headers(7)["Linkedid"])
    tracker.spy_requested("spy-2", mode="listen", user_id=1)
    (s,) = sessions(feed(tracker, [start]))
    assert s.call_uniqueid == call_headers(7)["Uniqueid"]


def test_a_stop_without_a_start_and_a_spy_without_an_id_record_nothing():
    tracker = Tracker("pbx1")
    feed(tracker, talking())
    effects = feed(tracker, [chanspy("ChanSpyStop", spyer_uid="never-started"),
                             spy_on(7, "ChanSpyStart", "")])
    assert sessions(effects) == []
    assert tracker.counters["chanspy_stop_unknown"] == 1
    assert tracker.counters["no_uniqueid.ChanSpyStart"] == 1


def test_the_live_agent_names_its_exact_channel_only_while_on_the_call():
    tracker = Tracker("pbx1")
    events = inbound_call(7)
    feed(tracker, events[:-2])
    agent = tracker.agents["Local/agent1@agents/n"]
    assert agent.payload("pbx1")["channel"] == AGENT_LEG
    feed(tracker, events[-2:])
    assert agent.payload("pbx1")["channel"] is None
