"""Later contacts: a call attached to an existing case, walk-ins and messages recorded;
each on the case's contacts with its call and handler, audited by ids only, and refused
clearly (nothing half-written) when the call is on the case already or the case is closed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callcenter.audit import AuditEvent
from callcenter.calls.models import Call, CallOutcome
from callcenter.cases import closure, contacts, service
from callcenter.cases.models import (
    CaseCall,
    CaseContact,
    CaseStatus,
    ClosureOutcome,
    ContactChannel,
)
from callcenter.db import utcnow
from callcenter.dispatch import case_clock
from callcenter.errors import Conflict, InvalidInput
from tests.support.audit_trail import audited, user_id


@pytest.fixture
def agents(seeded_session):
    return user_id(seeded_session, "agent1"), user_id(seeded_session, "agent2")


def a_call(db, uniqueid, *, agent_id, ago=timedelta(minutes=5)) -> Call:
    started = utcnow() - ago
    call = Call(node="pbx1", uniqueid=uniqueid, caller_number="0891112222",
                started_at=started, queued_at=started + timedelta(seconds=10),
                answered_at=started + timedelta(seconds=30), queue_name="violence",
                agent_user_id=agent_id, wait_seconds=20, talk_seconds=240,
                outcome=CallOutcome.ANSWERED)
    db.add(call)
    db.flush()
    return call


def a_case(db, actor, *, first_call=None):
    case = service.open_case(db, created_by_id=actor)
    service.change_status(db, case, to=CaseStatus.SCREENING, actor_id=actor)
    if first_call is not None:
        service.link_call(db, case, call_id=first_call.id, actor_id=actor)
    return case


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_the_call_a_case_is_opened_from_is_its_first_phone_contact(seeded_session, agents):
    agent1, _ = agents
    first = a_call(seeded_session, "1.1", agent_id=agent1, ago=timedelta(hours=2))
    case = a_case(seeded_session, agent1, first_call=first)
    service.link_call(seeded_session, case, call_id=first.id, actor_id=agent1)  # harmless

    [view] = contacts.of_case(seeded_session, case)
    assert view.contact.channel is ContactChannel.PHONE and view.call.id == first.id
    assert view.contact.occurred_at == first.started_at
    assert view.handled_by == "สมหญิง ใจดี"


def test_a_later_call_attached_by_another_agent_joins_the_case_handled_by_them(
        seeded_session, agents):
    agent1, agent2 = agents
    first = a_call(seeded_session, "1.1", agent_id=agent1, ago=timedelta(hours=2))
    case = a_case(seeded_session, agent1, first_call=first)
    later = a_call(seeded_session, "1.2", agent_id=agent2)

    contact = contacts.attach_call(seeded_session, case, later, actor_id=agent2)

    assert (contact.channel, contact.call_id, contact.handled_by_id, contact.attached_by_id) \
        == (ContactChannel.PHONE, later.id, agent2, agent2)
    assert service.call_ids(seeded_session, case) == [first.id, later.id]
    assert [v.call.id for v in contacts.of_case(seeded_session, case)] == [first.id, later.id]
    event = audited(seeded_session, "case.contact.phone", actor_id=agent2, entity_type="case",
                    entity_id=case.id)
    assert event.changes["call_id"] == [None, later.id]
    assert event.changes["channel"] == [None, "phone"]


def test_attaching_a_call_twice_is_refused_and_writes_nothing(seeded_session, agents):
    agent1, _ = agents
    case = a_case(seeded_session, agent1)
    call = a_call(seeded_session, "1.3", agent_id=agent1)
    contacts.attach_call(seeded_session, case, call, actor_id=agent1)
    before = (count(seeded_session, CaseCall), count(seeded_session, CaseContact),
              count(seeded_session, AuditEvent))

    with pytest.raises(contacts.CallAlreadyAttached) as refused:
        contacts.attach_call(seeded_session, case, call, actor_id=agent1)

    assert isinstance(refused.value, Conflict) and refused.value.status_code == 409
    assert refused.value.field == "call_id" and "already attached" in refused.value.message
    assert (count(seeded_session, CaseCall), count(seeded_session, CaseContact),
            count(seeded_session, AuditEvent)) == before


def test_one_call_may_be_a_contact_of_two_cases(seeded_session, agents):
    agent1, _ = agents
    call = a_call(seeded_session, "1.4", agent_id=agent1)
    for case in (a_case(seeded_session, agent1), a_case(seeded_session, agent1)):
        contacts.attach_call(seeded_session, case, call, actor_id=agent1)
    assert count(seeded_session, CaseContact) == 2


def test_a_closed_case_takes_no_contact_until_it_is_reopened(seeded_session, agents):
    agent1, _ = agents
    case = a_case(seeded_session, agent1)
    closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED, actor_id=agent1,
                  role="agent")
    call = a_call(seeded_session, "1.5", agent_id=agent1)

    with pytest.raises(contacts.CaseClosed) as refused:
        contacts.attach_call(seeded_session, case, call, actor_id=agent1)
    assert refused.value.status_code == 409 and "reopen" in refused.value.message
    with pytest.raises(contacts.CaseClosed):
        contacts.record_contact(seeded_session, case, channel=ContactChannel.WALK_IN,
                                occurred_at=None, summary=None, actor_id=agent1)
    assert count(seeded_session, CaseCall) == 0

    closure.reopen(seeded_session, case, actor_id=agent1, reason="ผู้ประสบปัญหาโทรมาอีก")
    contacts.attach_call(seeded_session, case, call, actor_id=agent1)


def test_a_walk_in_and_a_message_are_recorded_with_their_time_and_summary(
        seeded_session, agents):
    agent1, _ = agents
    case = a_case(seeded_session, agent1)
    case.created_at = utcnow() - timedelta(days=2)
    yesterday = utcnow() - timedelta(days=1)

    walk_in = contacts.record_contact(seeded_session, case, channel=ContactChannel.WALK_IN,
                                      occurred_at=yesterday, summary=" มาที่ศูนย์พร้อมลูก ",
                                      actor_id=agent1)
    message = contacts.record_contact(seeded_session, case, channel=ContactChannel.MESSAGE,
                                      occurred_at=None, summary="", actor_id=agent1)

    assert (walk_in.occurred_at, walk_in.summary, walk_in.handled_by_id) \
        == (yesterday, "มาที่ศูนย์พร้อมลูก", agent1)
    assert message.summary is None and message.occurred_at >= yesterday
    views = contacts.of_case(seeded_session, case)
    assert [v.contact.channel for v in views] == [ContactChannel.WALK_IN, ContactChannel.MESSAGE]
    assert all(v.call is None for v in views)
    # The trail names the contact and its channel, never the worker's words.
    event = audited(seeded_session, "case.contact.walk_in", actor_id=agent1,
                    entity_type="case", entity_id=case.id)
    assert "มาที่ศูนย์" not in str(event.changes)


def test_a_contact_recorded_by_hand_is_never_a_call_nor_before_the_case(seeded_session, agents):
    agent1, _ = agents
    case = a_case(seeded_session, agent1)
    with pytest.raises(InvalidInput, match="attached"):
        contacts.record_contact(seeded_session, case, channel=ContactChannel.PHONE,
                                occurred_at=None, summary=None, actor_id=agent1)
    with pytest.raises(InvalidInput) as refused:
        contacts.record_contact(seeded_session, case, channel=ContactChannel.WALK_IN,
                                occurred_at=case.created_at - timedelta(hours=1),
                                summary=None, actor_id=agent1)
    assert refused.value.field == "occurred_at"
    assert count(seeded_session, CaseContact) == 0


def test_the_first_contact_of_the_clock_stays_the_first_call(seeded_session, agents):
    agent1, agent2 = agents
    first = a_call(seeded_session, "1.6", agent_id=agent1, ago=timedelta(hours=3))
    case = a_case(seeded_session, agent1, first_call=first)
    contacts.attach_call(seeded_session, case, a_call(seeded_session, "1.7", agent_id=agent2),
                         actor_id=agent2)
    contacts.record_contact(seeded_session, case, channel=ContactChannel.WALK_IN,
                            occurred_at=None, summary=None, actor_id=agent1)
    assert case_clock.times(seeded_session, case).first_contact == first.answered_at


def test_my_recent_calls_are_my_own_of_the_last_day_not_yet_on_the_case(
        seeded_session, agents):
    agent1, agent2 = agents
    case = a_case(seeded_session, agent1)
    mine = a_call(seeded_session, "2.1", agent_id=agent1, ago=timedelta(hours=1))
    newer = a_call(seeded_session, "2.2", agent_id=agent1, ago=timedelta(minutes=1))
    a_call(seeded_session, "2.3", agent_id=agent1, ago=timedelta(hours=25))  # too old
    a_call(seeded_session, "2.4", agent_id=agent2)  # someone else's
    contacts.attach_call(seeded_session, case, newer, actor_id=agent1)

    assert contacts.recent_calls(seeded_session, user_id=agent1) == [newer, mine]
    assert contacts.recent_calls(seeded_session, user_id=agent1, not_on=case) == [mine]
    assert contacts.attached_case_ids(seeded_session, newer.id, [case.id]) == {case.id}
