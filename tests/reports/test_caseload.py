"""Caseload per worker: open now (and how urgent), opened and closed in the range, the
overdue referrals each owner holds; inactive accounts marked, unowned cases apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.agents.models import Role, User
from callcenter.cases.models import ReferralStatus
from callcenter.reports import service
from callcenter.reports.filters import parse_filters
from callcenter.reports.range import parse_range
from callcenter.taxonomy import Urgency
from tests.support.builders import CaseSpec, ReferralSpec, add_case, add_closing, add_referral

RANGE = parse_range("1/3/2569", "31/3/2569")
IN_MARCH = datetime(2026, 3, 10, 3, tzinfo=UTC)
NOW = datetime(2026, 4, 2, 9, tzinfo=UTC)


def owned(db, owner, creator, *, at=IN_MARCH, urgency=Urgency.NORMAL, province="TH-50"):
    case = add_case(db, CaseSpec(at, province=province), user=creator)
    case.owner_id = owner.id if owner else None
    case.urgency = urgency
    db.flush()
    return case


def rows(db, **filters):
    report = service.run(db, "caseload_per_worker", RANGE, now=NOW, lang="en",
                         filters=parse_filters(**filters))
    keys = [c.key for c in report.spec.columns]
    return {r[1]: dict(zip(keys, r, strict=True)) for r in report.rows}


def test_each_owner_has_open_opened_closed_and_overdue_referrals(db_session, agent):
    left = User(login="r15.left", display_name="ออกไปแล้ว", password_hash="-",
                role=Role.AGENT, active=False)
    db_session.add(left)
    db_session.flush()
    owned(db_session, agent, agent, urgency=Urgency.IMMEDIATE)
    owned(db_session, agent, agent, urgency=Urgency.HIGH, at=IN_MARCH - timedelta(days=40))
    late = owned(db_session, agent, agent)
    add_referral(db_session, late, ReferralSpec(IN_MARCH, due_after=timedelta(hours=24)),
                 user=agent)
    add_referral(db_session, late, ReferralSpec(IN_MARCH, status=ReferralStatus.DONE,
                                                answered_after=timedelta(hours=1),
                                                ended_after=timedelta(hours=2)), user=agent)
    done = owned(db_session, agent, agent)
    add_closing(db_session, done, at=IN_MARCH + timedelta(days=2), user=agent)
    owned(db_session, left, agent, urgency=Urgency.IMMEDIATE)
    owned(db_session, None, agent)
    got = rows(db_session)
    mine = got[agent.display_name]
    assert (mine["open"], mine["open_immediate"], mine["open_high"]) == (3, 1, 1)
    assert (mine["opened"], mine["closed"], mine["overdue_referrals"]) == (3, 1, 1)
    assert mine["account"] == "active" and mine["login"] == agent.login
    assert got["ออกไปแล้ว"]["account"] == "inactive" and got["ออกไปแล้ว"]["open"] == 1
    assert got["(no owner)"]["login"] == "-" and got["(no owner)"]["open"] == 1
    assert list(got)[-1] == "(no owner)", "unowned cases come after every owner"


def test_a_closed_case_outside_the_range_is_no_ones_load_and_a_province_narrows(
        db_session, agent):
    old = owned(db_session, agent, agent, at=IN_MARCH - timedelta(days=60))
    add_closing(db_session, old, at=IN_MARCH - timedelta(days=50), user=agent)
    assert rows(db_session) == {}
    owned(db_session, agent, agent, province="TH-10")
    owned(db_session, agent, agent, province="TH-50")
    assert rows(db_session)[agent.display_name]["open"] == 2
    assert rows(db_session, province="TH-10")[agent.display_name]["open"] == 1


def test_names_are_given_in_the_readers_language(db_session, agent):
    owned(db_session, None, agent)
    thai = service.run(db_session, "caseload_per_worker", RANGE, now=NOW).rows
    assert next(thai)[1] == "(ยังไม่มีผู้รับผิดชอบ)"
