"""A supervisor's ways out of an unanswered dispatch: acknowledge for the unit, send again,
cancel; each on the timeline with the supervisor as actor, and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.agents.models import Role
from callcenter.audit import AuditEvent
from callcenter.dispatch import escalation, supervise
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import Alert, AlertStatus
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.errors import DomainError, InvalidTransition
from callcenter.provinces.models import AlertChannel
from tests.support import builders

CONFIG = builders.settings(ack_timeout_immediate_seconds=60, max_alarm_repeats=0)
LADDER = [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66811")]


@pytest.fixture
def unanswered(db_session):
    """A dispatch whose whole ladder was tried: escalated, the alarm up, no more repeats."""
    world = builders.world(db_session, LADDER)
    supervisor = builders.user(db_session, Role.SUPERVISOR)
    dispatch = dispatches.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                                 actor_id=world.agent.id, settings=CONFIG)
    t = dispatch.created_at
    for n in (1, 2):
        assert escalation.escalate_if_due(db_session, dispatch.id,
                                          now=t + timedelta(seconds=60 * n), settings=CONFIG)
    assert dispatch.status is S.ESCALATED and escalation.due_at(db_session, dispatch,
                                                                CONFIG) is None
    return world, supervisor, dispatch


def audited(db_session, dispatch_id, action) -> list[int | None]:
    return list(db_session.scalars(select(AuditEvent.actor_id).where(
        AuditEvent.entity_type == "dispatch", AuditEvent.entity_id == str(dispatch_id),
        AuditEvent.action == action)))


def test_acknowledging_for_the_unit_needs_a_note_and_names_the_supervisor(
        db_session, unanswered):
    _, supervisor, dispatch = unanswered
    with pytest.raises(DomainError) as refused:
        supervise.acknowledge_for_unit(db_session, dispatch.id, actor_id=supervisor.id,
                                       note="  ")
    assert refused.value.field == "note"
    supervise.acknowledge_for_unit(db_session, dispatch.id, actor_id=supervisor.id,
                                   note="หัวหน้าหน่วยโทรเข้าสายด่วน",
                                   now=dispatch.created_at + timedelta(minutes=10))
    assert dispatch.status is S.ACKNOWLEDGED
    last = dispatches.timeline(db_session, dispatch.id)[-1]
    assert last.actor_id == supervisor.id and "หัวหน้าหน่วยโทรเข้าสายด่วน" in last.note
    assert audited(db_session, dispatch.id, "dispatch.acknowledged") == [supervisor.id]
    owed = db_session.scalars(select(Alert.status).where(Alert.dispatch_id == dispatch.id))
    assert AlertStatus.PENDING not in set(owed)


def test_resending_starts_the_ladder_again_from_the_first_contact(db_session, unanswered):
    _, supervisor, dispatch = unanswered
    now = dispatch.created_at + timedelta(minutes=10)
    alert = supervise.resend(db_session, dispatch.id, actor_id=supervisor.id, now=now,
                             note="โทรไม่ติด ลองอีกครั้ง", settings=CONFIG)
    assert alert.channel is AlertChannel.CONSOLE and alert.status is AlertStatus.PENDING
    assert dispatch.alarm_repeats == 0 and dispatch.status is S.ESCALATED
    # The timer runs again, and the next step is the second contact.
    assert escalation.due_at(db_session, dispatch, CONFIG) == now + timedelta(seconds=60)
    escalation.escalate_if_due(db_session, dispatch.id, now=now + timedelta(seconds=60),
                               settings=CONFIG)
    newest = db_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)
                                .order_by(Alert.id.desc())).first()
    assert newest.channel is AlertChannel.SMS
    resent = [e for e in dispatches.timeline(db_session, dispatch.id)
              if e.actor_id == supervisor.id]
    assert len(resent) == 1 and "re-sent" in resent[0].note
    assert audited(db_session, dispatch.id, "dispatch.resend") == [supervisor.id]


def test_cancelling_needs_a_reason_clears_the_alarm_and_is_final(db_session, unanswered):
    world, supervisor, dispatch = unanswered
    with pytest.raises(DomainError):
        supervise.cancel(db_session, dispatch.id, actor_id=supervisor.id, reason="")
    supervise.cancel(db_session, dispatch.id, actor_id=supervisor.id,
                     reason="เรื่องซ้ำกับเคสเดิม")
    assert dispatch.status is S.CANCELLED and dispatch.cancelled_at is not None
    assert dispatch.cancel_reason == "เรื่องซ้ำกับเคสเดิม"
    supervise.cancel(db_session, dispatch.id, actor_id=supervisor.id, reason="again")
    assert dispatch.cancel_reason == "เรื่องซ้ำกับเคสเดิม"  # a repeat changes nothing
    with pytest.raises(InvalidTransition):
        dispatches.acknowledge(db_session, dispatch.id, unit_id=world.unit.id,
                               actor_id=world.member.id)
    with pytest.raises(InvalidTransition):
        supervise.resend(db_session, dispatch.id, actor_id=supervisor.id, settings=CONFIG)
    assert audited(db_session, dispatch.id, "dispatch.cancelled") == [supervisor.id]
    # Off the unit's list, and free to be dispatched again.
    assert dispatch.id not in [d.id for d in dispatches.list_for_unit(db_session,
                                                                      world.unit.id)]
    again = dispatches.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id, settings=CONFIG)
    assert again.id != dispatch.id


def test_a_completed_dispatch_cannot_be_cancelled(db_session, unanswered):
    world, supervisor, dispatch = unanswered
    kw = {"unit_id": world.unit.id, "actor_id": world.member.id}
    dispatches.acknowledge(db_session, dispatch.id, **kw)
    dispatches.complete(db_session, dispatch.id, outcome="helped_on_site", field_report="",
                        **kw)
    with pytest.raises(InvalidTransition):
        supervise.cancel(db_session, dispatch.id, actor_id=supervisor.id, reason="x")
