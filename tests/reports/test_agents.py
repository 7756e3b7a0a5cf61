"""Agent activity: calls handled, handle time, and pause time by reason from state history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callcenter.agents.models import AgentState, AgentStateChange
from callcenter.ami.bridge.sink import RecordWriter
from callcenter.ami.effects import AgentStateChanged
from callcenter.calls.models import CallOutcome
from callcenter.queues.stats import WRAP_UP_SECONDS
from callcenter.reports import service
from callcenter.reports.agents import WRAP_UP_REASON
from callcenter.reports.range import parse_range
from tests.ami.support import run_tracker
from tests.support.builders import CallSpec, add_call, add_state, reference_data

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


def written_by_the_bridge(sessions, transcript: str) -> None:
    """Replay a transcript through the tracker and write its effects as the bridge does
    (its RecordWriter: call rows, the agents' state history, users by interface)."""
    outcome = run_tracker(transcript)
    states = [e for e in outcome.effects if isinstance(e, AgentStateChanged)]

    async def write() -> None:
        writer = RecordWriter("pbx1", sessions)
        task = asyncio.create_task(writer.run())
        writer.add(list(outcome.records.values()), states)
        await writer.flush()
        task.cancel()

    asyncio.run(write())


def report(sessions, name: str, day: str) -> list[tuple]:
    with sessions() as session:
        return list(service.run(session, name, parse_range(day, day)).rows)


@pytest.fixture
def bridge_db(committing_sessionmaker):
    with committing_sessionmaker() as session:
        user = reference_data(session)  # agent1, phone PJSIP/agent1
        session.commit()
        return committing_sessionmaker, user.id


def test_pause_time_by_reason_from_what_the_bridge_writes(bridge_db):
    """agent-states.ami: agent8 pauses in one queue only (`break`: still available in the
    other, so not a pause), then in all queues for `case paperwork`, then unpauses."""
    sessions, _ = bridge_db
    written_by_the_bridge(sessions, "agent-states")
    with sessions() as session:
        history = session.execute(
            select(AgentStateChange.state, AgentStateChange.reason, AgentStateChange.changed_at)
            .order_by(AgentStateChange.id)).all()
    paused = [i for i, row in enumerate(history) if row.state == AgentState.PAUSED]
    assert [history[i].reason for i in paused] == ["case paperwork"]
    seconds = (history[paused[0] + 1].changed_at - history[paused[0]].changed_at).total_seconds()
    got = report(sessions, "agent_pauses", "22/11/2569")
    # A reason no list holds (the simulated phone's own words) is named as itself.
    assert got == [("Local/agent8@agents/n", "", "case paperwork", 1, round(seconds),
                    "case paperwork")]
    activity = {r[2]: r for r in report(sessions, "agent_activity", "22/11/2569")}
    assert activity["Local/agent8@agents/n"][3] == 0
    assert activity["Local/agent8@agents/n"][-1] == round(seconds)


def test_handled_calls_and_handle_time_from_what_the_bridge_writes(bridge_db):
    """answered.ami: agent1 answers after 2 s in `violence` and talks for 6 s."""
    sessions, agent_id = bridge_db
    written_by_the_bridge(sessions, "answered")
    rows = {r[2]: r for r in report(sessions, "agent_activity", "22/11/2569")}
    uid, name, _, handled, talk, wrap, aht, paused = rows["Local/agent1@agents/n"]
    # The bridge names the user behind the member interface (the phone's device, agent1).
    assert (uid, name) == (agent_id, "สมหญิง ใจดี")
    assert (handled, talk, wrap, paused) == (1, 6, WRAP_UP_SECONDS, 0)
    assert aht == 6 + WRAP_UP_SECONDS
