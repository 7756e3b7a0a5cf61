"""The web queue as agents work it: by priority, taken once, a case opened from a report,
attached to one, or flagged; every step audited with ids and states only."""

import pytest
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases import service as cases
from callcenter.cases.models import CasePerson, PersonRole
from callcenter.errors import Conflict, StaleEdit
from callcenter.intake import public_reports, web_queue
from callcenter.intake.models import ContactWay, ReportFlag, ReportState
from callcenter.intake.schemas import PublicReportIn
from callcenter.taxonomy import Urgency
from tests.intake.builders import KEY, REPORT, submit


def _actor(session, login: str, *, boss: bool = False) -> web_queue.Actor:
    return web_queue.Actor(id=session.scalar(select(User.id).where(User.login == login)),
                           boss=boss)


def _audits(session, report_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "public_report", AuditEvent.entity_id == str(report_id))
        .order_by(AuditEvent.id)))


def test_the_queue_lists_urgent_reports_first_then_the_oldest(seeded_session):
    older = submit(seeded_session).report
    newer = submit(seeded_session).report
    urgent = submit(seeded_session, in_danger_now=True).report
    ids = [r.id for r in web_queue.waiting(seeded_session)]
    assert ids.index(urgent.id) < ids.index(older.id) < ids.index(newer.id)


def test_an_agent_takes_a_report_and_another_agent_may_not_take_it_from_them(seeded_session):
    report = submit(seeded_session).report
    agent1, agent2 = _actor(seeded_session, "agent1"), _actor(seeded_session, "agent2")
    web_queue.take(seeded_session, report, agent1, version=1)
    assert report.state is ReportState.TAKEN and report.taken_by_id == agent1.id
    with pytest.raises(Conflict):
        web_queue.take(seeded_session, report, agent2)
    with pytest.raises(StaleEdit):
        web_queue.take(seeded_session, report, agent1, version=1)
    event = _audits(seeded_session, report.id)[-1]
    assert event.action == "public_report.take" and event.actor_id == agent1.id
    assert event.changes["state"] == ["waiting", "taken"]


def test_a_case_opened_from_a_report_carries_its_words_place_urgency_and_reporter(
        seeded_session):
    report = public_reports.submit(seeded_session, PublicReportIn(
        **REPORT, in_danger_now=True, contact_way=ContactWay.PHONE, phone="0812345678",
        safe_times="หลัง 18.00 น.", reporter_name="น้อย"), source="website", key=KEY).report
    agent = _actor(seeded_session, "agent1")
    web_queue.take(seeded_session, report, agent)
    case = web_queue.open_case(seeded_session, report, agent, id_key=KEY)
    assert case.summary == REPORT["what_happened"] and case.province_code == "TH-50"
    assert case.district_code == "5001" and case.urgency is Urgency.IMMEDIATE
    assert case.risk == {"in_danger_now": True} and case.call_window == "หลัง 18.00 น."
    assert not case.do_not_call_back and case.owner_id == agent.id
    reporter = seeded_session.scalars(select(CasePerson).where(
        CasePerson.case_id == case.id)).one()
    assert reporter.role is PersonRole.REPORTER and reporter.phone == "0812345678"
    assert report.state is ReportState.HANDLED and report.case_id == case.id
    assert web_queue.of_case(seeded_session, case.id) == [report]
    event = _audits(seeded_session, report.id)[-1]
    assert event.action == "public_report.open_case"
    assert event.changes["case_id"] == [None, case.id]


def test_an_anonymous_report_with_no_contact_opens_a_case_not_to_call_back(seeded_session):
    report = submit(seeded_session).report
    agent = _actor(seeded_session, "agent1")
    web_queue.take(seeded_session, report, agent)
    case = web_queue.open_case(seeded_session, report, agent, id_key=KEY)
    assert case.do_not_call_back
    assert cases.persons(seeded_session, case) == []


def test_a_report_attached_to_a_case_is_dealt_with_once(seeded_session):
    report = submit(seeded_session).report
    agent = _actor(seeded_session, "agent1")
    case = cases.open_case(seeded_session, created_by_id=agent.id)
    with pytest.raises(Conflict, match="take the report first"):
        web_queue.attach(seeded_session, report, case, agent)
    web_queue.take(seeded_session, report, agent)
    web_queue.attach(seeded_session, report, case, agent)
    assert report.case_id == case.id and report.state is ReportState.HANDLED
    assert web_queue.case_by_number(seeded_session, case.number).id == case.id
    with pytest.raises(Conflict):
        web_queue.flag(seeded_session, report, ReportFlag.PRANK, agent)


def test_flagged_reports_mark_their_address_as_a_numbers_prank_calls_do(seeded_session):
    agent = _actor(seeded_session, "agent1")
    flagged = []
    for _ in range(3):
        report = public_reports.submit(seeded_session, PublicReportIn(**REPORT),
                                       source="website", key=KEY,
                                       address="198.51.100.9").report
        web_queue.take(seeded_session, report, agent)
        flagged.append(web_queue.flag(seeded_session, report, ReportFlag.PRANK, agent))
    assert all(r.state is ReportState.FLAGGED for r in flagged)
    fourth = public_reports.submit(seeded_session, PublicReportIn(**REPORT), source="website",
                                   key=KEY, address="198.51.100.9").report
    other = public_reports.submit(seeded_session, PublicReportIn(**REPORT), source="website",
                                  key=KEY, address="198.51.100.10").report
    marked = web_queue.nuisance_addresses(seeded_session, [fourth, other])
    assert marked == {fourth.address_hash}
    assert _audits(seeded_session, flagged[0].id)[-1].action == "public_report.flag_prank"
