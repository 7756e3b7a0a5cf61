"""A call's legs, one per queue visit: the PJSIP recordings of a blind transfer, an
attended transfer and a wait limit that overflows, and a Redirect (the supervisor's
move) with literal events, since no recording shows one to another queue."""

from datetime import UTC, datetime, timedelta

from callcenter.ami.effects import AgentStateChanged
from callcenter.ami.tracker import Tracker

from .builders import call_headers, chan, event, inbound_call
from .support import run_tracker

T0 = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)


def legs_of(record):
    return [(leg.seq, leg.queue_name, leg.agent_interface, leg.wait_seconds,
             leg.talk_seconds, leg.ended_how) for leg in record.legs]


def only_call(outcome):
    (record,) = outcome.records.values()
    return record


def test_blind_transfer_is_two_legs_one_per_queue():
    record = only_call(run_tracker("pjsip/pjsip-blind-transfer"))
    assert legs_of(record) == [
        (1, "violence", "PJSIP/agent1", 2, 5, "transferred"),
        (2, "trafficking", "PJSIP/agent2", 2, 8, "answered"),
    ]
    first, second = record.legs
    assert first.ended_at <= second.joined_at < second.answered_at < second.ended_at
    # The call keeps the whole call: its first queue, all the waiting and all the talk.
    assert (record.queue_name, record.wait_seconds, record.talk_seconds) == ("violence", 4, 13)
    assert record.outcome == "transferred"


def test_a_wait_limit_ends_its_leg_as_timeout_and_the_overflow_queue_answers():
    record = only_call(run_tracker("pjsip/pjsip-queue-timeout"))
    assert legs_of(record) == [
        (1, "violence", None, 15, None, "timeout"),
        (2, "operator", "PJSIP/agent4", 2, 6, "answered"),
    ]
    assert (record.queue_name, record.wait_seconds, record.talk_seconds) == ("violence", 17, 6)


def test_attended_transfer_gives_the_consulted_agent_a_leg_without_a_queue():
    outcome = run_tracker("pjsip/pjsip-attended-transfer")
    record = only_call(outcome)
    first, second = record.legs
    assert legs_of(record)[0] == (1, "violence", "PJSIP/agent1", 2, 12, "transferred")
    # agent2 was never rung by a queue: found by the Linkedid of PJSIP/agent2-00000002.
    assert (second.seq, second.queue_name, second.agent_interface, second.agent_name) == \
        (2, None, "PJSIP/agent2", "agent2")
    assert second.ended_how == "answered" and second.talk_seconds == 12
    assert first.answered_at < second.answered_at < second.ended_at
    # agent1 was busy until the transfer completed (the AgentComplete), not the call's end.
    freed = [c for c in outcome.effects if isinstance(c, AgentStateChanged)
             and c.interface == "PJSIP/agent1" and c.state == "available"]
    assert freed and freed[-1].changed_at == first.ended_at < record.ended_at


def redirected_call():
    """Call 7 answered by agent1 in violence, moved by a Redirect to operator where agent4
    answers; app_queue's AgentComplete for violence comes only at the caller's hang-up."""
    common = call_headers(7)
    uid, link = common["Uniqueid"], common["Linkedid"]
    leg1 = "PJSIP/agent1-00000001"
    first = {"DestChannel": leg1, "DestUniqueid": "1795345007.20", "Queue": "violence",
             "Interface": "PJSIP/agent1", "MemberName": "agent1"}
    second = {"DestChannel": "PJSIP/agent4-00000002", "DestUniqueid": "1795345007.21",
              "Queue": "operator", "Interface": "PJSIP/agent4", "MemberName": "agent4"}
    answered = inbound_call(7)[:-2]  # up to the AgentConnect
    answered[-3:] = [
        event(Event="AgentCalled", **common, **first),
        chan("Newchannel", "1795345007.20", uid, leg1, context="agent-phones"),
        event(Event="QueueCallerLeave", Queue="violence", Count="0", Position="1", **common),
        event(Event="AgentConnect", HoldTime="3", RingTime="2", **common, **first),
    ]
    return [
        *answered,
        # The supervisor's move: the caller leaves for hotline-queue,operator; agent1's
        # leg hangs up with the bridge. No AgentComplete yet.
        chan("Hangup", "1795345007.20", uid, leg1, context="agent-phones", Cause="16"),
        event(Event="QueueCallerJoin", Queue="operator", Position="1", Count="1", **common),
        event(Event="AgentCalled", **common, **second),
        event(Event="QueueCallerLeave", Queue="operator", Count="0", Position="1", **common),
        event(Event="AgentConnect", HoldTime="4", RingTime="2", **common, **second),
        event(Event="AgentComplete", HoldTime="4", TalkTime="9", Reason="caller",
              **common, **second),
        chan("Hangup", uid, link, common["Channel"], Cause="16"),
        # The first queue's late AgentComplete: no Dest* headers, TalkTime to the end.
        event(Event="AgentComplete", HoldTime="3", TalkTime="40", Reason="caller",
              Queue="violence", Interface="PJSIP/agent1", MemberName="agent1", **common),
    ]


def test_a_redirect_ends_the_first_leg_as_moved_when_the_agent_leg_hangs_up():
    tracker = Tracker("n")
    effects = []
    events = redirected_call()
    for i, e in enumerate(events):
        effects += tracker.handle(e, T0 + timedelta(seconds=i))
    record = tracker.find_call("1795345007.15")
    assert legs_of(record) == [
        (1, "violence", "PJSIP/agent1", 3, 1, "moved"),
        (2, "operator", "PJSIP/agent4", 4, 9, "answered"),
    ]
    # Its part ended when agent1's leg hung up, the event after the AgentConnect.
    hung_up = record.legs[0].answered_at + timedelta(seconds=1)
    assert record.legs[0].ended_at == hung_up < record.ended_at
    assert (record.wait_seconds, record.talk_seconds) == (7, 10)
    # agent1 is free from the move on, not from the caller's final hang-up.
    freed = [c.changed_at for c in effects if isinstance(c, AgentStateChanged)
             and c.interface == "PJSIP/agent1" and c.state == "available"]
    assert freed == [hung_up]


def test_events_delivered_twice_or_again_after_the_end_add_no_leg():
    tracker = Tracker("n")
    events = redirected_call()
    twice = [e for e in events for _ in range(2)]
    for i, e in enumerate(twice + events):
        tracker.handle(e, T0 + timedelta(seconds=i))
    record = tracker.find_call("1795345007.15")
    assert [leg.seq for leg in record.legs] == [1, 2]


def test_one_answered_call_has_one_leg_as_the_call_row_says():
    tracker = Tracker("n")
    for i, e in enumerate(inbound_call(4)):
        tracker.handle(e, T0 + timedelta(seconds=i))
    record = tracker.find_call("1795345004.9")
    assert legs_of(record) == [(1, "violence", "Local/agent1@agents/n", 2, 6, "answered")]
    assert (record.wait_seconds, record.talk_seconds) == (2, 6)
