"""Reports over calls with several legs, as the bridge writes them from the PJSIP
recordings: a queue's and an agent's figures count legs, the hotline's count calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callcenter.calls import legs as call_legs
from callcenter.calls.models import Call
from callcenter.reports import today
from tests.reports.test_agents import bridge_db, report, written_by_the_bridge

__all__ = ["bridge_db"]  # the fixture, shared with the agent report tests

DAY = "6/12/2569"  # the recordings' day (2026-12-06, Bangkok)


def by_first(rows):
    return {r[0]: r for r in rows}


def test_a_blind_transfer_counts_in_both_queues_and_for_both_agents_once_for_the_hotline(
        bridge_db):
    sessions, _ = bridge_db
    written_by_the_bridge(sessions, "pjsip/pjsip-blind-transfer")
    queues = by_first(report(sessions, "calls_by_queue", DAY))
    # queue, label, offered, answered, abandoned, short, ivr only, other, avg wait, avg talk
    assert queues["violence"][2:] == (1, 1, 0, 0, 0, 0, 2.0, 5.0)
    assert queues["trafficking"][2:] == (1, 1, 0, 0, 0, 0, 2.0, 8.0)
    # The hotline took one call: by day, by outcome and its daily service level.
    (day,) = report(sessions, "calls_by_day", DAY)
    assert day[1:3] == (1, 1)
    assert report(sessions, "calls_by_outcome", DAY) == [("transferred", 1)]
    (level,) = report(sessions, "service_level", DAY)
    assert level[1:3] == (1, 1)
    by_queue = by_first(report(sessions, "service_level_by_queue", DAY))
    assert by_queue["violence"][3:5] == (1, 1) and by_queue["trafficking"][3:5] == (1, 1)
    agents = {r[2]: r for r in report(sessions, "agent_activity", DAY)}
    assert agents["PJSIP/agent1"][3:5] == (1, 5)
    assert agents["PJSIP/agent2"][3:5] == (1, 8)


def test_a_wait_limit_is_neither_answered_nor_abandoned_in_its_queue(bridge_db):
    sessions, _ = bridge_db
    written_by_the_bridge(sessions, "pjsip/pjsip-queue-timeout")
    queues = by_first(report(sessions, "calls_by_queue", DAY))
    assert queues["violence"][2:8] == (1, 0, 0, 0, 0, 1)
    assert queues["operator"][2:4] == (1, 1)
    by_queue = by_first(report(sessions, "service_level_by_queue", DAY))
    assert by_queue["violence"][3:6] == (0, 0, 0)
    assert by_queue["operator"][3:5] == (1, 1)


def test_the_agent_an_attended_transfer_reached_handled_the_call_too(bridge_db):
    sessions, _ = bridge_db
    written_by_the_bridge(sessions, "pjsip/pjsip-attended-transfer")
    agents = {r[2]: r for r in report(sessions, "agent_activity", DAY)}
    assert agents["PJSIP/agent1"][3:5] == (1, 12)
    assert agents["PJSIP/agent2"][3:5] == (1, 12)
    # agent2's part had no queue: it is in no queue's figures.
    assert set(by_first(report(sessions, "calls_by_queue", DAY))) == {"violence"}


def test_the_agent_who_transferred_is_in_wrap_up_from_the_transfer_on(bridge_db):
    sessions, _ = bridge_db
    written_by_the_bridge(sessions, "pjsip/pjsip-blind-transfer")
    with sessions() as session:
        (call,) = session.scalars(select(Call)).all()
        first, second = call_legs.of_call(session, call.id)
        ends = today.last_call_ends(session, first.ended_at + timedelta(seconds=1))
    assert ends["PJSIP/agent1"] == first.ended_at < second.ended_at
    assert ends["PJSIP/agent2"] == second.ended_at
