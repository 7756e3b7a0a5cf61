"""The tracker with literal events: orderings and faults the recordings do not show."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callcenter.ami.effects import Publish, UpsertCall
from callcenter.ami.events import to_event
from callcenter.ami.framing import Message
from callcenter.ami.tracker import Tracker, epoch_of

from .builders import call_headers, event, inbound_call

T0 = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)


def feed(tracker, events, start=T0):
    effects = []
    for i, e in enumerate(events):
        effects += tracker.handle(e, start + timedelta(seconds=i))
    return effects


def last_record(effects, uniqueid):
    return [e.record for e in effects if isinstance(e, UpsertCall)
            and e.record.uniqueid == uniqueid][-1]


def test_uniqueid_epoch_with_and_without_system_name():
    assert epoch_of("1795345559.1") == datetime(2026, 11, 22, 11, 5, 59, tzinfo=UTC)
    assert epoch_of("pbx1-1795345559.12") == epoch_of("1795345559.1")
    assert epoch_of("none") is None and epoch_of("<unknown>") is None


def test_agent_complete_after_the_hangup_still_sets_talk_time():
    events = inbound_call(1)
    complete, hangup = events[-2], events[-1]
    tracker = Tracker("n")
    effects = feed(tracker, [*events[:-2], hangup, complete])
    r = last_record(effects, "1795345001.3")
    assert r.outcome == "answered" and r.talk_seconds == 6 and r.ended_by == "caller"
    assert tracker.calls == {}
    assert tracker.agents["Local/agent1@agents/n"].current_call is None


def test_transfer_reason_marks_the_call_transferred():
    events = inbound_call(2)
    tracker = Tracker("n")
    complete = events[-2]
    transfer = replace(complete, reason="transfer")
    effects = feed(tracker, [*events[:-2], transfer, events[-1]])
    r = last_record(effects, "1795345002.5")
    assert r.outcome == "transferred"


def test_transferred_to_another_queue_and_abandoned_there_is_abandoned():
    first = inbound_call(3)
    common = call_headers(3)
    complete = first[-2]
    transfer = replace(complete, reason="transfer")
    again = [
        event(Event="QueueCallerJoin", Queue="welfare", Position="1", Count="1", **common),
        event(Event="QueueCallerAbandon", Queue="welfare", HoldTime="9", **common),
    ]
    tracker = Tracker("n")
    effects = feed(tracker, [*first[:-2], transfer, *again, first[-1]])
    r = last_record(effects, "1795345003.7")
    # The call keeps its first queue and all its waiting; each queue's part is a leg.
    assert (r.outcome, r.queue_name, r.wait_seconds) == ("abandoned", "violence", 2 + 9)
    assert [(g.queue_name, g.wait_seconds, g.ended_how) for g in r.legs] == [
        ("violence", 2, "transferred"), ("welfare", 9, "abandoned")]


def test_asterisk_timestamp_header_wins_over_receive_time():
    stamp = T0 + timedelta(hours=3)
    ev = to_event(Message({"Event": "QueueCallerJoin", "Uniqueid": "1795345559.1",
                           "Channel": "PJSIP/trunk-1", "Queue": "violence",
                           "Timestamp": f"{stamp.timestamp():.6f}"}))
    tracker = Tracker("n")
    effects = tracker.handle(ev, T0)
    assert last_record(effects, "1795345559.1").queued_at == stamp


def test_trunk_channel_in_from_pstn_is_the_call_and_local_half_one_is_not():
    tracker = Tracker("n")
    feed(tracker, [
        event(Event="Newchannel", Channel="PJSIP/trunk-0000001", Uniqueid="1795345559.9",
              Linkedid="1795345559.9", Context="from-pstn", Exten="1300",
              CallerIDNum="0812345678"),
        event(Event="Newchannel", Channel="Local/1300@from-pstn-00000000;1",
              Uniqueid="1795345559.0", Linkedid="1795345559.0", Context="from-pstn"),
        event(Event="Newchannel", Channel="Local/agent1@agents-00000001;2",
              Uniqueid="1795345559.5", Linkedid="1795345559.9", Context="agents"),
    ])
    assert list(tracker.calls) == ["1795345559.9"]


def test_ivr_choices_from_variables_and_from_a_user_event():
    tracker = Tracker("n")
    call = inbound_call(4)
    common = call_headers(4)
    effects = feed(tracker, [
        call[0],
        event(Event="VarSet", Variable="IVR_LANGUAGE", Value="my", **common),
        event(Event="VarSet", Variable="IVR_SILENT", Value="1", **common),
        event(Event="VarSet", Variable="IVR_PRIORITY", Value="10", **common),
        event(Event="UserEvent", UserEvent="IvrChoice", Choice="2", Queue="trafficking",
              Issue="child_labour", **common),
        call[-1],
    ])
    r = last_record(effects, "1795345004.9")
    assert (r.ivr_language, r.silent, r.priority) == ("my", True, 10)
    assert (r.ivr_choice, r.queue_name, r.issue_area) == ("2", "trafficking", "child_labour")
    assert r.outcome == "ivr_hangup"


def test_the_ivrs_outcome_and_error_are_kept_on_the_record():
    tracker = Tracker("n")
    call = inbound_call(14)
    common = call_headers(14)
    effects = feed(tracker, [
        call[0],
        event(Event="VarSet", Variable="IVR_ERROR", Value="bad_reply", **common),
        event(Event="UserEvent", UserEvent="IvrChoice", CallId="1795345014.29",
              Outcome="error", Choice="error", Queue="operator", Error="bad_reply", **common),
        call[-1],
    ])
    r = last_record(effects, "1795345014.29")
    assert (r.ivr_outcome, r.ivr_error, r.ivr_choice) == ("error", "bad_reply", "error")


def test_an_empty_ivr_queue_after_a_hang_up_is_no_queue():
    tracker = Tracker("n")
    call = inbound_call(15)
    common = call_headers(15)
    effects = feed(tracker, [
        call[0],
        event(Event="VarSet", Variable="IVR_CHOICE", Value="hangup", **common),
        event(Event="VarSet", Variable="IVR_ERROR", Value="", **common),
        event(Event="VarSet", Variable="IVR_QUEUE", Value="", **common),
        event(Event="UserEvent", UserEvent="IvrChoice", CallId="1795345015.31",
              Outcome="hangup", Choice="hangup", Queue="", Priority="", Language="th",
              **common),
        call[-1],
    ])
    r = last_record(effects, "1795345015.31")
    assert (r.outcome, r.ivr_outcome, r.queue_name, r.issue_area) == (
        "ivr_hangup", "hangup", None, None)
    assert r.ivr_error is None and r.priority is None
    assert "" not in tracker.queues and not [e for e in effects if isinstance(e, Publish)
                                             and e.topic.startswith("queue.")]


def test_unknown_events_and_never_seen_channels_are_counted_not_fatal():
    tracker = Tracker("n")
    assert to_event(Message({"Event": "SomethingNew", "X": "1"})) is None
    effects = feed(tracker, [
        event(Event="Hangup", Channel="PJSIP/x", Uniqueid="1.2", Cause="16"),
        event(Event="QueueCallerLeave", Uniqueid="1.3", Queue="violence"),
        event(Event="AgentComplete", Uniqueid="1.4", Queue="violence",
              Interface="Local/agent1@agents/n", TalkTime="3", Reason="caller"),
        event(Event="OriginateResponse", ActionID="nobody", Response="Failure", Reason="5"),
    ])
    assert not [e for e in effects if isinstance(e, UpsertCall)]
    assert tracker.counters["hangup_unknown_channel"] == 1
    assert tracker.counters["originate_response.unknown_action"] == 1


def complete(name, action_id, items):
    return event(Event=name, ActionID=action_id, EventList="Complete", ListItems=str(items))


def member_item(action_id="b-2", **extra):
    return event(Event="QueueMember", Queue="violence", Name="Agent 1",
                 Location="Local/agent1@agents/n", StateInterface="Local/agent1@agents",
                 Status="1", Paused="0", InCall="0", ActionID=action_id, **extra)


def test_resync_closes_calls_asterisk_no_longer_has_as_interrupted():
    tracker = Tracker("n")
    gone, kept = inbound_call(5), inbound_call(6)
    feed(tracker, gone[:5] + kept[:6])  # both in the queue / ringing when the link drops
    tracker.begin_resync("b-2", "b-3")
    kept_uid = "1795345006.13"
    snapshot = [
        member_item(),
        event(Event="QueueEntry", Queue="violence", Position="1", Channel="X",
              Uniqueid=kept_uid, CallerIDNum="0800000006", Wait="4", ActionID="b-2"),
        complete("QueueStatusComplete", "b-2", 2),
        event(Event="CoreShowChannel", Channel="Local/1300@from-pstn-00000006;2",
              Uniqueid=kept_uid, Linkedid="1795345006.12", Context="hotline-queue",
              Duration="00:00:09", ActionID="b-3"),
        complete("CoreShowChannelsComplete", "b-3", 1),
    ]
    effects = feed(tracker, snapshot)
    effects += tracker.finish_resync()
    r = last_record(effects, "1795345005.11")
    assert r.outcome == "interrupted"
    assert list(tracker.calls) == [kept_uid]
    assert list(tracker.queues["violence"].waiting) == [kept_uid]
    topics = {e.topic for e in effects if isinstance(e, Publish)}
    assert {"queue.violence.updated", "agent.Local/agent1@agents/n.updated",
            f"call.{kept_uid}.updated"} <= topics


def test_an_error_reply_or_a_cut_list_drops_nothing():
    tracker = Tracker("n")
    feed(tracker, inbound_call(5)[:6])  # ringing agent 1
    # QueueStatus refused (Asterisk still booting): an error reply has no list at all.
    tracker.begin_resync("b-2", "b-3")
    assert tracker.finish_resync() is None
    # Lists that lost items on the way (fewer than their ListItems) are not applied either.
    tracker.begin_resync("b-4", "b-5")
    feed(tracker, [member_item("b-4"), complete("QueueStatusComplete", "b-4", 2),
                   complete("CoreShowChannelsComplete", "b-5", 1)])
    assert tracker.finish_resync() is None
    assert tracker.counters["resync.list_incomplete"] == 2
    assert list(tracker.calls) == ["1795345005.11"]
    assert "violence" in tracker.agents["Local/agent1@agents/n"].queues


def test_a_call_that_starts_after_the_channel_list_is_not_taken_for_gone():
    tracker = Tracker("n")
    tracker.begin_resync("b-2", "b-3")
    late = inbound_call(7)
    effects = feed(tracker, [
        complete("QueueStatusComplete", "b-2", 0),
        complete("CoreShowChannelsComplete", "b-3", 0),
        *late[:3],  # events Asterisk sent after its list, before the bridge finished
    ])
    effects += tracker.finish_resync()
    assert list(tracker.calls) == ["1795345007.15"]
    assert last_record(effects, "1795345007.15").outcome == "in_progress"


def test_calls_cut_off_by_a_restart_end_at_the_shutdown_with_no_made_up_durations():
    tracker = Tracker("n")
    talking, waiting = inbound_call(11)[:-2], inbound_call(12, abandon=True)[:5]
    feed(tracker, talking + waiting)  # answered (no AgentComplete yet); in the queue
    shutdown_at = T0 + timedelta(minutes=5)
    feed(tracker, [event(Event="Shutdown", Shutdown="Cleanly", Restart="True")], shutdown_at)
    tracker.link_lost()
    # Asterisk is back ten minutes later with neither call.
    tracker.begin_resync("b-2", "b-3")
    effects = feed(tracker, [complete("QueueStatusComplete", "b-2", 0),
                             complete("CoreShowChannelsComplete", "b-3", 0)],
                   start=T0 + timedelta(minutes=15))
    effects += tracker.finish_resync()
    for uid in ("1795345011.23", "1795345012.25"):
        r = last_record(effects, uid)
        assert r.outcome == "interrupted" and r.ended_by is None
        assert r.ended_at == tracker.asterisk_time(shutdown_at)
        assert r.talk_seconds is None
    answered = last_record(effects, "1795345011.23")
    assert answered.answered_at is not None and answered.wait_seconds == 2
    assert last_record(effects, "1795345012.25").wait_seconds is None


def test_a_call_lost_with_the_link_ends_at_the_last_event_seen_for_it():
    tracker = Tracker("n")
    feed(tracker, inbound_call(13)[:5])  # the join is its 5th event, at T0 + 4 s
    tracker.link_lost()
    tracker.begin_resync("b-2", "b-3")
    effects = feed(tracker, [complete("QueueStatusComplete", "b-2", 0),
                             complete("CoreShowChannelsComplete", "b-3", 0)],
                   start=T0 + timedelta(hours=1))
    effects += tracker.finish_resync()
    r = last_record(effects, "1795345013.27")
    assert r.ended_at == tracker.asterisk_time(T0 + timedelta(seconds=4))
    assert r.outcome == "interrupted" and r.wait_seconds is None and r.queued_at is not None


def test_resync_adopts_a_call_that_started_before_the_bridge():
    tracker = Tracker("n")
    tracker.begin_resync("b-2", "b-3")
    effects = feed(tracker, [
        complete("QueueStatusComplete", "b-2", 0),
        event(Event="CoreShowChannel", Channel="Local/1300@from-pstn-0000000a;2",
              Uniqueid="1795345100.1", Linkedid="1795345100.0", Context="hotline-queue",
              CallerIDNum="0811111111", Duration="00:01:05", ActionID="b-3"),
        event(Event="CoreShowChannel", Channel="Local/1300@from-pstn-0000000a;1",
              Uniqueid="1795345100.0", Linkedid="1795345100.0", Context="caller",
              Duration="00:01:05", ActionID="b-3"),
        complete("CoreShowChannelsComplete", "b-3", 2),
    ])
    effects += tracker.finish_resync()
    assert list(tracker.calls) == ["1795345100.1"]
    r = last_record(effects, "1795345100.1")
    assert r.caller_number == "0811111111" and r.outcome == "in_progress"


def test_full_state_republishes_everything_live():
    tracker = Tracker("n")
    feed(tracker, inbound_call(7)[:5])
    topics = [p.topic for p in tracker.full_state() if isinstance(p, Publish)]
    assert "call.1795345007.15.updated" in topics and "queue.violence.updated" in topics


def test_ivr_user_event_found_by_call_id_and_a_booked_callback_is_the_outcome():
    tracker = Tracker("n")
    call = inbound_call(8)
    uid = "1795345008.17"
    effects = feed(tracker, [
        *call[:5],
        event(Event="QueueCallerAbandon", Queue="violence", HoldTime="600", Uniqueid=uid,
              Channel="Local/1300@from-pstn-00000008;2"),
        event(Event="VarSet", Variable="QUEUESTATUS", Value="TIMEOUT", Uniqueid=uid),
        # Sent from another channel (an AGI helper leg): found by its CallId header.
        event(Event="UserEvent", UserEvent="IvrChoice", Uniqueid="1795345008.99",
              CallId=uid, Callback="yes", Choice="1", Queue="violence"),
        call[-1],
    ])
    r = last_record(effects, uid)
    assert r.outcome == "callback" and r.wait_seconds == 600


def test_a_call_moved_to_another_queue_and_answered_there_is_transferred():
    tracker = Tracker("n")
    call = inbound_call(9)
    uid, ch = "1795345009.19", "Local/1300@from-pstn-00000009;2"
    moved = [
        event(Event="QueueCallerAbandon", Queue="violence", HoldTime="4", Uniqueid=uid,
              Channel=ch),
        event(Event="QueueCallerLeave", Queue="violence", Uniqueid=uid, Channel=ch),
        event(Event="QueueCallerJoin", Queue="welfare", Position="1", Uniqueid=uid, Channel=ch),
        event(Event="AgentConnect", Queue="welfare", Interface="Local/agent6@agents/n",
              HoldTime="3", Uniqueid=uid, Channel=ch),
        event(Event="AgentComplete", Queue="welfare", Interface="Local/agent6@agents/n",
              TalkTime="30", Reason="caller", Uniqueid=uid, Channel=ch),
    ]
    effects = feed(tracker, [*call[:5], *moved, call[-1]])
    r = last_record(effects, uid)
    # The call keeps its first queue; the move is on its first leg.
    assert (r.outcome, r.queue_name, r.talk_seconds) == ("transferred", "violence", 30)
    assert [(g.queue_name, g.wait_seconds, g.ended_how) for g in r.legs] == [
        ("violence", 4, "moved"), ("welfare", 3, "answered")]
    assert tracker.queues["violence"].waiting == {} and tracker.queues["welfare"].waiting == {}


def test_a_member_whose_phone_is_unavailable_or_invalid_is_not_available():
    from callcenter.ami.effects import AgentStateChanged

    tracker = Tracker("n")
    iface = "PJSIP/agent1001"

    def status(n, queue="violence"):
        return event(Event="QueueMemberStatus", Queue=queue, MemberName="malee",
                     Interface=iface, StateInterface=iface, Status=str(n), Paused="0",
                     InCall="0")

    effects = feed(tracker, [status(1), status(1, "welfare"), status(5), status(5, "welfare"),
                             status(4), status(1)])
    assert [e.state for e in effects if isinstance(e, AgentStateChanged)] == [
        "available", "unavailable", "available"]
    agent = [e.payload for e in effects if isinstance(e, Publish)
             and e.topic == f"agent.{iface}.updated"]
    assert "unavailable" in {a["status"] for a in agent}
    queue = [e.payload for e in effects if isinstance(e, Publish)
             and e.topic == "queue.violence.updated"]
    assert min(q["available"] for q in queue) == 0


def test_production_calls_up_before_the_bridge_are_adopted_at_the_resync():
    tracker = Tracker("n")
    tracker.begin_resync("b-2", "b-3")

    def listed(channel, uid, context, exten, app="Queue", data="violence,t,,,300",
               bridge="", **extra):
        return event(Event="CoreShowChannel", ActionID="b-3", Channel=channel, Uniqueid=uid,
                     Linkedid=uid, Context=context, Exten=exten, CallerIDNum="0812345678",
                     Application=app, ApplicationData=data, BridgeId=bridge,
                     Duration="00:02:00", **extra)

    effects = feed(tracker, [
        complete("QueueStatusComplete", "b-2", 0),
        # Talking to an agent: Queue() runs in the dialplan's [enqueue] Gosub.
        listed("PJSIP/trunk-telco-00000012", "1795345200.1", "enqueue", "s", bridge="b1"),
        # Its agent's leg, which inherited HOTLINE_CALL_ID: not a call of its own.
        listed("PJSIP/agent1001-00000013", "1795345200.2", "agents", "s", app="AppQueue",
               data="", bridge="b1", ChanVariable="HOTLINE_CALL_ID=1795345200.1"),
        # Still in the IVR (from-pstn), and one the bridge knows by its HOTLINE_CALL_ID.
        listed("PJSIP/trunk-telco-00000014", "1795345200.3", "from-pstn", "1300", app="AGI",
               data="agi://127.0.0.1:4573/ivr,1300"),
        listed("PJSIP/trunk-telco-00000015", "1795345200.4", "macro-x", "s", app="Wait",
               data="5", ChanVariable="HOTLINE_CALL_ID=1795345200.4"),
        complete("CoreShowChannelsComplete", "b-3", 4),
    ])
    effects += tracker.finish_resync()
    assert sorted(tracker.calls) == ["1795345200.1", "1795345200.3", "1795345200.4"]
    talking = tracker.calls["1795345200.1"]
    assert (talking.state, talking.record.queue_name) == ("talking", "violence")
    assert tracker.calls["1795345200.3"].state == "ivr"
    assert last_record(effects, "1795345200.1").caller_number == "0812345678"
    assert tracker.counters["resync.adopted"] == 3


def test_time_in_state_survives_repeated_member_events_and_resync_lists():
    # The wallboard's "time in state" is the payload's changed_at: a member event that
    # changes nothing (a QueueMember listed by a resync, a repeated QueueMemberStatus)
    # must not restart it; a pause does.
    def member(name, **extra):
        return event(Event=name, Queue="violence", Interface="PJSIP/agent1",
                     MemberName="agent1", StateInterface="PJSIP/agent1", Penalty="0",
                     CallsTaken="0", InCall="0", Status="1", Membership="dynamic", **extra)

    tracker = Tracker("n")
    tracker.handle(member("QueueMemberAdded", Paused="0"), T0)
    tracker.handle(member("QueueMemberStatus", Paused="0"), T0 + timedelta(minutes=5))
    tracker.handle(member("QueueMember", Paused="0"), T0 + timedelta(minutes=9))
    agent = tracker.agents["PJSIP/agent1"]
    assert agent.payload("n")["changed_at"] == T0.isoformat()
    paused_at = T0 + timedelta(minutes=10)
    tracker.handle(member("QueueMemberPause", Paused="1", PausedReason="break"), paused_at)
    tracker.handle(member("QueueMemberStatus", Paused="1", PausedReason="break"),
                   paused_at + timedelta(minutes=3))
    assert agent.payload("n")["status"] == "paused"
    assert agent.payload("n")["changed_at"] == paused_at.isoformat()


def without_uniqueid(events, blank: str):
    """The same events with the Uniqueid header gone (None) or set to `blank`."""
    out = []
    for e in events:
        headers = dict(msg_of(e))
        if blank is None:
            headers.pop("Uniqueid", None)
        else:
            headers["Uniqueid"] = blank
        out.append(event(**headers))
    return out


def msg_of(e) -> dict[str, str]:
    """Headers that rebuild a literal event of tests.ami.builders."""
    names = {"uniqueid": "Uniqueid", "linkedid": "Linkedid", "channel": "Channel",
             "context": "Context", "exten": "Exten", "caller_number": "CallerIDNum",
             "caller_name": "CallerIDName", "variable": "Variable", "value": "Value",
             "queue": "Queue", "interface": "Interface", "member_name": "MemberName"}
    headers = {"Event": getattr(e, "name", type(e).__name__)}
    for attr, header in names.items():
        value = getattr(e, attr, None)
        if isinstance(value, str) and value:
            headers[header] = value
    return headers


def test_events_without_a_uniqueid_open_no_call_join_none_and_are_counted():
    # Two runs' worth of a call's events with no Uniqueid, one with an empty one: before,
    # they became one call keyed "" that every later such event joined.
    tracker = Tracker("n")
    bad = [*without_uniqueid(inbound_call(1)[:5], None),
           *without_uniqueid(inbound_call(2)[:5], ""),
           *without_uniqueid(inbound_call(3)[:5], "  ")]
    effects = feed(tracker, bad)
    assert not [e for e in effects if isinstance(e, UpsertCall)]
    assert tracker.calls == {} and tracker.ended == {}
    assert "" not in tracker.queue("violence").waiting
    assert tracker.counters["no_uniqueid.Newchannel"] == 3
    assert tracker.counters["no_uniqueid.QueueCallerJoin"] == 3
    assert tracker.without_id == 15
    # A real call afterwards is recorded on its own, untouched by them.
    effects = feed(tracker, inbound_call(4))
    assert last_record(effects, "1795345004.9").outcome == "answered"
    assert list(tracker.ended) == ["1795345004.9"]


def test_an_ivr_event_without_any_call_id_is_counted_not_applied():
    tracker = Tracker("n")
    feed(tracker, inbound_call(5)[:3])
    effects = tracker.handle(event(Event="UserEvent", UserEvent="IvrChoice", Queue="lao",
                                   Uniqueid="", CallId=""), T0)
    assert effects == [] and tracker.counters["no_uniqueid.IvrChoice"] == 1
    assert tracker.calls["1795345005.11"].record.queue_name is None
