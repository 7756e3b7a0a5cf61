"""Closures on the console: an agent's close of an urgent case waits on the case page and
in the supervisors' list, a supervisor approves or sends it back, reopening says why; the
case clock on the page, its API and its report."""

from sqlalchemy import select

from callcenter.cases.models import Case, CaseStatus, ClosureRequest, ClosureState
from tests.agent_console.console_support import INTAKE, signed_in
from tests.agent_console.test_case_pages import open_case
from tests.support.audit_trail import audited, user_id


def case_of(db, case_url: str) -> Case:
    case = db.get(Case, int(case_url.rsplit("/", 1)[1]))
    db.refresh(case)
    return case


def waiting_request(db, case: Case) -> ClosureRequest:
    row = db.scalars(select(ClosureRequest).where(ClosureRequest.case_id == case.id)
                     .order_by(ClosureRequest.id.desc())).first()
    db.refresh(row)
    return row


def ask_to_close(client, db) -> tuple[str, str]:
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, db, csrf)  # high urgency: the close waits
    asked = client.post(f"{case_url}/status", follow_redirects=False, data={
        "status": "closed", "outcome": "referred", "reason": "พมจ. รับดูแลต่อ",
        "csrf_token": csrf})
    assert asked.status_code == 303
    return case_url, csrf


def test_an_agents_close_of_an_urgent_case_waits_and_the_supervisor_approves_it(
        client, seeded_session):
    case_url, _ = ask_to_close(client, seeded_session)
    assert case_of(seeded_session, case_url).status is CaseStatus.SCREENING
    page = client.get(case_url).text
    assert 'id="closure-waiting"' in page and "รอหัวหน้าเวรอนุมัติการปิดเคส" in page
    assert 'id="closure-approve"' not in page  # the agent cannot approve their own close
    assert "ขอปิดเคส (รออนุมัติ)" in page

    csrf = signed_in(client, "supervisor")
    listed = client.get("/closures").text
    number = case_of(seeded_session, case_url).number
    assert "การปิดเคสที่รออนุมัติ" in listed and number in listed
    request = waiting_request(seeded_session, case_of(seeded_session, case_url))
    approved = client.post(f"/closures/{request.id}/approve", follow_redirects=False,
                           data={"version": str(request.version), "csrf_token": csrf})
    assert approved.status_code == 303 and approved.headers["location"] == case_url
    case = case_of(seeded_session, case_url)
    assert case.status is CaseStatus.CLOSED and case.closure_outcome.value == "referred"
    audited(seeded_session, "case.closure_approve",
            actor_id=user_id(seeded_session, "supervisor"), entity_type="case",
            entity_id=case.id)
    page = client.get(case_url).text
    assert "หัวหน้าเวรอนุมัติการปิดเคส" in page and 'id="closure-waiting"' not in page
    assert number not in client.get("/closures").text


def test_a_supervisor_sends_a_close_back_with_a_reason_shown_on_the_timeline(
        client, seeded_session):
    case_url, _ = ask_to_close(client, seeded_session)
    csrf = signed_in(client, "supervisor")
    request = waiting_request(seeded_session, case_of(seeded_session, case_url))
    bare = client.post(f"/closures/{request.id}/send-back",
                       data={"version": "1", "reason": "  ", "csrf_token": csrf})
    assert bare.status_code == 400 and "ระบุเหตุผลที่ส่งกลับ" in bare.text
    sent = client.post(f"/closures/{request.id}/send-back", follow_redirects=False, data={
        "version": "1", "reason": "โทรติดตามผู้เสียหายก่อน", "csrf_token": csrf})
    assert sent.status_code == 303
    assert waiting_request(seeded_session, case_of(seeded_session, case_url)).state \
        is ClosureState.SENT_BACK
    page = client.get(case_url).text
    assert "หัวหน้าเวรส่งกลับการปิดเคส — โทรติดตามผู้เสียหายก่อน" in page
    again = client.post(f"/closures/{request.id}/approve",
                        data={"version": "2", "csrf_token": csrf})
    assert again.status_code == 409 and "การปิดเคสนี้มีผู้ตัดสินแล้ว" in again.text


def test_reopening_a_closed_case_on_its_page_needs_a_reason(client, seeded_session):
    csrf = signed_in(client, "supervisor")
    case_url = open_case(client, seeded_session, csrf)
    closed = client.post(f"{case_url}/status", follow_redirects=False, data={
        "status": "closed", "outcome": "resolved", "csrf_token": csrf})
    assert closed.status_code == 303  # a supervisor's own close needs no second approval
    assert case_of(seeded_session, case_url).status is CaseStatus.CLOSED
    bare = client.post(f"{case_url}/status", data={"status": "follow_up", "csrf_token": csrf})
    assert bare.status_code == 422 and "ระบุเหตุผลที่เปิดเคสอีกครั้ง" in bare.text
    assert case_of(seeded_session, case_url).status is CaseStatus.CLOSED


def test_the_api_answers_202_for_a_waiting_close_and_409_for_a_stale_decision(client):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case_id = client.post("/api/cases", json=INTAKE, headers=h).json()["id"]
    waiting = client.post(f"/api/cases/{case_id}/status", headers=h,
                          json={"status": "closed", "outcome": "resolved"})
    assert waiting.status_code == 202 and waiting.json()["status"] == "screening"
    twice = client.post(f"/api/cases/{case_id}/status", headers=h,
                        json={"status": "closed", "outcome": "resolved"})
    assert twice.status_code == 409 and twice.json()["field"] == "status"
    [asked] = client.get(f"/api/cases/{case_id}/closures").json()
    assert (asked["state"], asked["outcome"]) == ("pending", "resolved")

    h = {"X-CSRF-Token": signed_in(client, "supervisor")}
    listed = client.get("/api/closures").json()
    assert [r["id"] for r in listed if r["case_id"] == case_id] == [asked["id"]]
    stale = client.post(f"/api/closures/{asked['id']}/approve", json={"version": 7}, headers=h)
    assert stale.status_code == 409 and stale.json()["changed"] == {"state": "pending"}
    no_reason = client.post(f"/api/closures/{asked['id']}/send-back", json={"version": 1},
                            headers=h)
    assert no_reason.status_code == 422
    approved = client.post(f"/api/closures/{asked['id']}/approve", json={"version": 1},
                           headers=h)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert client.get(f"/api/cases/{case_id}").json()["status"] == "closed"


def test_the_case_clock_is_on_the_page_and_in_the_api(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    page = client.get(case_url).text
    assert 'id="case-clock"' in page and "นาฬิกาเคส" in page
    assert 'id="clock-first_follow_up"' in page
    clock = client.get(f"/api{case_url}/clock").json()
    steps = {s["name"]: s for s in clock["steps"]}
    assert list(steps) == ["opened", "dispatched", "acknowledged", "on_scene",
                           "first_follow_up", "closed"]
    # The call was answered about a minute before the case was opened from it.
    assert 0 <= steps["opened"]["seconds"] < 600
    assert steps["dispatched"]["seconds"] is None


def test_the_case_clock_report_is_offered_and_downloads(client, seeded_session):
    signed_in(client, "supervisor")
    page = client.get("/reports").text
    assert "นาฬิกาเคสตามจังหวัดและความเร่งด่วน" in page
    csv = client.get("/reports/case_clock.csv?start=1/1/2569&end=31/12/2569&lang=en")
    assert csv.status_code == 200 and "Target to dispatch (s)" in csv.text
    xlsx = client.get("/reports/case_clock.xlsx?start=1/1/2569&end=31/12/2569")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
