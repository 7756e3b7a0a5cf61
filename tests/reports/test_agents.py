"""Agent activity: calls handled, handle time, and pause time by reason from state history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.agents.models import AgentState, AgentStateChange
from callcenter.calls import service as calls
from callcenter.calls.models import CallOutcome
from callcenter.queues.stats import WRAP_UP_SECONDS
from callcenter.reports import service
from callcenter.reports.agents import WRAP_UP_REASON
from callcenter.reports.range import parse_range
from tests.ami.support import run_tracker
from tests.reports.builders import CallSpec, add_call, add_state

RANGE = parse_range("10/3/2569", "10/3/2569")  # 2026-03-09 17:00 to 03-10 17:00 UTC
START = datetime(2026, 3, 9, 17, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def rows(session, name):
    return list(service.run(session, name, RANGE).rows)


def test_handled_calls_and_average_handle_time_include_wrap_up(db_session, agent):
    for talk in (60, 120, 180):
        add_call(db_session, CallSpec(at(60), talk=talk, agent_user_id=agent.id))
    add_call(db_session, CallSpec(at(60), CallOutcome.ABANDONED, agent=None))
    add_call(db_session, CallSpec(at(-1), talk=999, agent_user_id=agent.id))  # day before
    add_call(db_session, CallSpec(at(70), talk=30, agent="PJSIP/agent2"))
    for minute, state, reason in (
        (100, AgentState.WRAP_UP, None), (101.5, AgentState.AVAILABLE, None),
        (110, AgentState.PAUSED, WRAP_UP_REASON), (111, AgentState.PAUSED, "meal"),
        (121, AgentState.AVAILABLE, None),
    ):
        add_state(db_session, at=at(minute), state=state, reason=reason, user_id=agent.id)
    db_session.flush()
    by_interface = {r[2]: r for r in rows(db_session, "agent_activity")}
    uid, name, _, handled, talk, wrap, aht, paused = by_interface["PJSIP/agent1"]
    # Wrap-up: the fixed 10 s per call, 90 s in wrap-up, 60 s paused for wrap-up.
    assert (uid, name, handled, talk) == (agent.id, "สมหญิง ใจดี", 3, 360)
    assert (wrap, paused) == (3 * WRAP_UP_SECONDS + 90 + 60, 600)
    assert aht == pytest.approx((360 + wrap) / 3)
    assert by_interface["PJSIP/agent2"][3:6] == (1, 30, WRAP_UP_SECONDS)


def test_pause_time_by_reason_is_cut_to_the_range(db_session, agent):
    states = [
        (-30, AgentState.PAUSED, "lunch"),  # began before the range: 30 of 40 min count
        (10, AgentState.AVAILABLE, None),
        (60, AgentState.PAUSED, "training"),
        (75, AgentState.AVAILABLE, None),
        (90, AgentState.PAUSED, "lunch"),
        (95, AgentState.IN_CALL, None),
        (24 * 60 - 5, AgentState.PAUSED, "toilet"),  # runs past the end: 5 min count
        (24 * 60 + 20, AgentState.LOGGED_OUT, None),
    ]
    for minute, state, reason in states:
        add_state(db_session, at=at(minute), state=state, reason=reason, user_id=agent.id)
    add_state(db_session, at=at(30), state=AgentState.PAUSED, reason="lunch",
              interface="PJSIP/agent2")  # still paused: counts until the end of the range
    db_session.flush()
    got = {(r[0], r[2]): (r[3], r[4]) for r in rows(db_session, "agent_pauses")}
    assert got == {
        ("PJSIP/agent1", "lunch"): (2, 15 * 60),
        ("PJSIP/agent1", "training"): (1, 15 * 60),
        ("PJSIP/agent1", "toilet"): (1, 5 * 60),
        ("PJSIP/agent2", "lunch"): (1, (24 * 60 - 30) * 60),
    }
    activity = {r[2]: r for r in rows(db_session, "agent_activity")}
    assert activity["PJSIP/agent1"][3] == 0  # no calls, still listed for the pauses
    assert activity["PJSIP/agent1"][-1] == 35 * 60


def bridge_state_rows(outcome) -> list[AgentStateChange]:
    """The rows the bridge writes from the tracker's agent updates: one each time an
    agent's state or pause reason changes, at the time the tracker gives the change."""
    rows, last = [], {}
    for publish in outcome.publishes("agent."):
        agent = publish.payload
        key = (agent["status"], agent["paused_reason"])
        if last.get(agent["interface"]) == key:
            continue
        last[agent["interface"]] = key
        rows.append(AgentStateChange(
            node="pbx1", agent_interface=agent["interface"], state=AgentState(agent["status"]),
            reason=agent["paused_reason"], changed_at=datetime.fromisoformat(agent["changed_at"])))
    return rows


def test_pause_time_by_reason_from_what_the_bridge_tracks_in_a_transcript(db_session, agent):
    """agent-states.ami: agent8 pauses in one queue only (`break`: still available in the
    other, so not a pause), then in all queues for `case paperwork`, then unpauses."""
    outcome = run_tracker("agent-states")
    rows = bridge_state_rows(outcome)
    db_session.add_all(rows)
    db_session.flush()
    paused = [r for r in rows if r.state == AgentState.PAUSED]
    assert [r.reason for r in paused] == ["case paperwork"]
    after = rows[rows.index(paused[0]) + 1]
    seconds = (after.changed_at - paused[0].changed_at).total_seconds()
    day = parse_range("22/11/2569", "22/11/2569")
    got = list(service.run(db_session, "agent_pauses", day).rows)
    assert got == [("Local/agent8@agents/n", "", "case paperwork", 1, round(seconds))]
    activity = {r[2]: r for r in service.run(db_session, "agent_activity", day).rows}
    assert activity["Local/agent8@agents/n"][3] == 0
    assert activity["Local/agent8@agents/n"][-1] == round(seconds)


def test_handled_calls_and_handle_time_from_what_the_bridge_records(db_session, agent):
    """answered.ami: agent1 answers after 2 s in `violence` and talks for 6 s."""
    outcome = run_tracker("answered")
    calls.record_many(db_session, node="pbx1", records=list(outcome.records.values()))
    db_session.add_all(bridge_state_rows(outcome))
    db_session.flush()
    day = parse_range("22/11/2569", "22/11/2569")
    rows = {r[2]: r for r in service.run(db_session, "agent_activity", day).rows}
    _, name, _, handled, talk, wrap, aht, paused = rows["Local/agent1@agents/n"]
    assert (name, handled, talk, wrap, paused) == ("สมหญิง ใจดี", 1, 6, WRAP_UP_SECONDS, 0)
    assert aht == 6 + WRAP_UP_SECONDS
