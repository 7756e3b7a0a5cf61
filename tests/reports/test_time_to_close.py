"""Time to close: each closing in the range, from the case's opening, by province and
urgency and by outcome; nearest-rank median and 90th percentile in hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.cases.models import CaseStatus, ClosureOutcome
from callcenter.reports import service
from callcenter.reports.filters import parse_filters
from callcenter.reports.range import parse_range
from callcenter.taxonomy import Urgency
from tests.support.builders import CaseSpec, add_case, add_closing

RANGE = parse_range("1/3/2569", "31/3/2569")
OPENED = datetime(2026, 3, 1, 3, tzinfo=UTC)
H = timedelta(hours=1)


def closed_after(db, agent, hours, *, province="TH-50", urgency=Urgency.HIGH,
                 outcome=ClosureOutcome.RESOLVED, opened=OPENED):
    case = add_case(db, CaseSpec(opened, province=province), user=agent)
    case.urgency = urgency
    db.flush()
    add_closing(db, case, at=opened + hours * H, user=agent, outcome=outcome)
    return case


def table(db, name, **filters):
    report = service.run(db, name, RANGE, lang="en", filters=parse_filters(**filters))
    keys = [c.key for c in report.spec.columns]
    return [dict(zip(keys, r, strict=True)) for r in report.rows]


def test_closings_by_province_and_urgency_with_nearest_rank_figures(db_session, agent):
    for hours in (1, 2, 3, 4, 5, 6, 7, 8, 9, 100):
        closed_after(db_session, agent, hours)
    closed_after(db_session, agent, 5, urgency=Urgency.IMMEDIATE)
    closed_after(db_session, agent, 12, province="TH-10", urgency=Urgency.LOW)
    got = table(db_session, "time_to_close")
    assert [(r["province"], r["urgency"]) for r in got] == [
        ("TH-10", "low"), ("TH-50", "immediate"), ("TH-50", "high")]
    high = got[2]
    assert (high["province_name"], high["urgency_name"]) == ("Chiang Mai", "High")
    assert (high["closed"], high["median_hours"], high["p90_hours"]) == (10, 5.0, 9.0)
    assert [r["urgency"] for r in table(db_session, "time_to_close", urgency="low")] == ["low"]


def test_a_case_reopened_and_closed_again_counts_each_closing_from_its_opening(
        db_session, agent):
    case = closed_after(db_session, agent, 10)
    case.status = CaseStatus.FOLLOW_UP
    add_closing(db_session, case, at=OPENED + 50 * H, user=agent)
    closed_after(db_session, agent, 2, opened=OPENED - 40 * 24 * H)  # closed in January
    (row,) = table(db_session, "time_to_close")
    assert (row["closed"], row["median_hours"], row["p90_hours"]) == (2, 10.0, 50.0)


def test_closings_by_outcome_in_the_lists_order(db_session, agent):
    closed_after(db_session, agent, 30, outcome=ClosureOutcome.UNREACHABLE)
    closed_after(db_session, agent, 3, outcome=ClosureOutcome.RESOLVED)
    closed_after(db_session, agent, 5, outcome=ClosureOutcome.RESOLVED)
    got = table(db_session, "time_to_close_by_outcome")
    assert [(r["outcome"], r["outcome_name"], r["closed"], r["median_hours"]) for r in got] \
        == [("resolved", "Resolved", 2, 3.0), ("unreachable", "Unreachable", 1, 30.0)]
