"""Submitting a public report, finding it by its code, adding to it, and its status."""

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases import service as cases
from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict, InvalidInput
from callcenter.intake import public_reports, tracking
from callcenter.intake.models import ContactWay, PublicReport, ReportState
from callcenter.intake.policy import PublicStatus
from callcenter.intake.schemas import AdditionIn, PublicReportIn
from callcenter.queues.catalog import BY_NAME, URGENT
from tests.intake.builders import KEY, REPORT, submit


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(PublicReport))


def test_a_report_waits_in_the_web_queue_and_only_a_digest_of_its_code_is_kept(seeded_session):
    done = submit(seeded_session)
    row = done.report
    assert row.queue == "web" and row.state is ReportState.WAITING and not row.urgent
    assert row.tracking_hash == tracking.digest(done.code, key=KEY)
    stored = [str(getattr(row, c.key)) for c in PublicReport.__table__.columns]
    assert not any(done.code in value for value in stored)


def test_a_report_found_by_its_code_typed_in_any_way_and_not_by_another(seeded_session):
    done = submit(seeded_session)
    typed = tracking.shown(done.code).lower()
    assert public_reports.by_code(seeded_session, typed, key=KEY).id == done.report.id
    assert public_reports.by_code(seeded_session, tracking.new_code(), key=KEY) is None
    assert public_reports.by_code(seeded_session, "not a code", key=KEY) is None
    assert public_reports.by_code(seeded_session, done.code, key="x" * 40) is None


def test_the_same_idempotency_key_makes_one_report_and_gives_the_same_code(seeded_session):
    before = _count(seeded_session)
    first = submit(seeded_session, idempotency_key="retry-key-0123456789")
    again = submit(seeded_session, idempotency_key="retry-key-0123456789")
    assert again.replayed and again.report.id == first.report.id and again.code == first.code
    assert _count(seeded_session) == before + 1
    assert first.report.idempotency_hash != "retry-key-0123456789"


def test_an_idempotency_key_reused_for_other_words_is_refused(seeded_session):
    submit(seeded_session, idempotency_key="retry-key-0123456789")
    with pytest.raises(Conflict) as refused:
        submit(seeded_session, idempotency_key="retry-key-0123456789", what_happened="อื่น")
    assert refused.value.field == "idempotency_key"


def test_a_short_or_odd_idempotency_key_is_refused(seeded_session):
    with pytest.raises(InvalidInput):
        submit(seeded_session, idempotency_key="1")


def test_danger_raises_the_report_to_the_urgent_priority(seeded_session):
    by_box = submit(seeded_session, in_danger_now=True).report
    by_words = submit(seeded_session, what_happened="ช่วยด้วย สามีถือมีด").report
    normal = submit(seeded_session).report
    assert by_box.urgent and by_words.urgent and not normal.urgent
    assert by_box.priority == by_words.priority == BY_NAME[URGENT].priority > normal.priority


def test_a_submission_is_audited_with_no_one_and_no_address(seeded_session):
    report = submit(seeded_session).report
    event = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "public_report", AuditEvent.entity_id == str(report.id))).one()
    assert event.action == "public_report.submit"
    assert event.actor_id is None and event.source_ip is None
    assert REPORT["what_happened"] not in str(event.changes)


def test_the_form_needs_consent_a_phone_to_call_and_a_district_of_the_province():
    with pytest.raises(ValidationError) as no_yes:
        PublicReportIn(**{**REPORT, "consent": False})
    assert no_yes.value.errors()[0]["loc"] == ("consent",)
    with pytest.raises(ValidationError) as no_phone:
        PublicReportIn(**REPORT, contact_way=ContactWay.PHONE)
    assert no_phone.value.errors()[0]["loc"] == ("phone",)
    with pytest.raises(ValidationError) as elsewhere:
        PublicReportIn(**{**REPORT, "district_code": "1001"})  # a Bangkok district
    assert elsewhere.value.errors()[0]["loc"] == ("district_code",)
    with pytest.raises(ValidationError):
        PublicReportIn(**{**REPORT, "what_happened": "ก" * 4001})
    report = PublicReportIn(**REPORT, contact_way=ContactWay.PHONE, phone="081-234 5678")
    assert report.contact_value() == "0812345678"


def test_an_addition_is_kept_with_the_report_and_audited_without_its_words(seeded_session):
    report = submit(seeded_session).report
    public_reports.add(seeded_session, report, AdditionIn(body="เขากลับมาอีกแล้ว"))
    added = public_reports.additions(seeded_session, [report.id])[report.id]
    assert [a.body for a in added] == ["เขากลับมาอีกแล้ว"]
    event = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "public_report.addition")).one()
    assert "เขากลับมา" not in str(event.changes)


def test_additions_stop_at_the_limit(seeded_session):
    report = submit(seeded_session).report
    for n in range(public_reports.MAX_ADDITIONS):
        public_reports.add(seeded_session, report, AdditionIn(body=f"ข้อมูล {n}"))
    with pytest.raises(Conflict):
        public_reports.add(seeded_session, report, AdditionIn(body="อีก"))


def test_the_status_follows_the_case_the_report_became(seeded_session):
    report = submit(seeded_session).report
    assert public_reports.status(seeded_session, report) is PublicStatus.RECEIVED
    agent = seeded_session.scalar(select(User.id).where(User.login == "agent1"))
    case = cases.open_case(seeded_session, created_by_id=agent)
    report.state, report.case_id = ReportState.HANDLED, case.id
    assert public_reports.status(seeded_session, report) is PublicStatus.IN_PROGRESS
    case.status = CaseStatus.REFERRED
    assert public_reports.status(seeded_session, report) is PublicStatus.REFERRED
    case.status = CaseStatus.CLOSED
    assert public_reports.status(seeded_session, report) is PublicStatus.CLOSED
