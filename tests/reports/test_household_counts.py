"""The victims' reports count a victim who reported once, as a victim, and never count
the household's children and other members, who are not victims of the case."""

from datetime import UTC, datetime

from callcenter.cases.models import CasePerson, PersonRole
from callcenter.reports import service
from callcenter.reports.range import parse_range
from callcenter.reports.spec import Month
from callcenter.taxonomy import Gender
from tests.support.builders import CaseSpec, add_case

RANGE = parse_range("1/11/2568", "30/11/2568")


def test_a_reporting_victim_counts_once_and_the_household_not_at_all(db_session, agent):
    case = add_case(db_session, CaseSpec(datetime(2025, 11, 5, tzinfo=UTC), victims=(),
                                         reporters=0), user=agent)
    case.persons.extend([
        CasePerson(role=PersonRole.VICTIM, gender=Gender.FEMALE, age_years=30,
                   reporter_is_victim=True),
        CasePerson(role=PersonRole.CHILD, gender=Gender.FEMALE, age_years=7,
                   birth_year=2018, relationship_to_victim="child"),
        CasePerson(role=PersonRole.HOUSEHOLD_MEMBER, gender=Gender.MALE, age_years=70,
                   relationship_to_victim="grandparent"),
    ])
    db_session.flush()
    # child, woman, man, gender-diverse, unknown, total
    assert list(service.run(db_session, "victims_by_group", RANGE).rows) == [
        (Month(2025, 11), 0, 1, 0, 0, 0, 1)]
    by_province = list(service.run(db_session, "victims_by_province", RANGE).rows)
    assert [row[2:] for row in by_province] == [(0, 1, 0, 0, 0, 1)]
