"""Case reports by issue area, target group, province and month, and victims by group."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from callcenter.cases.models import Case
from callcenter.reports import service
from callcenter.reports.range import parse_range
from callcenter.reports.spec import Month
from callcenter.taxonomy import Gender, IssueArea, TargetGroup
from tests.support.builders import CaseSpec, Victim, add_case

RANGE = parse_range("1/10/2568", "31/12/2568")  # 2025-10-01 .. 2025-12-31


def rows(session, name):
    return list(service.run(session, name, RANGE).rows)


@pytest.fixture
def cases(db_session, agent):
    specs = [
        CaseSpec(datetime(2025, 9, 30, 17, 0, tzinfo=UTC)),  # 1 Oct 00:00 Bangkok
        CaseSpec(datetime(2025, 9, 30, 16, 59, tzinfo=UTC)),  # 30 Sep: outside
        CaseSpec(datetime(2025, 10, 31, 17, 30, tzinfo=UTC), IssueArea.HUMAN_TRAFFICKING,
                 TargetGroup.CHILD, "TH-50",
                 (Victim(Gender.MALE, 15), Victim(Gender.FEMALE, 16), Victim(Gender.MALE, 40))),
        CaseSpec(datetime(2025, 11, 5, tzinfo=UTC), IssueArea.FAMILY_VIOLENCE, None, None,
                 (Victim(Gender.GENDER_DIVERSE, 25), Victim(Gender.UNKNOWN, None))),
        CaseSpec(datetime(2025, 12, 31, 16, 59, tzinfo=UTC), None, TargetGroup.WOMAN, "TH-50",
                 (Victim(Gender.FEMALE, None),)),
        CaseSpec(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)),  # 1 Jan: outside
    ]
    for spec in specs:
        add_case(db_session, spec, user=agent)
    db_session.flush()
    return [s for s in specs if RANGE.start <= s.created_at < RANGE.end]


def test_cases_by_issue_area_target_group_and_province_match_direct_counts(db_session, cases):
    assert dict(rows(db_session, "cases_by_issue_area")) == dict(
        Counter(str(s.issue_area) if s.issue_area else "-" for s in cases))
    assert dict(rows(db_session, "cases_by_target_group")) == dict(
        Counter(str(s.target_group) if s.target_group else "-" for s in cases))
    provinces = {r[0]: (r[1], r[2]) for r in rows(db_session, "cases_by_province")}
    assert provinces == {"TH-10": ("กรุงเทพมหานคร", 1), "TH-50": ("เชียงใหม่", 2), "-": ("", 1)}


def test_cases_by_month_use_the_bangkok_calendar(db_session, cases):
    # 31 Oct 17:30 UTC is already 1 November in Bangkok.
    assert rows(db_session, "cases_by_month") == [
        (Month(2025, 10), 1), (Month(2025, 11), 2), (Month(2025, 12), 1)]
    assert str(Month(2025, 11)) == "11/2568"
    plain = db_session.scalar(select(func.count()).select_from(Case).where(
        Case.created_at >= RANGE.start, Case.created_at < RANGE.end))
    assert sum(r[1] for r in rows(db_session, "cases_by_month")) == plain == 4


def test_victims_are_children_under_18_then_counted_by_gender(db_session, cases):
    got = {r[0]: r[1:] for r in rows(db_session, "victims_by_group")}
    # child, woman, man, gender-diverse, unknown, total; reporters are never counted.
    assert got == {
        Month(2025, 10): (0, 1, 0, 0, 0, 1),
        Month(2025, 11): (2, 0, 1, 1, 1, 5),
        Month(2025, 12): (0, 1, 0, 0, 0, 1),
    }


def test_victims_by_province_add_up_to_the_victims_by_month(db_session, cases):
    by_province = {r[0]: r[2:] for r in rows(db_session, "victims_by_province")}
    assert by_province == {
        "TH-10": (0, 1, 0, 0, 0, 1),
        "TH-50": (2, 1, 1, 0, 0, 4),
        "-": (0, 0, 0, 1, 1, 2),
    }
    by_month = rows(db_session, "victims_by_group")
    assert sum(r[-1] for r in by_month) == sum(v[-1] for v in by_province.values())
