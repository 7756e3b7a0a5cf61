"""Calls the PBX places are told from calls that arrive, whatever the trunk's context says.

On the wire (pjsip-outbound.ami) an outbound trunk leg's Newchannel says `Context:
from-pstn` like a caller's; it is Down (`ChannelState: 0`, `Exten: s`), a caller's rings
(`ChannelState: 4`, `Exten: 1300`).
"""

from datetime import UTC, datetime, timedelta

from callcenter.ami.effects import Publish, UpsertCall
from callcenter.ami.tracker import Tracker

from .builders import event
from .support import run_tracker, sent_actions

AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
TRUNK = "PJSIP/trunk-telco-00000000"


def trunk(name: str, uid: str, *, link: str | None = None, state: str, exten: str,
          number: str = "<unknown>", context: str = "from-pstn", **extra: str):
    return event(Event=name, Channel=extra.pop("Channel", TRUNK), Uniqueid=uid,
                 Linkedid=link or uid, ChannelState=state, Context=context, Exten=exten,
                 CallerIDNum=number, CallerIDName="<unknown>", **extra)


def feed(tracker: Tracker, events) -> list:
    out = []
    for n, e in enumerate(events):
        out += tracker.handle(e, AT + timedelta(seconds=n))
    return out


def records(effects) -> dict[str, object]:
    return {e.record.uniqueid: e.record for e in effects if isinstance(e, UpsertCall)}


def test_inbound_call_on_the_trunk_rings_and_stays_inbound():
    t = Tracker("pbx1")
    got = records(feed(t, [
        trunk("Newchannel", "1796531200.0", state="4", exten="1300", number="0812345678"),
        trunk("Hangup", "1796531200.0", state="6", exten="1300", number="0812345678",
              Cause="16"),
    ]))
    (r,) = got.values()
    assert (r.direction, r.caller_number, r.dialled_number) == ("inbound", "0812345678", "1300")
    assert r.outcome == "ivr_hangup"


def test_voice_alert_leg_dialled_by_the_rru_context_is_never_a_1300_call():
    """Local/…@rru dials the unit through the trunk: the trunk leg is Down with Exten s,
    linked to the originated Local channel, and belongs to the dispatch's call."""
    t = Tracker("pbx1")
    effects = t.originate_requested(
        action_id="ast-7", channel="Local/0812345678@rru", received_at=AT,
        variables={"DISPATCH_ID": "42", "RRU_UNIT": "TH-50", "DISPATCH_ALERT_KEY": "d42-1"})
    local1, local2, leg = "1796531300.0", "1796531300.1", "1796531300.2"
    effects += feed(t, [
        trunk("Newchannel", local1, state="0", exten="0812345678", context="rru",
              Channel="Local/0812345678@rru-00000000;1"),
        trunk("Newchannel", local2, link=local1, state="4", exten="0812345678",
              context="rru", Channel="Local/0812345678@rru-00000000;2"),
        trunk("Newchannel", leg, link=local1, state="0", exten="s", number="1300"),
        event(Event="DialBegin", Channel="Local/0812345678@rru-00000000;2",
              Uniqueid=local2, Linkedid=local1, DestChannel=TRUNK, DestUniqueid=leg,
              DestLinkedid=local1, DialString="0812345678@trunk-telco"),
        event(Event="OriginateResponse", ActionID="ast-7", Response="Success",
              Channel="Local/0812345678@rru-00000000;1", Reason="4", Uniqueid=local1),
        trunk("Hangup", leg, link=local1, state="6", exten="s", number="1300", Cause="16"),
        trunk("Hangup", local1, state="6", exten="s", context="dispatch", Cause="16",
              Channel="Local/0812345678@rru-00000000;1"),
    ])
    got = records(effects)
    assert list(got) == ["ast-7"], "the trunk leg opened no call of its own"
    r = got["ast-7"]
    assert (r.direction, r.outcome, r.dispatch_id, r.callback_id) == (
        "outbound", "answered", 42, None)
    assert t.calls == {} and t.outbound_legs == {}
    assert not any(p.topic.startswith(f"call.{leg}") for p in effects if isinstance(p, Publish))


def test_a_placed_leg_nothing_claims_is_dropped_at_its_hangup():
    t = Tracker("pbx1")
    assert feed(t, [
        trunk("Newchannel", "1796531400.0", state="0", exten="s"),
        trunk("Hangup", "1796531400.0", state="0", exten="s", Cause="19"),
    ]) == []
    assert t.calls == {} and t.ended == {} and t.outbound_legs == {}
    assert t.counters["outbound_leg.untied"] == 1 and not t.counters["hangup_unknown_channel"]


def test_call_back_of_another_session_is_recorded_as_its_call_back():
    """The bridge restarted after sending the Originate: its CALLBACK_ID still says whose."""
    t = Tracker("pbx1")
    uid = "1796531500.0"
    effects = feed(t, [
        trunk("Newchannel", uid, state="0", exten="s"),
        event(Event="VarSet", Channel=TRUNK, Uniqueid=uid, Linkedid=uid,
              Variable="IVR_LANGUAGE", Value="th"),
        event(Event="VarSet", Channel=TRUNK, Uniqueid=uid, Linkedid=uid,
              Variable="CALLBACK_ID", Value="9"),
        trunk("Hangup", uid, state="6", exten="s", number="1300", Cause="16"),
    ])
    (r,) = records(effects).values()
    assert (r.uniqueid, r.direction, r.callback_id, r.ivr_language) == (uid, "outbound", 9, "th")
    assert r.outcome != "ivr_hangup" and t.calls == {}


def recorded_originate_prepare(name: str):
    (originate,) = [a for a in sent_actions(name) if a.get("Action") == "Originate"]
    variables = dict(v.partition("=")[::2] for v in originate.get_all("Variable"))
    done = []

    def before(tracker, arrival):
        if done:
            return []
        done.append(True)
        return tracker.originate_requested(
            action_id=originate.action_id, channel=originate.get("Channel"),
            received_at=arrival.received_at, variables=variables)
    return before


def test_recorded_call_back_is_one_outbound_call_tied_to_its_request():
    outcome = run_tracker("pjsip/pjsip-outbound",
                          before=recorded_originate_prepare("pjsip/pjsip-outbound"))
    assert list(outcome.records) == ["rec-2"], "the trunk leg is no inbound call"
    r = outcome.records["rec-2"]
    assert (r.direction, r.callback_id, r.outcome, r.ended_by) == (
        "outbound", 1, "answered", "caller")
    assert r.channel == TRUNK and r.linkedid == "1796531270.0"
    assert r.dialled_number == "0812345678" and r.caller_number is None
    assert (r.queue_name, r.ivr_language, r.priority) == ("violence", "th", 5)
    assert r.queued_at is not None and r.agent_interface == "PJSIP/agent1"
    # Tied at its DialBegin, long before the OriginateResponse (which comes at answer).
    assert outcome.tracker.counters["outbound_leg.tied"] == 1
    assert outcome.tracker.calls == {} and outcome.tracker.outbound_legs == {}
