"""Every report gives the same figures on SQLite (the demo) as on PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from callcenter import migrate
from callcenter.agents.models import AgentState
from callcenter.cases.models import AgencyType, Channel, ClosureOutcome, ReferralStatus
from callcenter.db import make_engine
from callcenter.reports import service
from callcenter.reports.filters import NONE, Filters
from callcenter.reports.range import parse_range
from callcenter.taxonomy import ChiCategory, GbvType, Gender, IssueArea, TargetGroup, Urgency
from tests.reports.test_calls import random_calls
from tests.reports.test_follow_ups_report import add_follow_ups
from tests.support.builders import (
    CaseSpec,
    DispatchSpec,
    ReferralSpec,
    Victim,
    add_call,
    add_case,
    add_closing,
    add_dispatch,
    add_referral,
    add_state,
    reference_data,
)

RANGE = parse_range("1/3/2569", "31/3/2569")
# When overdue is judged: the same moment on both databases.
NOW = datetime(2026, 4, 2, 9, tzinfo=UTC)


def build(session: Session) -> None:
    user = reference_data(session)
    for spec in random_calls(300, seed=11):
        add_call(session, spec)
    rnd = random.Random(5)
    case_work = random.Random(9)  # apart, so the older reports' data stay as they were
    channel_of = random.Random(13)
    first = datetime(2026, 2, 27, tzinfo=UTC)
    for i in range(60):
        case = add_case(session, CaseSpec(
            first + timedelta(seconds=rnd.randrange(36 * 86400)),
            rnd.choice([None, *IssueArea]), rnd.choice([None, *TargetGroup]),
            rnd.choice([None, "TH-10", "TH-50", "TH-90"]),
            tuple(Victim(rnd.choice(list(Gender)), rnd.choice([None, 8, 17, 18, 45]))
                  for _ in range(rnd.randrange(3))),
        ), user=user)
        case.channel = channel_of.choice(list(Channel))
        session.flush()
        steps = {k: rnd.choice([None, rnd.randrange(1, 5000)])
                 for k in ("alert", "acknowledge", "on_scene", "complete")}
        add_dispatch(session, DispatchSpec(case.created_at, case.province_code or "TH-10",
                                           steps), case=case, user=user)
        add_follow_ups(session, case, user, rnd)
        add_state(session, at=case.created_at, state=rnd.choice(list(AgentState)),
                  reason=rnd.choice([None, "lunch", "training"]),
                  interface=f"PJSIP/agent{i % 3}")
        add_case_work(session, case, user, case_work)
    session.flush()


def add_case_work(session: Session, case, user, rnd: random.Random) -> None:
    """What the case-work reports read: owner, urgency, GBV and CHI codes, referrals in
    every state, closings with an outcome."""
    case.owner_id = rnd.choice([None, user.id])
    case.urgency = rnd.choice(list(Urgency))
    case.gbv_type = rnd.choice([None, *GbvType])
    case.chi_category = rnd.choice([None, *ChiCategory])
    session.flush()
    for _ in range(rnd.randrange(3)):
        sent = case.created_at + timedelta(minutes=rnd.randrange(1, 600))
        answered = timedelta(minutes=rnd.randrange(5, 3000))
        status = rnd.choice(list(ReferralStatus))
        ended = {ReferralStatus.REJECTED: answered,
                 ReferralStatus.DONE: answered * 2,
                 ReferralStatus.CLOSED: rnd.choice([answered, answered * 3])}.get(status)
        add_referral(session, case, ReferralSpec(
            sent, rnd.choice(list(AgencyType)), status=status,
            due_after=rnd.choice([None, timedelta(hours=rnd.randrange(1, 100))]),
            answered_after=None if status in (ReferralStatus.SENT, ReferralStatus.REVOKED)
            else answered, ended_after=ended), user=user)
    if rnd.random() < 0.5:
        add_closing(session, case, user=user, outcome=rnd.choice(list(ClosureOutcome)),
                    at=case.created_at + timedelta(seconds=rnd.randrange(60, 20 * 86400)))


def everything(session: Session, filters: Filters = NONE) -> dict[str, list]:
    out = {}
    for name in service.REPORTS:
        rows = [tuple(round(v, 3) if isinstance(v, float) else v for v in r)
                for r in service.run(session, name, RANGE, now=NOW, filters=filters).rows]
        if name == "call_records":  # ids differ between the two databases
            rows = [r[1:] for r in rows]
        if name == "dispatch_intervals_each":  # so do ids and case numbers
            rows = [r[2:] for r in rows]
        if name in ("caseload_per_worker", "overdue_referrals_each"):  # logins, case numbers
            rows = [r[1:] for r in rows]
        out[name] = sorted(rows, key=repr)
    return out


@pytest.fixture
def sqlite_session(tmp_path):
    url = f"sqlite:///{tmp_path}/reports.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_sqlite_and_postgresql_give_the_same_figures(db_session, sqlite_session):
    build(db_session)
    build(sqlite_session)
    on_postgres, on_sqlite = everything(db_session), everything(sqlite_session)
    assert all(on_postgres[name] for name in service.REPORTS), "every report has rows"
    for name in service.REPORTS:
        assert on_sqlite[name] == on_postgres[name], name


def test_the_channel_filter_gives_the_same_figures_on_both(db_session, sqlite_session):
    build(db_session)
    build(sqlite_session)
    walk_ins = Filters(channel=Channel.WALK_IN)
    on_postgres, on_sqlite = everything(db_session, walk_ins), everything(sqlite_session,
                                                                         walk_ins)
    for name in service.REPORTS:
        assert on_sqlite[name] == on_postgres[name], name
    counted = {row[0]: row[2] for row in on_postgres["cases_by_channel_month"]}
    assert sum(counted.values()) > 0, "some walk-ins in the range"
