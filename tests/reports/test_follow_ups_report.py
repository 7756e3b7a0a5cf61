"""Overdue follow-ups and referrals by province and urgency: of what fell due in the range,
done on time, done late, still open past due, cancelled; referrals answered in time or
still overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.cases.follow_up_models import FollowUpTask, TaskKind
from callcenter.cases.models import AgencyType, Referral, ReferralStatus
from callcenter.reports import service
from callcenter.reports.range import parse_range
from callcenter.taxonomy import Urgency
from tests.support.builders import CaseSpec, add_case

RANGE = parse_range("1/3/2569", "31/3/2569")
DUE = datetime(2026, 3, 10, 3, tzinfo=UTC)


def task(db, case, agent, *, done_after=None, cancelled=False, due=DUE):
    row = FollowUpTask(case_id=case.id, kind=TaskKind.CALL_BACK, assignee_id=agent.id,
                       due_at=due, created_by_id=agent.id, created_at=due - timedelta(days=1),
                       cancelled_by_close=False, version=1)
    if done_after is not None:
        row.done_at, row.done_by_id = due + done_after, agent.id
    if cancelled:
        row.cancelled_at, row.cancelled_by_id = due, agent.id
    db.add(row)


def add_follow_ups(db, case, agent, rnd) -> None:
    """A random task and referral on the case (for the SQLite and PostgreSQL comparison)."""
    due = case.created_at + timedelta(seconds=rnd.randrange(1, 5 * 86400))
    outcome = rnd.choice(["open", "on_time", "late", "cancelled"])
    task(db, case, agent, due=due, cancelled=outcome == "cancelled",
         done_after={"on_time": timedelta(minutes=-1), "late": timedelta(hours=3)}.get(outcome))
    if rnd.random() < 0.5:
        answered = rnd.choice([None, due - timedelta(hours=1), due + timedelta(hours=1)])
        db.add(Referral(case_id=case.id, agency_type=AgencyType.SHELTER, agency_name="บ้านพัก",
                        status=ReferralStatus.ACCEPTED if answered else ReferralStatus.SENT,
                        sent_at=case.created_at, due_at=due, responded_at=answered,
                        created_by_id=agent.id))


def test_tasks_and_referrals_due_in_the_range_are_counted_by_how_they_ended(db_session, agent):
    case = add_case(db_session, CaseSpec(DUE - timedelta(days=2), province="TH-50"), user=agent)
    case.urgency = Urgency.HIGH
    db_session.flush()
    task(db_session, case, agent, done_after=timedelta(minutes=-5))  # on time
    task(db_session, case, agent, done_after=timedelta(hours=2))     # late
    task(db_session, case, agent)                                    # still open, overdue
    task(db_session, case, agent, cancelled=True)
    task(db_session, case, agent, due=DUE + timedelta(days=60))       # outside the range
    for answered in (DUE - timedelta(hours=1), None):
        db_session.add(Referral(
            case_id=case.id, agency_type=AgencyType.POLICE, agency_name="สภ.เมือง",
            status=ReferralStatus.ACCEPTED if answered else ReferralStatus.SENT,
            sent_at=DUE - timedelta(days=1), due_at=DUE, responded_at=answered,
            created_by_id=agent.id))
    db_session.flush()
    report = service.run(db_session, "follow_ups_overdue", RANGE)
    keys = [c.key for c in report.spec.columns]
    rows = [dict(zip(keys, r, strict=True)) for r in report.rows]
    assert rows == [{
        "province": "TH-50", "province_name": "เชียงใหม่", "urgency": "high",
        "tasks_due": 4, "tasks_on_time": 1, "tasks_late": 1, "tasks_overdue": 1,
        "tasks_cancelled": 1, "referrals_due": 2, "referrals_on_time": 1,
        "referrals_overdue": 1}]
