"""Need to know, as a table: who reads a case and why; grants and current calls in time.

Pure: literal viewers, cases and times, no database.
"""

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.agents.models import Role
from callcenter.cases import need_to_know as rule
from callcenter.cases.need_to_know import CaseKeys, Grant, ViewerFacts, Why
from callcenter.errors import InvalidInput

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
AGENT, OTHER, TEAM = 11, 12, 7
CASE = CaseKeys(id=100, owner_id=AGENT, created_by_id=AGENT, team_id=None)


def viewer(user_id=OTHER, role=Role.AGENT, **facts) -> ViewerFacts:
    return ViewerFacts(user_id=user_id, role=role, **facts)


@pytest.mark.parametrize(("who", "case", "why"), [
    (viewer(role=Role.SUPERVISOR), CASE, Why.ROLE),
    (viewer(role=Role.ADMIN), CASE, Why.ROLE),
    (viewer(AGENT), CASE, Why.OWNER),
    # The agent who opened it reads it after it was handed to someone else.
    (viewer(AGENT), CaseKeys(id=100, owner_id=OTHER + 1, created_by_id=AGENT, team_id=None),
     Why.OWNER),
    (viewer(team_ids=frozenset({TEAM})), CaseKeys(100, AGENT, AGENT, TEAM), Why.TEAM),
    (viewer(team_ids=frozenset({TEAM + 1})), CaseKeys(100, AGENT, AGENT, TEAM), None),
    (viewer(current_call_case_ids=frozenset({100})), CASE, Why.CURRENT_CALL),
    (viewer(current_call_case_ids=frozenset({101})), CASE, None),
    (viewer(grants=(Grant(100, NOW + timedelta(hours=1)),)), CASE, Why.GRANT),
    (viewer(grants=(Grant(101, NOW + timedelta(hours=1)),)), CASE, None),
    (viewer(), CASE, None),
    # A unit member never reads a case file, not even one of their grants or calls.
    (viewer(role=Role.UNIT_MEMBER, current_call_case_ids=frozenset({100}),
            grants=(Grant(100, NOW + timedelta(hours=1)),)), CASE, None),
])
def test_who_may_read_a_case_and_why(who, case, why):
    assert rule.why_may_read(who, case, now=NOW) is why


def test_the_first_reason_that_applies_is_given():
    both = viewer(AGENT, team_ids=frozenset({TEAM}), grants=(Grant(100, NOW + timedelta(1)),))
    assert rule.why_may_read(both, CaseKeys(100, AGENT, AGENT, TEAM), now=NOW) is Why.OWNER


def test_a_grant_lasts_a_shift_and_then_lapses():
    granted = NOW
    expires = rule.grant_expiry(granted)
    assert expires - granted == timedelta(hours=8)
    holder = viewer(grants=(Grant(100, expires),))
    assert rule.access(holder, CASE, now=expires - timedelta(seconds=1)) == rule.Access(
        Why.GRANT, until=expires)
    assert rule.why_may_read(holder, CASE, now=expires) is None


def test_the_latest_ending_grant_in_force_is_the_one_shown():
    early, late = NOW + timedelta(hours=1), NOW + timedelta(hours=5)
    grants = (Grant(100, early), Grant(100, late), Grant(100, NOW - timedelta(hours=1)))
    assert rule.grant_in_force(grants, 100, now=NOW) == Grant(100, late)
    assert rule.grant_in_force(grants, 100, now=late) is None


@pytest.mark.parametrize(("started", "ended", "counts"), [
    (timedelta(minutes=5), None, True),                    # up now
    (timedelta(hours=7, minutes=59), None, True),          # a long call, still up
    (timedelta(hours=8, minutes=1), None, False),          # never seen to end: a lost record
    (timedelta(minutes=40), timedelta(minutes=29), True),  # writing up after hanging up
    (timedelta(hours=2), timedelta(minutes=31), False),    # long ended
])
def test_a_call_counts_while_up_and_for_half_an_hour_after(started, ended, counts):
    assert rule.call_counts(started_at=NOW - started,
                            ended_at=None if ended is None else NOW - ended,
                            now=NOW) is counts


def test_the_readable_ones_among_search_results():
    cases = [CASE, CaseKeys(101, OTHER, OTHER, None), CaseKeys(102, AGENT, AGENT, TEAM)]
    assert rule.readable_ids(viewer(OTHER), cases, now=NOW) == {101}


@pytest.mark.parametrize("reason", ["", "   ", "too short", "x" * 301])
def test_a_reason_is_ten_to_three_hundred_characters(reason):
    with pytest.raises(InvalidInput) as refused:
        rule.check_reason(reason)
    assert refused.value.field == "reason" and refused.value.status_code == 422


def test_a_reason_is_kept_with_its_spaces_tidied():
    assert rule.check_reason("  ผู้โทร   สอบถามเรื่องเคสนี้ \n") == "ผู้โทร สอบถามเรื่องเคสนี้"
