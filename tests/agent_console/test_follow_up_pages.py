"""Follow-ups on the console: the case page's tasks (a Thai date and time), my list with
its one-click "done", the team's overdue list, the navigation's count, the JSON twins, a
due time in the past refused with a clear message, and the report."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from callcenter.cases.follow_up_models import FollowUpTask
from callcenter.thaidate import BANGKOK
from tests.agent_console.console_support import signed_in
from tests.agent_console.test_case_pages import open_case
from tests.support.audit_trail import audited, user_id


def thai_date(moment: datetime) -> str:
    local = moment.astimezone(BANGKOK)
    return f"{local.day}/{local.month}/{local.year + 543}"


def tomorrow() -> datetime:
    return datetime.now(BANGKOK) + timedelta(days=1)


def tasks_of(db, case_id: int) -> list[FollowUpTask]:
    return list(db.scalars(select(FollowUpTask).where(FollowUpTask.case_id == case_id)
                           .order_by(FollowUpTask.id)))


def add_task(client, case_url: str, csrf: str, **form) -> object:
    return client.post(f"{case_url}/follow-ups", follow_redirects=False, data={
        "kind": "call_back", "due_date": thai_date(tomorrow()), "due_time": "10:30",
        "note": "โทรหลังเลิกงาน", "csrf_token": csrf, **form})


def test_an_agent_sets_a_follow_up_on_the_case_page_and_marks_it_done_from_the_list(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    case_id = int(case_url.rsplit("/", 1)[1])
    page = client.get(case_url).text
    assert 'id="follow-up-form"' in page and "เพิ่มงานติดตามผล" in page
    added = add_task(client, case_url, csrf)
    assert added.status_code == 303 and added.headers["location"].endswith("#follow-ups")
    task, = tasks_of(seeded_session, case_id)
    due = task.due_at.astimezone(BANGKOK)
    assert (due.date(), due.hour, due.minute) == (tomorrow().date(), 10, 30)
    agent = user_id(seeded_session, "agent1")
    assert task.assignee_id == agent
    audited(seeded_session, "follow_up.create", actor_id=agent, entity_type="case",
            entity_id=case_id)
    page = client.get(case_url).text
    assert f'data-task="{task.id}"' in page and "โทรกลับหาผู้แจ้ง" in page
    assert "ตั้งงานติดตามผล" in page  # on the timeline

    listed = client.get("/follow-ups").text
    assert "กำหนดถัดไป" in listed and f'data-task="{task.id}"' in listed
    done = client.post(f"/follow-ups/{task.id}/done", follow_redirects=False, data={
        "version": str(task.version), "back": "list", "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/follow-ups"
    seeded_session.refresh(task)
    assert task.done_by_id == agent
    again = client.post(f"/follow-ups/{task.id}/done", data={"csrf_token": csrf})
    assert again.status_code == 409 and "ทำแล้วหรือถูกยกเลิกแล้ว" in again.text
    assert "ทำงานติดตามผลแล้ว" in client.get(case_url).text


def test_a_follow_up_due_in_the_past_is_refused_with_a_clear_message(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    yesterday = thai_date(datetime.now(BANGKOK) - timedelta(days=1))
    refused = add_task(client, case_url, csrf, due_date=yesterday)
    assert refused.status_code == 422
    assert "กำหนดงานติดตามผลย้อนหลังไม่ได้" in refused.text
    toast = client.post(f"{case_url}/follow-ups", headers={"HX-Request": "true"}, data={
        "kind": "visit", "due_date": yesterday, "due_time": "09:00", "csrf_token": csrf})
    assert toast.status_code == 422 and 'class="toast error"' in toast.text
    english = client.post(f"{case_url}/follow-ups?lang=en", data={
        "kind": "visit", "due_date": "31/2/2569", "due_time": "09:00", "csrf_token": csrf})
    assert english.status_code == 422 and "Buddhist era" in english.text
    assert tasks_of(seeded_session, int(case_url.rsplit("/", 1)[1])) == []


def test_the_api_twins_add_list_and_finish_tasks(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    case_id = int(case_url.rsplit("/", 1)[1])
    h = {"X-CSRF-Token": csrf}
    past = client.post(f"/api/cases/{case_id}/follow-ups", headers=h, json={
        "kind": "call_back", "due_at": "2020-01-01T09:00:00+07:00"})
    assert past.status_code == 422 and past.json()["field"] == "due_at"
    made = client.post(f"/api/cases/{case_id}/follow-ups", headers=h, json={
        "kind": "visit", "due_at": tomorrow().isoformat(), "note": "เยี่ยมบ้าน"})
    assert made.status_code == 201, made.text
    task = made.json()
    mine = client.get("/api/follow-ups").json()
    assert [t["id"] for t in mine["today"] + mine["upcoming"]] == [task["id"]]
    assert client.get(f"/api/cases/{case_id}/follow-ups").json()[0]["kind"] == "visit"
    cancelled = client.post(f"/api/follow-ups/{task['id']}/cancel", headers=h,
                            json={"version": task["version"]})
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    again = client.post(f"/api/follow-ups/{task['id']}/done", headers=h, json={})
    assert again.status_code == 409 and again.json()["field"] == "follow_up"


def test_another_agent_may_not_finish_someone_elses_task(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    assert add_task(client, case_url, csrf).status_code == 303
    task, = tasks_of(seeded_session, int(case_url.rsplit("/", 1)[1]))
    other = signed_in(client, "agent2")
    refused = client.post(f"/api/follow-ups/{task.id}/done", headers={"X-CSRF-Token": other},
                          json={})
    assert refused.status_code == 403
    seeded_session.refresh(task)
    assert task.is_open


def test_an_overdue_task_shows_in_the_nav_count_and_on_the_teams_list(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    assert add_task(client, case_url, csrf).status_code == 303
    task, = tasks_of(seeded_session, int(case_url.rsplit("/", 1)[1]))
    assert 'hx-get="/follow-ups/count"' in client.get("/follow-ups").text
    assert "overdue-count" not in client.get("/follow-ups/count").text
    task.due_at = datetime.now(BANGKOK) - timedelta(hours=2)  # as it stands two hours on
    seeded_session.flush()
    assert '>1</span>' in client.get("/follow-ups/count").text
    assert f'data-task="{task.id}"' in client.get("/follow-ups").text.split("h-today")[0]

    signed_in(client, "supervisor")
    team = client.get("/follow-ups/team").text
    assert f'data-task="{task.id}"' in team and "เชียงใหม่" in team
    api = client.get("/api/follow-ups/team").json()
    assert [(i["task_id"], i["province_code"], i["urgency"]) for i in api] == [
        (task.id, "TH-50", "high")]


def test_closing_the_case_cancels_its_tasks_and_says_so_on_the_timeline(
        client, seeded_session):
    csrf = signed_in(client, "supervisor")
    case_url = open_case(client, seeded_session, csrf)
    assert add_task(client, case_url, csrf).status_code == 303
    closed = client.post(f"{case_url}/status", follow_redirects=False, data={
        "status": "closed", "outcome": "resolved", "csrf_token": csrf})
    assert closed.status_code == 303
    task, = tasks_of(seeded_session, int(case_url.rsplit("/", 1)[1]))
    seeded_session.refresh(task)
    assert task.cancelled_by_close
    page = client.get(case_url).text
    assert "ยกเลิกงานติดตามผลเพราะปิดเคส" in page and 'id="follow-up-form"' not in page


def test_the_overdue_report_is_on_the_reports_page(client, seeded_session):
    signed_in(client, "supervisor")
    page = client.get("/reports", params={"report": "follow_ups_overdue"})
    assert page.status_code == 200 and "งานติดตามผลและการส่งต่อที่เกินกำหนด" in page.text
    today = thai_date(datetime.now(BANGKOK))
    csv = client.get("/reports/follow_ups_overdue.csv", params={"start": today, "end": today})
    assert csv.status_code == 200 and "งานติดตามผลที่ครบกำหนด" in csv.content.decode("utf-8-sig")
