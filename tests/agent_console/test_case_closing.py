"""Closing a case on its page: an outcome from the list or nothing is closed; the outcome
is shown on the case, its timeline and the audit trail, and reopening keeps it there."""

from callcenter.cases.models import Case, CaseStatus, ClosureOutcome
from tests.agent_console.console_support import signed_in
from tests.agent_console.test_case_pages import open_case
from tests.support.audit_trail import audited, user_id


def case_of(db, case_url: str) -> Case:
    case = db.get(Case, int(case_url.rsplit("/", 1)[1]))
    db.refresh(case)
    return case


def test_the_page_offers_the_outcomes_beside_the_status_list(client, seeded_session):
    csrf = signed_in(client, "agent1")
    page = client.get(open_case(client, seeded_session, csrf)).text
    assert 'id="outcome-choice"' in page and 'id="close-confirm"' in page
    for outcome in ClosureOutcome:
        assert f'value="{outcome.value}"' in page
    assert "static/case.js" in page


def test_closing_without_an_outcome_is_refused_beside_the_field_in_thai_and_english(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    thai = client.post(f"{case_url}/status", data={"status": "closed", "reason": "จบแล้ว",
                                                   "csrf_token": csrf})
    assert thai.status_code == 422
    assert "เลือกผลการดำเนินการก่อนปิดเคส" in thai.text and 'id="outcome-problem"' in thai.text
    # The form comes back as it was sent: "closed" still chosen, the reason still typed.
    assert 'value="closed" selected' in thai.text and 'value="จบแล้ว"' in thai.text
    client.cookies.set("lang", "en")
    english = client.post(f"{case_url}/status", data={"status": "closed", "csrf_token": csrf})
    assert english.status_code == 422 and "Choose how the case ended to close it" in english.text
    assert case_of(seeded_session, case_url).status is CaseStatus.SCREENING


def test_an_outcome_is_refused_on_a_move_that_does_not_close(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    refused = client.post(f"{case_url}/status", data={"status": "follow_up",
                                                      "outcome": "resolved", "csrf_token": csrf})
    assert refused.status_code == 422
    assert "เลือกผลการดำเนินการได้เฉพาะเมื่อปิดเคส" in refused.text
    assert case_of(seeded_session, case_url).status is CaseStatus.SCREENING


def test_the_outcome_is_shown_on_the_case_its_timeline_and_audit_trail_and_kept_on_reopening(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    # Normal urgency: the agent's close needs no supervisor (test_closure_pages.py).
    case_url = open_case(client, seeded_session, csrf, urgency="normal")
    closed = client.post(f"{case_url}/status", follow_redirects=False, data={
        "status": "closed", "outcome": "unreachable", "csrf_token": csrf})
    assert closed.status_code == 303
    case = case_of(seeded_session, case_url)
    assert case.status is CaseStatus.CLOSED and case.closure_outcome is ClosureOutcome.UNREACHABLE
    audited(seeded_session, "case.close.unreachable", actor_id=user_id(seeded_session, "agent1"),
            entity_type="case", entity_id=case.id)
    page = client.get(case_url).text
    assert 'id="closure-outcome">ติดต่อไม่ได้หลังการติดตามแล้ว' in page
    reopened = client.post(f"{case_url}/status", follow_redirects=False, data={
        "status": "follow_up", "reason": "ผู้แจ้งโทรกลับมา", "csrf_token": csrf})
    assert reopened.status_code == 303
    case = case_of(seeded_session, case_url)
    assert case.status is CaseStatus.FOLLOW_UP and case.closure_outcome is None
    page = client.get(case_url).text
    assert 'id="closure-outcome"' not in page
    # The closing stays on the timeline with its outcome.
    assert "ปิดเคส · ติดต่อไม่ได้หลังการติดตามแล้ว" in page
    signed_in(client, "supervisor")
    trail = client.get(f"{case_url}/audit").text
    assert "ปิดเคส: ติดต่อไม่ได้" in trail
