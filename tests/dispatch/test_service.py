from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.cases.models import Case, CaseStatus
from callcenter.db import utcnow
from callcenter.dispatch import service
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch, DispatchEvent
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.errors import DomainError, Forbidden, InvalidTransition, NotFound
from callcenter.provinces.models import AlertChannel
from tests.support import builders
from tests.support.audit_trail import audited

CONFIG = builders.settings()


def dispatch_to(session, world, case_id=None, **kw):
    return service.create(session, case_id=case_id or world.case_id, unit_id=world.unit.id,
                          actor_id=world.agent.id, settings=CONFIG, **kw)


def events(session, dispatch_id):
    return [e.status for e in service.timeline(session, dispatch_id)]


def test_a_dispatch_and_its_first_alert_are_written_together(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66811")])
    dispatch = dispatch_to(db_session, world)
    alerts = db_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)).all()
    assert dispatch.unit_id == world.unit.id and dispatch.status is S.CREATED
    assert [(a.channel, a.status) for a in alerts] == [(AlertChannel.CONSOLE, AlertStatus.PENDING)]
    assert db_session.get(Case, world.case_id).status is CaseStatus.DISPATCHED
    assert events(db_session, dispatch.id) == [S.CREATED]


def test_a_closed_case_is_not_dispatched_until_it_is_reopened(db_session):
    world = builders.world(db_session)
    case = db_session.get(Case, world.case_id)
    case.status = CaseStatus.CLOSED
    with pytest.raises(InvalidTransition):
        dispatch_to(db_session, world)
    assert db_session.scalars(select(Dispatch).where(Dispatch.case_id == case.id)).all() == []


def test_a_unit_with_no_reachable_contact_is_escalated_at_once(db_session):
    # An SMS contact with no gateway configured and a LINE contact with no address.
    world = builders.world(db_session, [(AlertChannel.SMS, "+66811"), (AlertChannel.LINE, "")])
    dispatch = service.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                              settings=builders.settings(sms_gateway_url=None))
    assert dispatch.status is S.ESCALATED and dispatch.escalated_at is not None
    assert db_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)).all() == []
    note = service.timeline(db_session, dispatch.id)[-1].note
    assert "no reachable contact" in note


def test_a_repeated_acknowledgement_is_harmless(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    for _ in range(3):
        service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id,
                            actor_id=world.member.id)
    assert dispatch.status is S.ACKNOWLEDGED
    assert events(db_session, dispatch.id) == [S.CREATED, S.ACKNOWLEDGED]


def test_acknowledging_cancels_the_alerts_still_owed(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id)
    statuses = db_session.scalars(select(Alert.status).where(Alert.dispatch_id == dispatch.id))
    assert list(statuses) == [AlertStatus.CANCELLED]


def test_acknowledging_a_declined_dispatch_is_refused(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    service.decline(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id,
                    reason="ทีมอยู่ระหว่างเหตุอื่น")
    with pytest.raises(InvalidTransition):
        service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id,
                            actor_id=world.member.id)
    assert dispatch.status is S.DECLINED


def test_an_escalated_dispatch_acknowledged_late_stops_escalating(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    from callcenter.dispatch import escalation
    later = utcnow() + timedelta(hours=1)
    assert escalation.escalate_if_due(db_session, dispatch.id, now=later, settings=CONFIG)
    service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id)
    assert dispatch.status is S.ACKNOWLEDGED
    assert not escalation.escalate_if_due(db_session, dispatch.id, now=later + timedelta(hours=1),
                                          settings=CONFIG)


def test_a_decline_needs_a_reason_and_keeps_it_for_the_agent(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    with pytest.raises(DomainError):
        service.decline(db_session, dispatch.id, unit_id=world.unit.id,
                        actor_id=world.member.id, reason="  ")
    service.decline(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id,
                    reason="รถเสีย")
    assert dispatch.decline_reason == "รถเสีย" and dispatch.declined_at is not None
    assert service.timeline(db_session, dispatch.id)[-1].note == "รถเสีย"


def test_another_unit_can_neither_act_on_nor_see_a_dispatch(db_session):
    world = builders.world(db_session)
    other = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    with pytest.raises(Forbidden):
        service.acknowledge(db_session, dispatch.id, unit_id=other.unit.id,
                            actor_id=other.member.id)
    with pytest.raises(NotFound):
        service.get_for_unit(db_session, dispatch.id, unit_id=other.unit.id,
                             actor_id=other.member.id)
    assert service.list_for_unit(db_session, other.unit.id) == []


def test_the_unit_sees_what_the_visit_needs_and_the_view_is_audited(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    detail = service.get_for_unit(db_session, dispatch.id, unit_id=world.unit.id,
                                  actor_id=world.member.id)
    assert [p.role for p in detail.persons] == ["victim"]
    assert detail.persons[0].address == "บ้านเลขที่ 1"
    assert not hasattr(detail.persons[0], "full_name")
    audited(db_session, "dispatch.view", actor_id=world.member.id, entity_type="dispatch",
            entity_id=dispatch.id)


def test_the_victims_phone_is_withheld_when_no_call_back_is_safe(db_session):
    world = builders.world(db_session)
    db_session.get(Case, world.case_id).do_not_call_back = True
    dispatch = dispatch_to(db_session, world)
    detail = service.get_for_unit(db_session, dispatch.id, unit_id=world.unit.id,
                                  actor_id=world.member.id)
    assert detail.persons[0].phone is None


def test_the_unit_list_holds_open_dispatches_only(db_session):
    world = builders.world(db_session)
    open_one = dispatch_to(db_session, world)
    closed = dispatch_to(db_session, world, builders.case(db_session, world))
    service.decline(db_session, closed.id, unit_id=world.unit.id, actor_id=world.member.id,
                    reason="ซ้ำ")
    assert [d.id for d in service.list_for_unit(db_session, world.unit.id)] == [open_one.id]
    everything = service.list_for_unit(db_session, world.unit.id, open_only=False)
    assert {d.id for d in everything} == {open_one.id, closed.id}


def test_the_visit_goes_en_route_on_scene_and_completes_with_a_report(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    kw = {"unit_id": world.unit.id, "actor_id": world.member.id}
    service.acknowledge(db_session, dispatch.id, **kw)
    service.mark_en_route(db_session, dispatch.id, **kw)
    service.mark_on_scene(db_session, dispatch.id, **kw)
    with pytest.raises(DomainError):
        service.complete(db_session, dispatch.id, outcome="", field_report="", **kw)
    service.complete(db_session, dispatch.id, outcome="safe_with_relative",
                     field_report="ส่งต่อบ้านพักเด็ก", **kw)
    assert dispatch.status is S.COMPLETED and dispatch.outcome == "safe_with_relative"
    assert dispatch.field_report == "ส่งต่อบ้านพักเด็ก"
    assert events(db_session, dispatch.id) == [S.CREATED, S.ACKNOWLEDGED, S.EN_ROUTE,
                                               S.ON_SCENE, S.COMPLETED]
    audited(db_session, "dispatch.create", actor_id=world.agent.id, entity_type="dispatch",
            entity_id=dispatch.id)
    for action in ("dispatch.acknowledged", "dispatch.completed"):
        audited(db_session, action, actor_id=world.member.id, entity_type="dispatch",
                entity_id=dispatch.id)


def test_going_on_scene_before_acknowledging_is_refused(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    with pytest.raises(InvalidTransition):
        service.mark_on_scene(db_session, dispatch.id, unit_id=world.unit.id,
                              actor_id=world.member.id)


def test_the_voice_alert_answer_acknowledges_or_declines(db_session):
    world = builders.world(db_session)
    accepted = dispatch_to(db_session, world)
    refused = dispatch_to(db_session, world, builders.case(db_session, world))
    service.record_voice_answer(db_session, accepted.id, unit_code=world.unit.code,
                                answer="yes")
    service.record_voice_answer(db_session, refused.id, unit_code=world.unit.code, answer="no")
    assert service.record_voice_answer(db_session, accepted.id, unit_code=world.unit.code,
                                       answer="none") is None
    assert accepted.status is S.ACKNOWLEDGED
    assert refused.status is S.DECLINED and refused.decline_reason


def test_a_dispatch_event_row_is_written_for_every_step(db_session):
    world = builders.world(db_session)
    dispatch = dispatch_to(db_session, world)
    count = db_session.scalar(select(DispatchEvent.id).where(
        DispatchEvent.dispatch_id == dispatch.id).limit(1))
    assert count is not None
    assert db_session.get(Dispatch, dispatch.id).created_by_id == world.agent.id


def test_by_default_the_case_goes_to_its_provinces_unit(db_session):
    world = builders.world(db_session, province_code="TH-96")
    dispatch = service.create(db_session, case_id=world.case_id, actor_id=world.agent.id,
                              settings=CONFIG)
    assert dispatch.unit_id == world.unit.id
