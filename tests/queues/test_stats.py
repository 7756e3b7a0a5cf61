"""Wallboard numbers from the recorded Asterisk transcripts, against a hand count.

Hand count (tests/fixtures/asterisk, see each record's queue, outcome and wait):
  violence:    answered (wait 2) in `answered`; in `snapshot` two answered (wait 2, talk
               14 each) and one abandoned after 13 s  → answered 3, within 20 s 3,
               abandoned 1, service level 3 ÷ 4 = 75 %
  trafficking: answered in `agent-hangup`, `agent-hangup-ami`, `ivr-invalid-then-valid`
               (wait 2 each)                         → answered 3, service level 100 %
  operator:    answered in `ivr-timeout` (wait 2)    → answered 1, service level 100 %
  welfare:     abandoned after 5 s in `abandoned`    → a short abandon: no service level
  pregnancy:   queue timeout after 20 s              → neither answered nor abandoned
  `ivr-hangup` never reached a queue and is not on the wallboard.
"""

from datetime import UTC, datetime, timedelta

from callcenter.ami.effects import Publish
from callcenter.ami.events import to_event
from callcenter.ami.tracker import Tracker
from callcenter.queues import stats
from tests.ami.support import AMI_FILES, arrivals, run_tracker


def all_records():
    records = []
    for name in AMI_FILES:
        records += [r.as_dict() for r in run_tracker(name).records.values()]
    return records


def test_todays_numbers_from_every_transcript_match_the_hand_count():
    today = stats.tally_calls(all_records())
    assert set(today) == {"violence", "trafficking", "operator", "welfare", "pregnancy"}
    v = today["violence"]
    assert (v.answered, v.answered_within, v.abandoned, v.short_abandoned) == (3, 3, 1, 0)
    assert v.service_level == 75.0
    assert v.average_wait == 2.0
    assert v.average_handle == round((6 + 14 + 14) / 3 + stats.WRAP_UP_SECONDS, 1)
    t = today["trafficking"]
    assert (t.answered, t.abandoned, t.service_level) == (3, 0, 100.0)
    assert today["operator"].answered == 1 and today["operator"].service_level == 100.0
    w = today["welfare"]
    assert (w.answered, w.abandoned, w.short_abandoned, w.service_level) == (0, 0, 1, None)
    p = today["pregnancy"]
    assert (p.answered, p.abandoned, p.timed_out, p.service_level) == (0, 0, 1, None)


def test_the_board_totals_every_queue_and_names_the_definition():
    board = stats.build(queues=[], agents=[], today=stats.tally_calls(all_records()),
                        now=datetime(2026, 11, 22, 12, tzinfo=UTC))
    assert (board.total.answered, board.total.abandoned) == (7, 1)
    assert board.total.service_level == 87.5
    assert "÷" in stats.DEFINITION["en"] and "÷" in stats.DEFINITION["th"]
    assert [q.name for q in board.queues][:2] == ["violence", "trafficking"]


def test_three_callers_waiting_in_the_snapshot_transcript_are_counted_with_their_wait():
    tracker = Tracker("test")
    latest: dict[str, dict] = {}
    peak = None
    for arrival in arrivals("snapshot"):
        event = to_event(arrival.message)
        if event is None:
            continue
        for effect in tracker.handle(event, arrival.received_at):
            if isinstance(effect, Publish):
                latest[effect.topic] = effect.payload
        queue = latest.get("queue.violence.updated")
        if queue and len(queue["waiting"]) == 3 and peak is None:
            peak = (arrival.received_at + tracker.clock_offset + timedelta(seconds=61),
                    dict(latest))
    assert peak is not None, "the transcript has three callers waiting at once"
    now, state = peak
    kinds = {k: [p for t, p in state.items() if t.startswith(k + ".")]
             for k in ("queue", "agent", "call")}
    board = stats.build(queues=kinds["queue"], agents=kinds["agent"], calls=kinds["call"],
                        now=now)
    violence = next(q for q in board.queues if q.name == "violence")
    assert violence.waiting == 3
    assert 61 <= violence.longest_wait <= 75
    assert all(w.ivr_choice == "1" for w in board.waiting)
    assert {a.kind for a in board.alarms} == {"long_wait"}
    assert len(board.alarms) == 3


def test_an_agent_paused_in_one_queue_counts_as_paused_there_only():
    tracker = Tracker("test")
    states = []
    for arrival in arrivals("agent-states"):
        event = to_event(arrival.message)
        if event is None:
            continue
        for effect in tracker.handle(event, arrival.received_at):
            if isinstance(effect, Publish) and effect.topic.startswith("agent."):
                states.append((arrival.received_at, effect.payload))
    partly = next((at, p) for at, p in states if p["paused_reason"] == "break")
    board = stats.build(queues=[], agents=[partly[1]], now=partly[0])
    paused_in = {q.name: (q.paused, q.pause_reasons, q.available) for q in board.queues}
    paused_queue = next(n for n, (paused, _, _) in paused_in.items() if paused)
    assert paused_in[paused_queue] == (1, {"break": 1}, 0)
    assert sum(p for p, _, _ in paused_in.values()) == 1
    fully = next((at, p) for at, p in states if p["status"] == "paused")
    board = stats.build(queues=[], agents=[fully[1]], now=fully[0] + timedelta(seconds=901))
    agent = board.agents[0]
    assert (agent.state, agent.reason, agent.band) == ("paused", "case paperwork", "warn")
    assert stats.pause_summary(board) == {"case paperwork": 1}
    assert all(q.paused == 1 for q in board.queues)


def test_an_agent_is_in_wrap_up_for_ten_seconds_after_a_call():
    outcome = run_tracker("answered")
    record = next(iter(outcome.records.values()))
    agent = outcome.publishes("agent.Local/agent1")[-1].payload
    ended = record.ended_at
    view = stats.agent_view(agent, ended + timedelta(seconds=3), last_call_end=ended)
    assert (view.state, view.seconds) == ("wrap_up", 3)
    view = stats.agent_view(agent, ended + timedelta(seconds=11), last_call_end=ended)
    assert view.state == "available"


def test_colour_bands_follow_time_in_state():
    assert stats.band("talking", 30) == "ok"
    assert stats.band("talking", 600) == "warn"
    assert stats.band("talking", 1200) == "alarm"
    assert stats.band("available", 10_000) == "ok"


def test_service_level_under_target_raises_an_alarm_once_enough_calls_count():
    calls = [{"queue_name": "violence", "outcome": "answered", "answered_at": "x",
              "wait_seconds": 40, "talk_seconds": 10}] * 4
    board = stats.build(queues=[], agents=[], today=stats.tally_calls(calls),
                        now=datetime(2026, 1, 1, tzinfo=UTC))
    assert board.alarms == []
    calls.append({**calls[0], "wait_seconds": 3})
    board = stats.build(queues=[], agents=[], today=stats.tally_calls(calls),
                        dispatch_alarms=[{"dispatch_id": 7, "escalations": 2}],
                        now=datetime(2026, 1, 1, tzinfo=UTC))
    assert [(a.kind, a.subject) for a in board.alarms] == [
        ("service_level", "violence"), ("dispatch", "7")]
    assert board.queues[0].service_level == 20.0


def test_wallboard_and_reports_share_the_short_abandon_rule():
    from callcenter.reports import calls as report_calls

    assert report_calls.SHORT_ABANDON_SECONDS == stats.SHORT_ABANDON_SECONDS
    assert report_calls.DEFAULT_THRESHOLD_SECONDS == stats.DEFAULT_THRESHOLD_SECONDS


def test_an_agent_whose_phone_cannot_ring_is_unavailable_not_available():
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)

    def agent(interface, status, device="not_in_use"):
        return {"interface": interface, "name": interface, "status": status,
                "changed_at": (now - timedelta(seconds=30)).isoformat(),
                "queues": {"violence": {"paused": False, "device_state": device}}}

    board = stats.build(queues=[], agents=[
        agent("PJSIP/a1", "unavailable", "unavailable"),
        agent("PJSIP/a2", "available", "invalid"),  # as a bridge without the state says it
        agent("PJSIP/a3", "available"),
    ], now=now)
    states = {a.interface: (a.state, a.band) for a in board.agents}
    assert states == {"PJSIP/a1": ("unavailable", "warn"), "PJSIP/a2": ("unavailable", "warn"),
                      "PJSIP/a3": ("available", "ok")}
    [violence] = board.queues
    assert (violence.signed_in, violence.available, violence.unavailable) == (3, 1, 2)
