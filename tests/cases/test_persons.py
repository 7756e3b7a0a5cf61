"""Persons added and changed on the case file after intake: checked as at intake, the
national ID kept only as digest and last digits, audited by ids, on the trail."""

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases import identity, policy, service
from callcenter.cases.schemas import PersonIn, PersonPatch
from callcenter.errors import Conflict, NotFound
from tests.support.audit_trail import audited

KEY = "test-secret-key"
NATIONAL_ID = "1101700207030"


def agent_id(session) -> int:
    return session.execute(select(User.id).where(User.login == "agent1")).scalar_one()


@pytest.fixture
def case(seeded_session):
    return service.open_case(seeded_session, created_by_id=agent_id(seeded_session))


def test_a_person_added_later_keeps_the_national_id_only_as_digest_and_last_digits(
        seeded_session, case):
    actor = agent_id(seeded_session)
    person = service.add_person(seeded_session, case, actor_id=actor, id_key=KEY, person=PersonIn(
        role="alleged_perpetrator", full_name="สมชาย", national_id="1-1017-00207-03-0"))
    assert person.national_id_last4 == "7030"
    assert person.national_id_digest == identity.digest(NATIONAL_ID, key=KEY)
    audited(seeded_session, "person.add", actor_id=actor, entity_type="case_person",
            entity_id=person.id)


def test_a_change_touches_only_the_fields_given(seeded_session, case):
    actor = agent_id(seeded_session)
    person = service.add_person(seeded_session, case, actor_id=actor, id_key=KEY, person=PersonIn(
        role="victim", full_name="มาลี", age_years=34, phone="0812345678",
        national_id=NATIONAL_ID))
    service.update_person(seeded_session, person, actor_id=actor, id_key=KEY,
                          changes=PersonPatch(age_years=35, nickname=None))
    assert (person.full_name, person.age_years, person.phone) == ("มาลี", 35, "0812345678")
    assert person.national_id_last4 == "7030"
    service.update_person(seeded_session, person, actor_id=actor, id_key=KEY,
                          changes=PersonPatch(national_id=None, phone=None))
    assert person.national_id_digest is None and person.national_id_last4 is None
    assert person.phone is None
    updates = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "person.update")).all()
    assert len(updates) == 2
    audited(seeded_session, "person.update", actor_id=actor, entity_type="case_person",
            entity_id=person.id)


def test_an_empty_change_changes_nothing_and_is_not_recorded(seeded_session, case):
    actor = agent_id(seeded_session)
    person = service.add_person(seeded_session, case, actor_id=actor, id_key=KEY,
                                person=PersonIn(role="reporter", nickname="น้อย"))
    service.update_person(seeded_session, person, actor_id=actor, id_key=KEY,
                          changes=PersonPatch())
    assert seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "person.update")).all() == []


@pytest.mark.parametrize("body", [
    {"role": None}, {"gender": None}, {"has_disability": None},
    {"national_id": "1234567890123"}, {"age_years": 131}, {"nationality": "Thai"},
    {"phone": "call me"}, {"national_id_last4": "1234"},
])
def test_a_change_is_checked_as_at_intake(body):
    with pytest.raises(ValidationError) as refused:
        PersonPatch.model_validate(body)
    assert refused.value.errors()[0]["loc"][0] == next(iter(body))


def test_a_person_of_another_case_is_not_found_through_this_one(seeded_session, case):
    actor = agent_id(seeded_session)
    other = service.open_case(seeded_session, created_by_id=actor)
    person = service.add_person(seeded_session, other, actor_id=actor, id_key=KEY,
                                person=PersonIn(role="victim", nickname="ต้น"))
    with pytest.raises(NotFound):
        service.get_person(seeded_session, case, person.id)
    assert service.get_person(seeded_session, other, person.id) is person


def test_a_case_holds_a_bounded_number_of_persons(seeded_session, case, monkeypatch):
    monkeypatch.setattr(policy, "MAX_PERSONS", 2)
    actor = agent_id(seeded_session)
    for name in ("ก", "ข"):
        service.add_person(seeded_session, case, actor_id=actor, id_key=KEY,
                           person=PersonIn(role="reporter", nickname=name))
    with pytest.raises(Conflict) as refused:
        service.add_person(seeded_session, case, actor_id=actor, id_key=KEY,
                           person=PersonIn(role="reporter", nickname="ค"))
    assert refused.value.field == "persons"


def test_person_events_are_on_the_case_timeline_and_audit_trail(seeded_session, case):
    actor = agent_id(seeded_session)
    other = service.open_case(seeded_session, created_by_id=actor)
    mine = service.add_person(seeded_session, case, actor_id=actor, id_key=KEY,
                              person=PersonIn(role="victim", nickname="ต้น"))
    service.update_person(seeded_session, mine, actor_id=actor, id_key=KEY,
                          changes=PersonPatch(age_years=9))
    service.add_person(seeded_session, other, actor_id=actor, id_key=KEY,
                       person=PersonIn(role="victim", nickname="แดง"))
    seeded_session.flush()
    events = service.person_events(seeded_session, case)
    assert [(e.action, p.id) for e, p in events] == [
        ("person.add", mine.id), ("person.update", mine.id)]
    trail = [e.action for e in service.audit_trail(seeded_session, case)]
    assert trail == ["person.update", "person.add", "case.create"]
