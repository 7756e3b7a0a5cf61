"""Bulk import through the console: preview with each row's problems, then all or none."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from agent_console.admin_access import TOTP_HEADER
from callcenter.agents import step_up
from callcenter.agents.models import AgentSkill, ConsoleSession, SetupLink, User
from callcenter.audit import AuditEvent
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHIFT = ("login,display_name,role,unit_code,languages,skills\n"
         "malee.s,มาลี ศรีสุข,agent,,th en,urgent:0 violence:1\n"
         "wichai.k,วิชัย คงดี,supervisor,,th,\n"
         "unit.kk1,สมหญิง ใจงาม,unit_member,RRU-TH-40,th,\n")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name="shift.csv", kind=CSV_TYPE, path="/admin/people/import",
            **kw):
    csrf = csrf_from(client.get("/admin").text)
    return client.post(path, data={"csrf_token": csrf}, files={"file": (name, content, kind)},
                       headers={"X-CSRF-Token": csrf}, **kw)


def _count(db, login_prefix: str) -> int:
    return db.scalar(select(func.count()).select_from(User).where(
        User.login.like(f"{login_prefix}%")))


def test_the_people_list_leads_to_the_import(admin_client):
    assert 'href="/admin/people/import"' in admin_client.get("/admin/people").text


def test_a_clean_csv_is_previewed_then_imported_with_a_link_for_each_person(
        admin_client, seeded_session):
    preview = _upload(admin_client, ("\ufeff" + SHIFT).encode())
    assert preview.status_code == 200, preview.text
    assert "มาลี ศรีสุข" in preview.text and "พร้อมนำเข้า 3 คน" in preview.text
    assert _count(seeded_session, "malee.s") == 0  # the preview writes nothing
    sealed = re.search(r'name="preview" value="([^"]+)"', preview.text).group(1)
    assert "malee" not in sealed  # the kept rows are sealed, not readable in the page
    done = admin_client.post("/admin/people/import/confirm", data={
        "preview": sealed, "csrf_token": csrf_from(preview.text)})
    assert done.status_code == 200, done.text
    links = re.findall(r"http://testserver/setup/[A-Za-z0-9_-]+", done.text)
    assert len(links) == 3
    malee = seeded_session.scalar(select(User).where(User.login == "malee.s"))
    assert malee.languages == ["th", "en"]
    skills = seeded_session.scalars(select(AgentSkill.penalty).where(
        AgentSkill.user_id == malee.id).order_by(AgentSkill.penalty)).all()
    assert skills == [0, 1]
    assert seeded_session.scalar(select(func.count()).select_from(SetupLink).where(
        SetupLink.user_id == malee.id)) == 1
    event = seeded_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.import"))
    assert event.changes == {"logins": [None, ["malee.s", "wichai.k", "unit.kk1"]]}
    # The links work: the first new person opens theirs.
    assert admin_client.get(links[0]).status_code == 200


def test_an_xlsx_with_thai_headers_is_previewed_with_each_rows_problems_in_english(
        admin_client, seeded_session):
    content = _xlsx([["ชื่อผู้ใช้", "ชื่อ", "บทบาท", "รหัสหน่วย", "ทักษะ"],
                     ["agent1", "ซ้ำ", "agent", None, "urgent"],
                     ["somsri.t", "สมศรี ทองดี", "unit_member", None, None],
                     ["pranee.k", "=HYPERLINK(\"http://x\")", "agent", None, "nosuch:1"]])
    preview = _upload(admin_client, content, "shift.xlsx", XLSX_TYPE,
                      path="/admin/people/import?lang=en")
    assert preview.status_code == 422
    text = preview.text
    assert "3 of 3 rows have problems" in text
    assert "this login is taken" in text
    assert "a unit member needs a unit code" in text
    assert "spreadsheets run as a formula" in text
    assert 'name="preview"' not in text  # nothing to confirm
    assert _count(seeded_session, "somsri") == 0


def test_a_file_that_cannot_be_read_is_refused_in_the_pages_language(admin_client):
    wrong = _upload(admin_client, "ล็อกอิน,ชื่อ\n".encode("cp874"))
    assert wrong.status_code == 422 and "UTF-8" in wrong.text
    missing = _upload(admin_client, b"login,name\nx,y\n", path="/admin/people/import?lang=en")
    assert missing.status_code == 422 and "Missing columns: role" in missing.text
    empty = _upload(admin_client, b"", path="/admin/people/import?lang=th")
    assert empty.status_code == 422 and "ไฟล์ว่างเปล่า" in empty.text
    big = _upload(admin_client, b"login,display_name,role\n" + b"x" * (1024 * 1024))
    assert big.status_code == 422 and "ใหญ่เกินไป" in big.text


def test_a_preview_altered_or_from_another_admin_is_not_imported(admin_client, seeded_session):
    csrf = csrf_from(admin_client.get("/admin").text)
    answer = admin_client.post("/admin/people/import/confirm", data={
        "preview": "v1.forged", "csrf_token": csrf})
    assert answer.status_code == 409 and "หมดอายุ" in answer.text


def test_a_login_taken_after_the_preview_stops_the_whole_import(admin_client, seeded_session):
    preview = _upload(admin_client, SHIFT.encode())
    sealed = re.search(r'name="preview" value="([^"]+)"', preview.text).group(1)
    seeded_session.add(User(login="wichai.k", display_name="คนอื่น", password_hash="x",
                            role="agent"))
    seeded_session.flush()
    answer = admin_client.post("/admin/people/import/confirm", data={
        "preview": sealed, "csrf_token": csrf_from(preview.text)})
    assert answer.status_code == 409 and "มีผู้ใช้ชื่อนี้อยู่แล้ว" in answer.text
    assert _count(seeded_session, "malee.s") == 0


def test_the_api_previews_by_default_and_imports_with_a_fresh_code(admin_client,
                                                                   seeded_session):
    dry = _upload(admin_client, SHIFT.encode(), path="/api/admin/people/import")
    assert dry.status_code == 200
    assert dry.json()["dry_run"] and dry.json()["ok"] and len(dry.json()["rows"]) == 3
    assert _count(seeded_session, "malee.s") == 0
    admin = seeded_session.scalar(select(User).where(User.login == "admin"))
    for row in seeded_session.scalars(select(ConsoleSession).where(
            ConsoleSession.user_id == admin.id)):
        row.fresh_factor_at = row.fresh_factor_at - step_up.FRESH_FOR
    seeded_session.flush()
    stale = _upload(admin_client, SHIFT.encode(), path="/api/admin/people/import?dry_run=false")
    assert stale.status_code == 403 and stale.json()["error"] == "fresh_second_factor"
    assert _count(seeded_session, "malee.s") == 0
    csrf = csrf_from(admin_client.get("/admin").text)
    real = admin_client.post("/api/admin/people/import?dry_run=false", files={
        "file": ("shift.csv", SHIFT.encode(), CSV_TYPE)},
        headers={"X-CSRF-Token": csrf, TOTP_HEADER: second_factor.code_for("admin")})
    assert real.status_code == 200, real.text
    created = real.json()["created"]
    assert [c["login"] for c in created] == ["malee.s", "wichai.k", "unit.kk1"]
    assert all(c["setup_url"].startswith("http://testserver/setup/") for c in created)


def test_the_api_refuses_a_file_with_problems_whole_naming_each(admin_client, seeded_session):
    bad = SHIFT + "malee.s,ซ้ำ,agent,,,\n"
    answer = _upload(admin_client, bad.encode(), path="/api/admin/people/import?dry_run=false")
    assert answer.status_code == 409
    problems = {(r["line"], p["kind"]) for r in answer.json()["rows"] for p in r["problems"]}
    assert problems == {(2, "duplicate_in_file"), (5, "duplicate_in_file")}
    assert _count(seeded_session, "wichai.k") == 0
    unreadable = _upload(admin_client, b"\xd0\xcf\x11\xe0", "old.xls",
                         path="/api/admin/people/import")
    assert unreadable.status_code == 422
    assert unreadable.json() == {"error": "import_type", "field": "file",
                                 "message": "send a CSV (UTF-8) or XLSX file"}
