"""Escalation with a controlled clock: ``now`` is passed in, never read from the machine."""

from datetime import timedelta

from sqlalchemy import select

from callcenter.dispatch import escalation, service
from callcenter.dispatch.models import Alert
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from callcenter.taxonomy import Urgency
from tests.support import builders

LADDER = [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66811"),
          (AlertChannel.EMAIL, "supervisor@province.test")]
CONFIG = builders.settings(ack_timeout_immediate_seconds=300, ack_timeout_low_seconds=3600)


def start(session, urgency=Urgency.IMMEDIATE, ladder=LADDER):
    world = builders.world(session, ladder, urgency=urgency)
    dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                              settings=CONFIG)
    return world, dispatch


def channels(session, dispatch_id):
    return list(session.scalars(select(Alert.channel).where(Alert.dispatch_id == dispatch_id)
                                .order_by(Alert.id)))


def test_nothing_escalates_before_the_urgency_timeout(db_session):
    _, dispatch = start(db_session)
    t0 = dispatch.created_at
    assert not escalation.escalate_if_due(db_session, dispatch.id,
                                          now=t0 + timedelta(seconds=299), settings=CONFIG)
    assert dispatch.status is S.CREATED


def test_each_timeout_alerts_the_next_contact_then_raises_the_supervisor_alarm(db_session):
    _, dispatch = start(db_session)
    t0 = dispatch.created_at
    steps = [t0 + timedelta(seconds=300 * n) for n in (1, 2, 3)]
    for now in steps:
        assert escalation.escalate_if_due(db_session, dispatch.id, now=now, settings=CONFIG)
    assert channels(db_session, dispatch.id) == [AlertChannel.CONSOLE, AlertChannel.SMS,
                                                 AlertChannel.EMAIL]
    notes = [e.note for e in service.timeline(db_session, dispatch.id) if e.status is S.ESCALATED]
    assert "next contact position 2 (sms)" in notes[0]
    assert "next contact position 3 (email)" in notes[1]
    assert "every contact tried: supervisor alarm" in notes[2]
    assert dispatch.status is S.ESCALATED and dispatch.escalated_at == steps[0]


def test_a_step_is_taken_once_however_often_the_timer_fires(db_session):
    _, dispatch = start(db_session)
    now = dispatch.created_at + timedelta(seconds=301)
    results = [escalation.escalate_if_due(db_session, dispatch.id, now=now, settings=CONFIG)
               for _ in range(3)]
    assert results == [True, False, False]


def test_timeouts_follow_urgency(db_session):
    _, low = start(db_session, Urgency.LOW)
    now = low.created_at + timedelta(seconds=600)
    assert not escalation.escalate_if_due(db_session, low.id, now=now, settings=CONFIG)
    assert escalation.due_at(db_session, low, CONFIG) == low.created_at + timedelta(hours=1)


def test_the_relay_query_finds_exactly_the_overdue_dispatches(db_session):
    _, urgent = start(db_session, Urgency.IMMEDIATE)
    _, low = start(db_session, Urgency.LOW)
    now = urgent.created_at + timedelta(seconds=900)
    overdue = escalation.overdue_ids(db_session, now=now, settings=CONFIG)
    assert urgent.id in overdue and low.id not in overdue
    escalation.escalate_if_due(db_session, urgent.id, now=now, settings=CONFIG)
    assert urgent.id not in escalation.overdue_ids(db_session, now=now, settings=CONFIG)


def test_acknowledged_dispatches_never_escalate(db_session):
    world, dispatch = start(db_session)
    service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id)
    later = dispatch.created_at + timedelta(days=1)
    assert dispatch.id not in escalation.overdue_ids(db_session, now=later, settings=CONFIG)
    assert escalation.due_at(db_session, dispatch, CONFIG) is None
