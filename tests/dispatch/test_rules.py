"""Dispatch rules added for the field: one open dispatch per case and unit, the phone beside
the console for urgent cases, a console nobody watches, and an alarm that backs off and
stops repeating (while it stays)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import migrate
from callcenter.db import make_engine, session_scope
from callcenter.dispatch import escalation, service
from callcenter.dispatch.channels.console import NOBODY
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from callcenter.taxonomy import Urgency
from tests.support import builders

CONFIG = builders.settings(ack_timeout_immediate_seconds=300, max_alarm_repeats=2)
LADDER = [(AlertChannel.CONSOLE, ""), (AlertChannel.VOICE, "0990000050"),
          (AlertChannel.SMS, "+66811")]


def create(session, world, **kw):
    return service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                          actor_id=world.agent.id, settings=kw.pop("settings", CONFIG), **kw)


def channels(session, dispatch_id):
    return list(session.scalars(select(Alert.channel).where(Alert.dispatch_id == dispatch_id)
                                .order_by(Alert.id)))


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


# --- a double click on "Dispatch" ----------------------------------------------------------


def test_dispatching_a_case_twice_returns_the_open_dispatch(db_session):
    world = builders.world(db_session, LADDER)
    first, new = service.create_or_existing(db_session, case_id=world.case_id,
                                            unit_id=world.unit.id, actor_id=world.agent.id,
                                            settings=CONFIG)
    again, again_new = service.create_or_existing(db_session, case_id=world.case_id,
                                                  actor_id=world.agent.id, settings=CONFIG)
    assert (new, again_new) == (True, False) and again.id == first.id
    assert count(db_session, Dispatch, case_id=world.case_id) == 1
    assert count(db_session, Alert, dispatch_id=first.id) == 1  # no second alert either


def test_after_a_decline_the_case_may_be_dispatched_again(db_session):
    world = builders.world(db_session, LADDER)
    first = create(db_session, world)
    service.decline(db_session, first.id, unit_id=world.unit.id, actor_id=world.member.id,
                    reason="ทีมติดภารกิจ")
    second = create(db_session, world)
    assert second.id != first.id and second.status is S.CREATED


def test_two_clicks_at_the_same_moment_make_one_dispatch_on_postgresql(committing_sessionmaker):
    with session_scope(committing_sessionmaker) as session:
        world = builders.world(session, LADDER)
        case_id, unit_id, agent_id = world.case_id, world.unit.id, world.agent.id
    barrier = threading.Barrier(2)
    made: list[int] = []

    def click() -> None:
        with session_scope(committing_sessionmaker) as session:
            barrier.wait()
            made.append(service.create(session, case_id=case_id, unit_id=unit_id,
                                       actor_id=agent_id, settings=CONFIG).id)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(made) == 2 and made[0] == made[1]
    with committing_sessionmaker() as session:
        assert count(session, Dispatch, case_id=case_id) == 1


def test_dispatching_twice_returns_the_open_dispatch_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            world = builders.world(session, LADDER)
            first = create(session, world)
            ids = world.case_id, world.unit.id, world.agent.id, first.id
            session.commit()
        case_id, unit_id, agent_id, first_id = ids
        with Session(engine) as session:
            again = service.create(session, case_id=case_id, unit_id=unit_id,
                                   actor_id=agent_id, settings=CONFIG)
            session.commit()
            assert again.id == first_id
            assert count(session, Dispatch, case_id=case_id) == 1
    finally:
        engine.dispose()


# --- who is alerted first -----------------------------------------------------------------


def test_an_immediate_case_rings_the_duty_phone_beside_the_console(db_session):
    both = builders.settings(phone_with_console_urgencies=[Urgency.IMMEDIATE, Urgency.HIGH])
    world = builders.world(db_session, LADDER, urgency=Urgency.IMMEDIATE)
    dispatch = create(db_session, world, settings=both)
    assert channels(db_session, dispatch.id) == [AlertChannel.CONSOLE, AlertChannel.VOICE]
    # The phone is the current rung: the next step goes to the SMS contact.
    later = dispatch.created_at + timedelta(seconds=both.ack_timeout(Urgency.IMMEDIATE))
    assert escalation.escalate_if_due(db_session, dispatch.id, now=later, settings=both)
    assert channels(db_session, dispatch.id)[-1] is AlertChannel.SMS


def test_a_normal_case_alerts_the_console_alone(db_session):
    both = builders.settings(phone_with_console_urgencies=[Urgency.IMMEDIATE, Urgency.HIGH])
    world = builders.world(db_session, LADDER, urgency=Urgency.NORMAL)
    assert channels(db_session, create(db_session, world, settings=both).id) == [
        AlertChannel.CONSOLE]


def test_the_console_failing_beside_the_phone_changes_nothing(db_session):
    both = builders.settings(phone_with_console_urgencies=[Urgency.IMMEDIATE])
    world = builders.world(db_session, LADDER, urgency=Urgency.IMMEDIATE)
    dispatch = create(db_session, world, settings=both)
    console_id = db_session.scalars(select(Alert.id).where(
        Alert.dispatch_id == dispatch.id, Alert.channel == AlertChannel.CONSOLE)).one()
    claim = outbox.claim(db_session, console_id, now=dispatch.created_at, settings=both)
    outbox.record_failure(db_session, claim, error=NOBODY, transient=False,
                          now=dispatch.created_at, settings=both, unreachable=True)
    assert channels(db_session, dispatch.id) == [AlertChannel.CONSOLE, AlertChannel.VOICE]
    assert dispatch.status is S.CREATED


# --- a console nobody watches -------------------------------------------------------------


def fail_unreachable(session, alert, now):
    claim = outbox.claim(session, alert.id, now=now, settings=CONFIG)
    outbox.record_failure(session, claim, error=NOBODY, transient=False, now=now,
                          settings=CONFIG, unreachable=True)


def test_nobody_on_the_console_alerts_the_next_contact_without_an_alarm(db_session):
    world = builders.world(db_session, LADDER)
    dispatch = create(db_session, world)
    (console,) = db_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id))
    fail_unreachable(db_session, console, dispatch.created_at)
    assert console.status is AlertStatus.FAILED and console.attempt_count == 1
    assert channels(db_session, dispatch.id) == [AlertChannel.CONSOLE, AlertChannel.VOICE]
    assert dispatch.status is S.CREATED and dispatch.escalated_at is None
    last = service.timeline(db_session, dispatch.id)[-1]
    assert last.status is S.CREATED and NOBODY in last.note and "position 2" in last.note


def test_nobody_on_the_only_contact_is_an_escalation(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")])
    dispatch = create(db_session, world)
    (console,) = db_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id))
    fail_unreachable(db_session, console, dispatch.created_at)
    assert dispatch.status is S.ESCALATED
    assert "every contact tried" in service.timeline(db_session, dispatch.id)[-1].note


# --- an alarm nobody answers --------------------------------------------------------------


def test_the_supervisor_alarm_backs_off_and_stops_repeating_but_stays(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")])
    dispatch = create(db_session, world)
    t, timeout = dispatch.created_at, 300
    # Every contact tried after one timeout, then repeats after 2x and 4x (limit 2).
    steps = []
    for wait in (timeout, 2 * timeout, 4 * timeout):
        assert not escalation.escalate_if_due(db_session, dispatch.id,
                                              now=t + timedelta(seconds=wait - 1),
                                              settings=CONFIG)
        t = t + timedelta(seconds=wait)
        assert escalation.escalate_if_due(db_session, dispatch.id, now=t, settings=CONFIG)
        steps.append(t)
    assert dispatch.alarm_repeats == 3
    assert escalation.due_at(db_session, dispatch, CONFIG) is None
    much_later = t + timedelta(days=2)
    assert not escalation.escalate_if_due(db_session, dispatch.id, now=much_later,
                                          settings=CONFIG)
    assert dispatch.id not in escalation.overdue_ids(db_session, now=much_later,
                                                     settings=CONFIG)
    notes = [e.note for e in service.timeline(db_session, dispatch.id)
             if e.status is S.ESCALATED]
    assert len(notes) == 3 and "a supervisor must act" in notes[-1]
    assert dispatch.status is S.ESCALATED  # the alarm stays until someone acts


@pytest.mark.parametrize("repeats", [0, 1, 2])
def test_the_relay_query_follows_the_back_off(db_session, repeats):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, "")])
    dispatch = create(db_session, world)
    dispatch.alarm_repeats = repeats
    db_session.flush()
    wait = 300 * 2 ** repeats
    before = dispatch.created_at + timedelta(seconds=wait - 1)
    after = dispatch.created_at + timedelta(seconds=wait + 1)
    assert dispatch.id not in escalation.overdue_ids(db_session, now=before, settings=CONFIG)
    assert dispatch.id in escalation.overdue_ids(db_session, now=after, settings=CONFIG)
