"""The case clock by province and urgency: from the first contact, nearest-rank median
and 90th percentile, and how many met NFPA 1221's 60 s and the unit's deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.cases.models import CaseCall, CaseStatus, CaseStatusChange
from callcenter.reports import service
from callcenter.reports.case_clock import NAMES
from callcenter.reports.range import parse_range
from callcenter.taxonomy import Urgency
from tests.support.builders import (
    CallSpec,
    CaseSpec,
    DispatchSpec,
    add_call,
    add_case,
    add_dispatch,
)

RANGE = parse_range("1/3/2569", "31/3/2569")
DAY = datetime(2026, 3, 10, 3, tzinfo=UTC)


def clocked_case(db, agent, *, start, opened_after, dispatch_after=None, ack_after=None,
                 closed_after=None, urgency=Urgency.IMMEDIATE, province="TH-50"):
    """A case whose call was answered at ``start`` (18 s after it rang), with its steps."""
    call = add_call(db, CallSpec(start - timedelta(seconds=18), wait=10))
    case = add_case(db, CaseSpec(start + timedelta(seconds=opened_after), province=province),
                    user=agent)
    case.urgency = urgency
    db.flush()
    db.add(CaseCall(case_id=case.id, call_id=call.id))
    if dispatch_after is not None:
        steps = {} if ack_after is None else {"acknowledge": ack_after - dispatch_after}
        add_dispatch(db, DispatchSpec(start + timedelta(seconds=dispatch_after), province,
                                      steps), case=case, user=agent)
    if closed_after is not None:
        db.add(CaseStatusChange(case_id=case.id, to_status=CaseStatus.CLOSED,
                                changed_by_id=agent.id,
                                changed_at=start + timedelta(seconds=closed_after)))
    db.flush()
    return case


def figures(db):
    report = service.run(db, "case_clock", RANGE)
    keys = [c.key for c in report.spec.columns]
    return {(r[0], r[2]): dict(zip(keys, r, strict=True)) for r in report.rows}


def test_steps_count_from_the_first_answer_with_nearest_rank_figures(db_session, agent):
    to_dispatch = [30, 45, 55, 70, 200]
    for i, seconds in enumerate(to_dispatch):
        clocked_case(db_session, agent, start=DAY + timedelta(hours=i), opened_after=20,
                     dispatch_after=seconds, ack_after=seconds + 100 * (i + 1),
                     closed_after=86400 if i < 2 else None)
    got = figures(db_session)[("TH-50", "immediate")]
    assert got["province_name"] == "เชียงใหม่" and got["cases"] == 5
    assert (got["opened_n"], got["opened_median_s"], got["opened_p90_s"]) == (5, 20, 20)
    assert (got["dispatched_median_s"], got["dispatched_p90_s"]) == (55, 200)
    assert (got["unit_ack_n"], got["unit_ack_median_s"], got["unit_ack_p90_s"]) == (5, 300, 500)
    assert (got["closed_n"], got["closed_median_s"]) == (2, 86400)
    assert (got["on_scene_n"], got["on_scene_median_s"]) == (0, None)
    # NFPA 1221: within 60 s three times of five; the immediate unit deadline is 5 minutes.
    assert (got["dispatch_target_s"], got["dispatched_within"]) == (60, 3)
    assert (got["unit_ack_target_s"], got["unit_ack_within"]) == (300, 3)


def test_provinces_and_urgencies_are_apart_and_only_the_most_urgent_have_nfpas_target(
        db_session, agent):
    clocked_case(db_session, agent, start=DAY, opened_after=5, dispatch_after=90,
                 ack_after=500, urgency=Urgency.HIGH)
    clocked_case(db_session, agent, start=DAY, opened_after=5, province="TH-10")
    clocked_case(db_session, agent, start=datetime(2026, 2, 1, tzinfo=UTC), opened_after=5)
    got = figures(db_session)
    assert set(got) == {("TH-50", "high"), ("TH-10", "immediate")}
    high = got[("TH-50", "high")]
    assert (high["dispatch_target_s"], high["dispatched_within"]) == (None, None)
    assert (high["unit_ack_target_s"], high["unit_ack_within"]) == (600, 1)
    bangkok = got[("TH-10", "immediate")]
    assert [bangkok[f"{n}_n"] for n in NAMES] == [1, 0, 0, 0, 0, 0, 0]


def test_a_case_without_a_call_starts_its_clock_when_it_was_opened(db_session, agent):
    case = add_case(db_session, CaseSpec(DAY, province="TH-50"), user=agent)
    case.urgency = Urgency.IMMEDIATE
    db_session.flush()
    add_dispatch(db_session, DispatchSpec(DAY + timedelta(seconds=40), "TH-50", {}),
                 case=case, user=agent)
    db_session.flush()
    got = figures(db_session)[("TH-50", "immediate")]
    assert (got["opened_median_s"], got["dispatched_median_s"], got["dispatched_within"]) \
        == (0, 40, 1)
