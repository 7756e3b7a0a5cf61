"""Households and persons: every role on a case, the reporter who is the victim, birth
years, relationships from a closed list and nationalities from pycountry's list."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.cases import nationality, service
from callcenter.cases.models import PersonRole, Relationship
from callcenter.cases.schemas import CaseIn, PersonIn, PersonPatch
from callcenter.errors import InvalidInput
from callcenter.thaidate import typed_year_as_gregorian

KEY = "test-secret-key"


def agent_id(session) -> int:
    return session.execute(select(User.id).where(User.login == "agent1")).scalar_one()


@pytest.fixture
def case(seeded_session):
    return service.open_case(seeded_session, created_by_id=agent_id(seeded_session))


def problem_types(exc: ValidationError) -> set[str]:
    return {error["type"] for error in exc.errors()}


def test_the_thai_list_starts_with_thailand_its_neighbours_stateless_and_unknown():
    codes = [code for code, _ in nationality.choices("th")]
    assert codes[:6] == ["TH", "MM", "KH", "LA", nationality.STATELESS, nationality.UNKNOWN]
    names = dict(nationality.choices("th"))
    assert (names["TH"], names["MM"], names["KH"], names["LA"]) == (
        "ไทย", "พม่า", "กัมพูชา", "ลาว")
    assert names["XX"] == "ไร้สัญชาติ" and names["ZZ"] == "ไม่ทราบสัญชาติ"
    assert names["JP"] == "ญี่ปุ่น"  # from pycountry's Thai catalogue, not a table of ours
    assert len(codes) == len(set(codes)) == len(nationality.codes())


def test_the_rest_of_the_list_is_sorted_in_the_pages_language():
    english = [name for _, name in nationality.choices("en")[6:]]
    assert english == sorted(english, key=str.casefold)
    thai = [name for _, name in nationality.choices("th")[6:]]
    # Names beginning with a leading vowel are filed under their consonant: เกาหลี under ก.
    assert thai.index("กรีซ") < thai.index("เกาหลีใต้") < thai.index("จีน")


def test_a_nationality_outside_the_list_is_refused_and_stateless_is_taken():
    with pytest.raises(ValidationError) as refused:
        PersonIn(role="victim", nationality="QQ")
    assert problem_types(refused.value) == {"nationality_unknown"}
    assert PersonIn(role="victim", nationality="XX").nationality == "XX"


def test_a_relationship_is_a_code_of_the_closed_list():
    person = PersonIn(role="alleged_perpetrator", relationship_to_victim="step_parent")
    assert person.relationship_to_victim is Relationship.STEP_PARENT
    with pytest.raises(ValidationError) as refused:
        PersonIn(role="alleged_perpetrator", relationship_to_victim="สามี")
    assert problem_types(refused.value) == {"enum"}


def test_a_birth_year_still_to_come_or_too_old_is_refused():
    next_years = datetime.now(UTC).year + 2
    for year in (next_years, 1800):
        with pytest.raises(ValidationError):
            PersonIn(role="child", birth_year=year)


def test_a_buddhist_era_year_typed_on_a_form_becomes_gregorian():
    assert typed_year_as_gregorian("2560") == "2017"
    assert typed_year_as_gregorian(" 2017 ") == "2017"
    assert typed_year_as_gregorian("ปี 60") == "ปี 60"  # left for the checks to refuse


def test_only_a_victim_can_be_the_reporter_too():
    assert PersonIn(role="victim", reporter_is_victim=True).reporter_is_victim
    with pytest.raises(ValidationError) as refused:
        PersonIn(role="alleged_perpetrator", reporter_is_victim=True)
    assert problem_types(refused.value) == {"reporter_is_victim_role"}


def test_an_intake_with_a_reporting_victim_takes_no_other_reporter():
    with pytest.raises(ValidationError) as refused:
        CaseIn(issue_area="family_violence", persons=[
            PersonIn(role="victim", reporter_is_victim=True), PersonIn(role="reporter")])
    assert problem_types(refused.value) == {"reporter_twice"}


def test_a_child_known_by_birth_year_gets_an_age_and_keeps_school_and_relationship(
        seeded_session, case):
    child = service.add_person(
        seeded_session, case, actor_id=agent_id(seeded_session), id_key=KEY,
        person=PersonIn(role="child", nickname="น้องฟ้า", birth_year=2017,
                        relationship_to_victim="child", school_or_care="ศูนย์เด็กเล็กบ้านนา"))
    assert child.role is PersonRole.CHILD
    assert child.age_years == datetime.now(UTC).year - 2017
    assert (child.relationship_to_victim, child.school_or_care) == (
        "child", "ศูนย์เด็กเล็กบ้านนา")


def test_a_person_who_is_not_the_victim_cannot_be_switched_to_reporter(seeded_session, case):
    actor = agent_id(seeded_session)
    member = service.add_person(seeded_session, case, actor_id=actor, id_key=KEY,
                                person=PersonIn(role="household_member", nickname="ลุง"))
    with pytest.raises(InvalidInput) as refused:
        service.update_person(seeded_session, member, actor_id=actor, id_key=KEY,
                              changes=PersonPatch(reporter_is_victim=True))
    assert refused.value.field == "reporter_is_victim"


def test_the_reporter_switch_cannot_be_emptied_by_a_change():
    with pytest.raises(ValidationError):
        PersonPatch(reporter_is_victim=None)
