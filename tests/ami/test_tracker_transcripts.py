"""Every recorded call, parsed and tracked: the records match what the README says happened."""

from datetime import UTC, datetime, timedelta

from callcenter.ami.tracker import Tracker

from .support import AMI_FILES, run_tracker, sent_actions


def only_record(name: str):
    outcome = run_tracker(name)
    assert outcome.tracker.calls == {}, "no call may stay live once the transcript ends"
    assert len(outcome.records) == 1, outcome.records.keys()
    return next(iter(outcome.records.values())), outcome


def test_every_transcript_tracks_without_errors_and_leaves_no_live_call():
    for name in AMI_FILES:
        outcome = run_tracker(name)
        assert outcome.tracker.calls == {}, name
        for agent in outcome.tracker.agents.values():
            assert agent.current_call is None and agent.ringing_call is None, name
        for queue in outcome.tracker.queues.values():
            assert queue.waiting == {}, name


def test_answered_call():
    r, outcome = only_record("answered")
    assert r.uniqueid == "1795345559.1" and r.linkedid == "1795345559.0"
    assert r.channel == "Local/1300@from-pstn-00000000;2"
    assert r.caller_number == "0812345678" and r.caller_name is None
    assert r.dialled_number == "1300" and r.direction == "inbound"
    assert r.ivr_choice == "1" and r.queue_name == "violence"
    assert r.issue_area == "family_violence"
    assert r.agent_interface == "Local/agent1@agents/n" and r.agent_name == "สมหญิง ใจดี"
    assert r.outcome == "answered" and r.ended_by == "caller"
    assert (r.wait_seconds, r.talk_seconds) == (2, 6)
    assert r.hangup_cause == 16 and r.hangup_cause_text == "Normal Clearing"
    # The Uniqueid says 11:05:59; the receive time on Asterisk's clock gives the fraction.
    second = datetime(2026, 11, 22, 11, 5, 59, tzinfo=UTC)
    assert second <= r.started_at < second + timedelta(seconds=1)
    assert r.started_at <= r.queued_at <= r.answered_at <= r.ended_at
    assert 9 < (r.ended_at - r.started_at).total_seconds() < 13
    agent = outcome.publishes("agent.Local/agent1@agents/n")
    statuses = [p.payload["status"] for p in agent]
    assert "ringing" in statuses and "in_call" in statuses and statuses[-1] == "available"
    calls = outcome.publishes("call.1795345559.1.updated")
    assert calls[-1].live is False and calls[-1].payload["outcome"] == "answered"
    assert {"ivr", "queued", "ringing", "talking"} <= {p.payload["state"] for p in calls}


def test_abandoned_in_queue():
    r, outcome = only_record("abandoned")
    assert r.outcome == "abandoned" and r.ended_by == "caller"
    assert r.queue_name == "welfare" and r.wait_seconds == 5 and r.answered_at is None
    queue = outcome.publishes("queue.welfare.updated")
    assert max(len(p.payload["waiting"]) for p in queue) == 1
    assert queue[-1].payload["waiting"] == [] and queue[-1].payload["abandoned"] == 1


def test_queue_timeout_is_not_an_abandon():
    r, outcome = only_record("queue-timeout")
    assert r.outcome == "queue_timeout" and r.ended_by == "system"
    assert r.queue_name == "pregnancy" and r.wait_seconds == 20 and r.answered_at is None
    statuses = [p.payload["status"] for p in outcome.publishes("agent.Local/agent5")]
    assert statuses.count("ringing") >= 2, "rung twice, RingNoAnswer in between"


def test_hung_up_in_ivr():
    r, _ = only_record("ivr-hangup")
    assert r.outcome == "ivr_hangup" and r.ivr_choice == "hangup"
    assert r.queued_at is None and r.queue_name is None and r.ended_by == "caller"


def test_ivr_invalid_then_valid_and_timeout():
    r, _ = only_record("ivr-invalid-then-valid")
    assert (r.ivr_choice, r.queue_name, r.outcome) == ("2", "trafficking", "answered")
    r, _ = only_record("ivr-timeout")
    assert (r.ivr_choice, r.queue_name, r.outcome) == ("none", "operator", "answered")
    assert r.agent_name == "Kanya Boonmee"


def test_agent_hangs_up_from_the_phone():
    r, _ = only_record("agent-hangup")
    assert r.outcome == "answered" and r.ended_by == "agent" and r.talk_seconds == 5


def test_console_hangup_over_ami_is_recorded_as_console():
    hangups = [a for a in sent_actions("agent-hangup-ami") if a.get("Action") == "Hangup"]
    channel = hangups[0].get("Channel")

    def before(tracker, arrival):
        if arrival.message.action_id == hangups[0].action_id:
            tracker.note_console_hangup(channel)
        return []

    outcome = run_tracker("agent-hangup-ami", before=before)
    (r,) = outcome.records.values()
    assert r.outcome == "answered" and r.ended_by == "console"


def test_snapshot_three_calls_two_answered_one_abandoned():
    outcome = run_tracker("snapshot")
    records = sorted(outcome.records.values(), key=lambda r: r.caller_number)
    assert [(r.caller_number, r.outcome) for r in records] == [
        ("0811111111", "answered"), ("0822222222", "answered"), ("0833333333", "abandoned")]
    assert records[2].wait_seconds == 13
    assert [r.talk_seconds for r in records[:2]] == [14, 14]


def test_agent_states_login_pause_with_reason_unpause_logout():
    outcome = run_tracker("agent-states")
    published = outcome.publishes("agent.Local/agent8@agents/n.updated")
    seen = [(p.payload["status"], p.payload["paused_reason"]) for p in published]
    assert seen[0] == ("available", None)
    assert ("paused", "case paperwork") in seen
    # Paused in violence only: still available to trafficking.
    violence_pause = next(p for p in published if p.payload["queues"].get("violence", {})
                          .get("paused_reason") == "break")
    assert violence_pause.payload["status"] == "available"
    assert published[-1].payload["status"] == "logged_out" and published[-1].live is False
    assert published[-1].payload["name"] == "รัตนา ชัยโย"
    assert "Local/agent8@agents/n" not in outcome.tracker.agents


def originate_run(name: str):
    (originate,) = [a for a in sent_actions(name) if a.get("Action") == "Originate"]

    def before(tracker, arrival):
        if arrival.message.action_id == "rec-1" and arrival.message.response:
            return tracker.originate_requested(action_id=originate.action_id,
                                               channel=originate.get("Channel"),
                                               received_at=arrival.received_at)
        return []

    outcome = run_tracker(name, before=before)
    assert outcome.tracker.calls == {}
    (r,) = outcome.records.values()
    return r


def test_originate_busy_and_no_answer_fail_matched_by_action_id():
    busy = originate_run("originate-busy")
    assert (busy.direction, busy.outcome, busy.hangup_cause) == ("outbound", "failed", 17)
    assert busy.uniqueid == "rec-2" and busy.dialled_number == "th10"
    noanswer = originate_run("originate-noanswer")
    assert (noanswer.outcome, noanswer.hangup_cause) == ("failed", 19)


def test_originate_answered_ends_with_the_legs_hangup():
    r = originate_run("originate-ack")
    assert r.outcome == "answered" and r.answered_at is not None
    assert r.linkedid and r.ended_at > r.answered_at


def test_replaying_a_transcript_twice_gives_the_same_single_record():
    tracker = Tracker("test")
    first = run_tracker("answered", tracker)
    again = run_tracker("answered", tracker)
    assert again.records == {} or list(again.records) == list(first.records)
    assert tracker.calls == {}
