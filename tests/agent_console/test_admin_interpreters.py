"""Admins keep the interpreters' roster: numbers stored in E.164, every save audited,
a stale edit refused; the page lists them by language name."""

from sqlalchemy import select

from callcenter.audit import AuditEvent
from tests.agent_console.console_support import signed_in

BURMESE = {"language": "my", "name": "ล่ามพม่า สมใจ", "phone": "081-234-5678",
           "days": "01234", "from_time": "08:00", "until_time": "17:00"}


def test_an_admin_adds_an_interpreter_and_the_number_is_kept_in_e164(client, seeded_session):
    h = {"X-CSRF-Token": signed_in(client, "admin")}
    added = client.post("/api/admin/interpreters", json=BURMESE, headers=h)
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["phone"], body["days"], body["version"]) == ("+66812345678", "01234", 1)
    page = client.get("/admin/interpreters")
    assert "ล่ามพม่า สมใจ" in page.text and "พม่า" in page.text
    assert seeded_session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "interpreter.create",
        AuditEvent.entity_id == str(body["id"]))) == "interpreter.create"


def test_an_edit_from_a_stale_form_is_refused(client):
    h = {"X-CSRF-Token": signed_in(client, "admin")}
    made = client.post("/api/admin/interpreters", json=BURMESE, headers=h).json()
    first = client.put(f"/api/admin/interpreters/{made['id']}", headers=h,
                       json={**BURMESE, "active": False, "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.put(f"/api/admin/interpreters/{made['id']}", headers=h,
                       json={**BURMESE, "name": "อื่น", "version": 1})
    assert stale.status_code == 409


def test_a_bad_number_or_language_is_refused_naming_the_field(client):
    h = {"X-CSRF-Token": signed_in(client, "admin")}
    bad_phone = client.post("/api/admin/interpreters", json={**BURMESE, "phone": "12"},
                            headers=h)
    bad_language = client.post("/api/admin/interpreters",
                               json={**BURMESE, "language": "zz"}, headers=h)
    assert bad_phone.status_code == bad_language.status_code == 422
    assert "phone" in bad_phone.text and "language" in bad_language.text


def test_the_page_form_adds_one_with_its_days(client, seeded_session):
    csrf = signed_in(client, "admin")
    saved = client.post("/admin/interpreters", data={
        "csrf_token": csrf, "language_code": "lo", "name": "ล่ามลาว", "phone": "0899999999",
        "days": ["5", "6"], "from_time": "22:00", "until_time": "06:00", "active": "1"},
        follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/admin/interpreters?lang=en")
    assert "Lao" in page.text and "Sat Sun" in page.text and "22:00–06:00" in page.text


def test_the_page_form_reads_hours_written_the_thai_way(client):
    csrf = signed_in(client, "admin")
    form = client.get("/admin/interpreters/new").text
    assert 'type="time"' not in form  # the browser's AM/PM picker is not offered
    saved = client.post("/admin/interpreters", data={
        "csrf_token": csrf, "language_code": "km", "name": "ล่ามเขมร", "phone": "0899999998",
        "days": ["0"], "from_time": "8.30", "until_time": "16.30 น.", "active": "1"},
        follow_redirects=False)
    assert saved.status_code == 303
    assert "08:30–16:30" in client.get("/admin/interpreters").text
