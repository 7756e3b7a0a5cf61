"""Overdue referrals (by agency type and province, and one by one) and referral
acceptance by agency type: what became of the referrals sent in the range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.cases.models import AgencyType, ReferralStatus
from callcenter.reports import service
from callcenter.reports.filters import parse_filters
from callcenter.reports.range import parse_range
from callcenter.taxonomy import Urgency
from tests.support.builders import CaseSpec, ReferralSpec, add_case, add_referral

RANGE = parse_range("1/3/2569", "31/3/2569")
SENT = datetime(2026, 3, 10, 3, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 3, tzinfo=UTC)  # ten days after SENT
H = timedelta(hours=1)


def case_in(db, agent, province="TH-50", urgency=Urgency.NORMAL):
    case = add_case(db, CaseSpec(SENT - H, province=province), user=agent)
    case.urgency = urgency
    db.flush()
    return case


def refer(db, case, agent, kind=AgencyType.POLICE, **spec):
    return add_referral(db, case, ReferralSpec(spec.pop("sent", SENT), kind, **spec),
                        user=agent)


def table(db, name, *, lang="en", **filters):
    report = service.run(db, name, RANGE, now=NOW, lang=lang, filters=parse_filters(**filters))
    keys = [c.key for c in report.spec.columns]
    return [dict(zip(keys, r, strict=True)) for r in report.rows]


def test_overdue_referrals_count_the_sent_and_accepted_past_due_with_their_age(
        db_session, agent):
    chiang_mai, bangkok = case_in(db_session, agent), case_in(db_session, agent, "TH-10")
    refer(db_session, chiang_mai, agent, due_after=24 * H)       # 9 days past due
    refer(db_session, chiang_mai, agent, due_after=228 * H,      # 12 hours past due
          status=ReferralStatus.ACCEPTED, answered_after=H)
    refer(db_session, chiang_mai, agent, due_after=238 * H)      # 2 hours past due
    refer(db_session, chiang_mai, agent, due_after=300 * H)      # not due yet
    refer(db_session, chiang_mai, agent, due_after=24 * H, status=ReferralStatus.DONE,
          answered_after=H, ended_after=2 * H)                    # finished: never overdue
    refer(db_session, chiang_mai, agent, due_after=None)         # no due time
    refer(db_session, bangkok, agent, AgencyType.SHELTER, due_after=2 * H)
    refer(db_session, bangkok, agent, due_after=H, sent=SENT - 30 * 24 * H)  # sent before
    got = {(r["agency_type"], r["province"]): r for r in table(db_session, "overdue_referrals")}
    assert set(got) == {("police", "TH-50"), ("shelter", "TH-10")}
    police = got[("police", "TH-50")]
    assert (police["agency_type_name"], police["province_name"]) == ("Police", "Chiang Mai")
    assert (police["overdue"], police["past_1_day"], police["past_7_days"]) == (3, 1, 1)
    assert (police["median_hours_past_due"], police["longest_hours_past_due"]) == (12.0, 216.0)
    assert got[("shelter", "TH-10")]["overdue"] == 1
    assert [r["province"] for r in table(db_session, "overdue_referrals", province="TH-10")] \
        == ["TH-10"]
    assert table(db_session, "overdue_referrals", agency_type="ngo") == []


def test_the_overdue_list_names_the_case_most_urgent_first_then_longest_overdue(
        db_session, agent):
    calm, urgent = case_in(db_session, agent), case_in(db_session, agent,
                                                      urgency=Urgency.IMMEDIATE)
    refer(db_session, calm, agent, due_after=24 * H)
    refer(db_session, urgent, agent, due_after=230 * H, agency_name="บ้านพักเด็ก")
    refer(db_session, urgent, agent, due_after=100 * H)
    got = table(db_session, "overdue_referrals_each", lang="th")
    assert [r["case_number"] for r in got] == [urgent.number, urgent.number, calm.number]
    assert [r["hours_past_due"] for r in got] == [140.0, 10.0, 216.0]
    first = got[0]
    assert (first["urgency"], first["urgency_name"], first["agency_type_name"]) == (
        "immediate", "ด่วนที่สุด", "ตำรวจ")
    assert first["due_at"] == datetime(2026, 3, 14, 14)  # local time, naive
    assert service.spec("overdue_referrals_each").lists_cases
    assert table(db_session, "overdue_referrals_each", urgency="high") == []


def test_acceptance_counts_each_state_and_reads_closed_ones_by_their_stamps(
        db_session, agent):
    case = case_in(db_session, agent)
    refer(db_session, case, agent)                                        # waiting
    refer(db_session, case, agent, status=ReferralStatus.ACCEPTED, answered_after=2 * H)
    refer(db_session, case, agent, status=ReferralStatus.DONE, answered_after=4 * H,
          ended_after=30 * H)
    refer(db_session, case, agent, status=ReferralStatus.CLOSED, answered_after=10 * H,
          ended_after=40 * H)                                             # accepted, closed
    refer(db_session, case, agent, status=ReferralStatus.REJECTED, answered_after=H,
          ended_after=H)
    refer(db_session, case, agent, status=ReferralStatus.CLOSED, answered_after=3 * H,
          ended_after=3 * H)                                              # declined, closed
    refer(db_session, case, agent, status=ReferralStatus.REVOKED, ended_after=H)
    refer(db_session, case, agent, AgencyType.SHELTER, status=ReferralStatus.REJECTED,
          answered_after=H, ended_after=H)
    got = {r["agency_type"]: r for r in table(db_session, "referral_acceptance")}
    assert list(got) == ["police", "shelter"], "in the list's order"
    police = got["police"]
    assert police["referred"] == 7
    assert [police[s] for s in ("sent", "accepted", "rejected", "done", "closed", "revoked")] \
        == [1, 1, 1, 1, 2, 1]
    assert (police["accepted_all"], police["declined_all"]) == (3, 2)
    assert police["acceptance_rate"] == 60.0
    assert (police["median_hours_to_accept"], police["p90_hours_to_accept"]) == (4.0, 10.0)
    shelter = got["shelter"]
    assert (shelter["acceptance_rate"], shelter["median_hours_to_accept"]) == (0.0, None)


def test_choosing_an_agency_type_shows_its_agencies_one_by_one(db_session, agent):
    case = case_in(db_session, agent)
    refer(db_session, case, agent, agency_name="สภ.เมือง", status=ReferralStatus.ACCEPTED,
          answered_after=H)
    refer(db_session, case, agent, agency_name="สภ.แม่ริม")
    refer(db_session, case, agent, AgencyType.SHELTER)
    got = table(db_session, "referral_acceptance", agency_type="police")
    assert [(r["agency"], r["referred"], r["accepted_all"]) for r in got] == [
        ("สภ.เมือง", 1, 1), ("สภ.แม่ริม", 1, 0)]
    assert all(r["agency"] == "" for r in table(db_session, "referral_acceptance"))
