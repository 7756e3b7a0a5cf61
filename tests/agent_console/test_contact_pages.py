"""Later contacts in the console: the screen-pop's "attach this call to case …", the
case page's "attach a contact" and timeline of contacts, and their JSON twins; attaching
twice, to a closed case or someone else's call is refused with a clear message."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from callcenter.agents.models import User
from callcenter.cases import closure
from callcenter.cases.models import Case, CaseContact, ClosureOutcome
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.support.audit_trail import audited, user_id

NUMBER = "0812345678"
HTMX = {"HX-Request": "true"}


def a_case_from_a_call(client, db, csrf: str) -> dict:
    first = add_call(db, uniqueid="1700000000.1", number=NUMBER,
                     started_ago=timedelta(hours=2))
    opened = client.post("/api/cases", json={**INTAKE, "call_id": first.id},
                         headers={"X-CSRF-Token": csrf})
    assert opened.status_code == 201, opened.text
    return opened.json()


def later_call(db, *, uniqueid: str = "1700000500.1", agent: str = "agent1"):
    call = add_call(db, uniqueid=uniqueid, number=NUMBER,
                    agent_interface=f"Local/{agent}@agents/n")
    call.agent_user_id = user_id(db, agent)
    db.flush()
    return call


def contacts_of(db, case_id: int) -> int:
    return db.scalar(select(func.count()).select_from(CaseContact)
                     .where(CaseContact.case_id == case_id))


def test_the_screen_pop_offers_the_callers_case_and_attaches_the_call_to_it(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    call = later_call(seeded_session)

    pop = client.get("/agent/pop", params={"node": "pbx1", "uniqueid": call.uniqueid}).text
    assert case["number"] in pop and f'id="attach-{case["id"]}"' in pop
    assert f"แนบสายนี้กับเคส {case['number']}" in pop
    assert "สมหญิง ใจดี" in pop  # the owner (a staff member), never a person on the case
    assert "มาลี" not in pop

    attached = client.post(f"/cases/{case['id']}/contacts/calls", headers=HTMX,
                           data={"call_id": call.id, "csrf_token": csrf})
    assert attached.status_code == 200
    assert "แนบแล้ว ✓" in attached.text and f'href="/cases/{case["id"]}"' in attached.text
    assert f'id="attach-{case["id"]}"' not in attached.text
    audited(seeded_session, "case.contact.phone", actor_id=user_id(seeded_session, "agent1"),
            entity_type="case", entity_id=case["id"])
    # Drawn again (the next call event), the pop says so too.
    pop = client.get("/agent/pop", params={"node": "pbx1", "uniqueid": call.uniqueid}).text
    assert f'id="attached-{case["id"]}"' in pop


def test_attaching_a_call_twice_is_a_409_with_a_clear_message_and_nothing_written(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    call = later_call(seeded_session)
    api = f"/api/cases/{case['id']}/contacts"
    body = {"channel": "phone", "call_id": call.id}
    assert client.post(api, json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    before = contacts_of(seeded_session, case["id"])

    again = client.post(api, json=body, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
    assert again.json()["error"] == "call_already_attached"
    assert again.json()["field"] == "call_id" and "already attached" in again.json()["message"]
    page = client.post(f"/cases/{case['id']}/contacts/calls", headers=HTMX,
                       data={"call_id": call.id, "csrf_token": csrf})
    assert page.status_code == 409 and "สายนี้แนบกับเคสนี้แล้ว" in page.text
    assert contacts_of(seeded_session, case["id"]) == before


def test_a_closed_case_refuses_a_contact_and_says_to_reopen_it(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    row = seeded_session.get(Case, case["id"])
    closure.close(seeded_session, row, outcome=ClosureOutcome.RESOLVED,
                  actor_id=user_id(seeded_session, "supervisor"), role="supervisor")
    seeded_session.flush()
    call = later_call(seeded_session)

    refused = client.post(f"/api/cases/{case['id']}/contacts", headers={"X-CSRF-Token": csrf},
                          json={"channel": "phone", "call_id": call.id})
    assert refused.status_code == 409 and refused.json()["error"] == "case_closed"
    assert "reopen" in refused.json()["message"]
    page = client.post(f"/cases/{case['id']}/contacts", headers=HTMX,
                       data={"channel": "walk_in", "csrf_token": csrf})
    assert page.status_code == 409 and "เปิดเคสอีกครั้ง" in page.text
    pop = client.get("/agent/pop", params={"node": "pbx1", "uniqueid": call.uniqueid}).text
    assert f'id="attach-{case["id"]}"' not in pop and "เปิดเคสอีกครั้ง" in pop
    assert contacts_of(seeded_session, case["id"]) == 1


def test_another_agents_call_is_not_found(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    theirs = later_call(seeded_session, agent="agent2")
    refused = client.post(f"/api/cases/{case['id']}/contacts", headers={"X-CSRF-Token": csrf},
                          json={"channel": "phone", "call_id": theirs.id})
    assert refused.status_code == 404
    page = client.post(f"/cases/{case['id']}/contacts/calls",
                       data={"call_id": theirs.id, "csrf_token": csrf})
    assert page.status_code == 404
    assert contacts_of(seeded_session, case["id"]) == 1


def test_the_case_page_attaches_my_recent_call_and_records_a_walk_in_on_its_timeline(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    call = later_call(seeded_session)
    page = client.get(f"/cases/{case['id']}").text
    assert 'id="attach-contact"' in page and f'<option value="{call.id}">' in page

    done = client.post(f"/cases/{case['id']}/contacts/calls", follow_redirects=False,
                       data={"call_id": call.id, "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case['id']}"
    walked_in = client.post(f"/cases/{case['id']}/contacts", follow_redirects=False, data={
        "channel": "walk_in", "summary": "มาที่ศูนย์พร้อมลูกสองคน", "csrf_token": csrf})
    assert walked_in.status_code == 303

    page = client.get(f"/cases/{case['id']}").text
    assert page.count('data-channel="phone"') == 2 and 'data-channel="walk_in"' in page
    assert "มาติดต่อด้วยตนเอง" in page and "มาที่ศูนย์พร้อมลูกสองคน" in page
    assert "ผู้รับเรื่อง: สมหญิง ใจดี" in page and "รอสาย" in page
    assert f'<option value="{call.id}">' not in page  # attached: no longer offered


def test_a_contact_time_before_the_case_or_not_a_time_is_refused_in_thai(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    for when in ("2020-01-01T10:00", "yesterday"):
        refused = client.post(f"/cases/{case['id']}/contacts", headers=HTMX, data={
            "channel": "message", "occurred_at": when, "csrf_token": csrf})
        assert refused.status_code == 422
    assert "เวลาที่ติดต่อ" in refused.text
    assert contacts_of(seeded_session, case["id"]) == 1


def test_a_contact_time_is_typed_as_a_thai_day_and_a_24_hour_clock(client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    page = client.get(f"/cases/{case['id']}").text
    assert 'type="datetime-local"' not in page and 'name="occurred_day"' in page
    soon = datetime.now(ZoneInfo("Asia/Bangkok")) + timedelta(minutes=2)
    typed = {"occurred_day": f"{soon.day}/{soon.month}/{soon.year + 543}",
             "occurred_time": f"{soon:%H.%M} น."}
    recorded = client.post(f"/cases/{case['id']}/contacts", follow_redirects=False, data={
        "channel": "message", **typed, "summary": "ส่งข้อความมา", "csrf_token": csrf})
    assert recorded.status_code == 303
    assert f"{soon:%H:%M}" in client.get(f"/cases/{case['id']}").text
    refused = client.post(f"/cases/{case['id']}/contacts", headers=HTMX, data={
        "channel": "message", "occurred_day": "31/2/2569", "csrf_token": csrf})
    assert refused.status_code == 422
    assert contacts_of(seeded_session, case["id"]) == 2


def test_the_contacts_api_lists_each_contact_with_its_call_record_and_handler(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = a_case_from_a_call(client, seeded_session, csrf)
    h = {"X-CSRF-Token": csrf}
    call = later_call(seeded_session)
    assert [c["id"] for c in client.get("/api/calls/mine").json()] == [call.id]
    client.post(f"/api/cases/{case['id']}/contacts", headers=h,
                json={"channel": "phone", "call_id": call.id})
    message = client.post(f"/api/cases/{case['id']}/contacts", headers=h,
                          json={"channel": "message", "summary": "ส่งข้อความขอความช่วยเหลือ"})
    assert message.status_code == 201 and message.json()["call"] is None

    listed = client.get(f"/api/cases/{case['id']}/contacts").json()
    assert [c["channel"] for c in listed] == ["phone", "phone", "message"]
    later = listed[1]
    assert later["call"]["id"] == call.id and later["call"]["queue_name"] == "violence"
    assert later["handled_by"] == seeded_session.scalar(
        select(User.display_name).where(User.login == "agent1"))
    assert later["call"]["caller_number"] == NUMBER  # agents see the whole number
    bad = client.post(f"/api/cases/{case['id']}/contacts", headers=h,
                      json={"channel": "walk_in", "call_id": call.id})
    assert bad.status_code == 422 and bad.json()["field"] == "call_id"
