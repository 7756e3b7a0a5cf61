"""Hold, transfers and conferences as the tracker records them, from the PJSIP recordings
of a real Asterisk 22 (pure: no socket), and from literal events where no recording
shows a case."""

from datetime import UTC, datetime, timedelta

from callcenter import topics
from callcenter.ami import call_features
from callcenter.ami.effects import AgentStateChanged
from callcenter.ami.events import to_event
from callcenter.ami.framing import Message
from callcenter.ami.tracker import Tracker

from .support import run_tracker

T0 = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)


def only_call(outcome):
    (record,) = outcome.records.values()
    return record


def test_hold_from_the_agents_phone_is_counted_and_timed():
    record = only_call(run_tracker("pjsip/pjsip-hold"))
    # Hold at 19.63 s, Unhold at 25.63 s; the talk time still includes it, as app_queue's.
    assert (record.holds, record.hold_seconds, record.on_hold) == (1, 6, False)
    assert record.talk_seconds == 13 and record.outcome == "answered"


def test_the_caller_hears_music_while_on_hold_and_the_live_state_says_so():
    outcome = run_tracker("pjsip/pjsip-hold")
    states = [p.payload["on_hold"] for p in outcome.publishes(topics.call_topic("1796531439.0"))]
    assert True in states and states[-1] is False


def test_queue_music_before_the_answer_is_no_hold():
    record = only_call(run_tracker("pjsip/pjsip-answered"))
    assert (record.holds, record.hold_seconds) == (0, None)


def test_an_attended_transfer_holds_the_caller_until_it_completes():
    record = only_call(run_tracker("pjsip/pjsip-attended-transfer"))
    # Hold at the Atxfer (21.88 s), music stopped when agent1 hung up (28.07 s): no Unhold.
    assert (record.holds, record.hold_seconds, record.on_hold) == (1, 6, False)
    # One call: the consultation (Local/2002@… and agent2's leg) opened no call of its own.
    assert record.outcome == "transferred"
    assert [leg.queue_name for leg in record.legs] == ["violence", None]


def test_a_blind_transfers_lone_unhold_is_no_hold():
    record = only_call(run_tracker("pjsip/pjsip-blind-transfer"))
    assert (record.holds, record.hold_seconds) == (0, None)


def test_a_blind_transfer_frees_the_first_agent_at_once():
    outcome = run_tracker("pjsip/pjsip-blind-transfer")
    record = only_call(outcome)
    first = record.legs[0]
    freed = [c.changed_at for c in outcome.effects if isinstance(c, AgentStateChanged)
             and c.interface == "PJSIP/agent1" and c.state == "available"]
    assert freed and freed[0] <= record.legs[1].answered_at
    assert first.ended_how == "transferred" and first.ended_at < record.ended_at


def test_the_failed_atxfer_changes_nothing_in_the_call():
    record = only_call(run_tracker("pjsip/pjsip-atxfer-no-featurecode"))
    assert record.outcome == "in_progress" and record.holds == 0
    assert [leg.agent_interface for leg in record.legs] == ["PJSIP/agent1"]


def test_the_conference_ties_the_interpreter_to_the_call_despite_its_own_linkedid():
    outcome = run_tracker("pjsip/pjsip-confbridge")
    record = only_call(outcome)  # the interpreter's originated leg opened no call
    assert record.conference == "room-1796531225.0"
    who = [(p.channel, p.role) for p in record.participants]
    assert who == [("PJSIP/agent1-00000001", "agent"),
                   ("PJSIP/trunk-telco-00000000", "caller"),
                   ("PJSIP/trunk-telco-00000002", "guest")]
    agent, caller, guest = record.participants
    # Joined and left as recorded: the interpreter for 5 s, the caller until it hung up,
    # agent1 last (its leave comes after the call ended).
    assert round((guest.left_at - guest.joined_at).total_seconds()) == 5
    assert caller.left_at == record.ended_at or caller.left_at <= record.ended_at
    assert agent.left_at > caller.left_at > guest.left_at
    # app_queue counts the conference as talk: one leg, TalkTime 18.
    assert record.talk_seconds == 18 and record.outcome == "answered"


def _msg(**headers):
    return to_event(Message({k: str(v) for k, v in headers.items()}))


def test_a_guest_joining_a_room_named_after_the_call_is_the_calls_without_other_clue():
    tracker = Tracker("n")
    uid = "1796531225.0"
    tracker.handle(_msg(Event="Newchannel", Channel="PJSIP/trunk-telco-00000000",
                        Uniqueid=uid, Linkedid=uid, Context="from-pstn", Exten="1300",
                        CallerIDNum="0845678901", ChannelState="4"), T0)
    room = call_features.room_of(uid)
    for i, name in enumerate(("ConfbridgeJoin", "ConfbridgeJoin", "ConfbridgeLeave")):
        tracker.handle(_msg(Event=name, Conference=room, Channel="PJSIP/trunk-telco-00000009",
                            Uniqueid="1796531299.9", Linkedid="1796531299.9",
                            Admin="No"), T0 + timedelta(seconds=i + 1))
    record = tracker.find_call(uid)
    # Delivered twice: still one stay, which ended at the leave (2 s after the join).
    (guest,) = record.participants
    assert guest.role == "guest" and (guest.left_at - guest.joined_at).total_seconds() == 2


def test_a_call_ending_on_hold_counts_its_hold_to_the_end():
    tracker = Tracker("n")
    uid, agent = "1796531300.0", "1796531301.1"
    common = {"Linkedid": uid, "Context": "from-pstn", "Exten": "1300"}
    tracker.handle(_msg(Event="Newchannel", Channel="PJSIP/trunk-telco-00000000",
                        Uniqueid=uid, CallerIDNum="0845678901", ChannelState="4",
                        **common), T0)
    tracker.handle(_msg(Event="Hold", Channel="PJSIP/agent1-00000001", Uniqueid=agent,
                        Linkedid=uid, MusicClass="default"), T0 + timedelta(seconds=10))
    assert tracker.find_call(uid).on_hold is True
    tracker.handle(_msg(Event="Hangup", Channel="PJSIP/trunk-telco-00000000", Uniqueid=uid,
                        Cause="16", **common), T0 + timedelta(seconds=40))
    record = tracker.find_call(uid)
    assert (record.on_hold, record.holds, record.hold_seconds) == (False, 1, 30)


def test_the_redirect_into_a_conference_frees_no_agent():
    outcome = run_tracker("pjsip/pjsip-confbridge")
    record = only_call(outcome)
    (leg,) = record.legs
    freed = [c.changed_at for c in outcome.effects if isinstance(c, AgentStateChanged)
             and c.interface == "PJSIP/agent1" and c.state == "available"]
    # app_queue keeps the call going through the conference: agent1 is busy until the
    # AgentComplete at the caller's hang-up, with the conference in its talk time.
    assert freed == [leg.ended_at] and leg.ended_at > record.participants[2].left_at
    assert leg.talk_seconds == 18
