"""The public report pages, as a stranger uses them (no account), and the web queue as
agents work it: a code shown once, limits that answer with a clear page, a status that
never shows the case."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from agent_console import public_forms
from callcenter.db import utcnow
from callcenter.intake.models import PublicReport, ReportState
from callcenter.topics import honeypot_key
from tests.agent_console.console_support import signed_in
from tests.conftest import TEST_SECRET

FORM = {"what_happened": "ลุงข้างบ้านตีป้าทุกคืน ได้ยินเสียงร้อง", "province_code": "TH-50",
        "district_code": "5001", "contact_way": "none", "consent": "yes"}


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def send(client, form=None, *, lang="th", token=None):
    token = token or token_of(client.get(f"/report?lang={lang}").text)
    return client.post(f"/report?lang={lang}", data={**FORM, **(form or {}), "token": token,
                                                     "lang": lang}, follow_redirects=False)


def code_of(html: str) -> str:
    return re.search(r'id="tracking-code"[^>]*>([A-Z0-9-]+)<', html).group(1)


def reported(client, **form) -> str:
    """Send a report and read its tracking code off the done page."""
    response = send(client, form)
    assert response.status_code == 303, response.text
    return code_of(client.get(response.headers["location"]).text)


def reports(db) -> int:
    return db.scalar(select(func.count()).select_from(PublicReport))


def track(client, code: str, *, lang="th"):
    token = token_of(client.get(f"/report/track?lang={lang}").text)
    return client.post(f"/report/track?lang={lang}", data={"code": code, "token": token,
                                                           "lang": lang})


def test_the_form_opens_without_an_account_in_thai_and_remembers_nothing(client):
    page = client.get("/report")
    assert page.status_code == 200 and '<html lang="th">' in page.text
    assert 'id="quick-exit"' in page.text and 'href="https://www.google.com/"' in page.text
    # Nothing leaves the server: every script and style sheet is this site's own.
    loaded = re.findall(r'(?:src|rel="stylesheet" href)="([^"]+)"', page.text)
    assert loaded and all(url.startswith("http://testserver/static/") for url in loaded)
    english = client.get("/report?lang=en")
    assert "Tell us what happened" in english.text
    assert "set-cookie" not in english.headers and "set-cookie" not in page.headers
    assert english.headers["referrer-policy"] == "no-referrer"


def test_the_public_pages_speak_burmese_khmer_and_lao(client):
    for lang, heading in (("my", "ဘာဖြစ်ခဲ့သလဲ"), ("km", "ប្រាប់យើង"), ("lo", "ເລົ່າໃຫ້")):
        page = client.get(f"/report?lang={lang}")
        assert f'<html lang="{lang}">' in page.text and heading in page.text
        # Places in Thai and English: a reader of these languages may know either.
        assert "เชียงใหม่ · Chiang Mai" in page.text


def test_a_report_gives_a_code_shown_once_and_never_in_a_url(client, seeded_session):
    before = reports(seeded_session)
    response = send(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/report/done?lang=th"
    done = client.get("/report/done?lang=th")
    code = code_of(done.text)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert reports(seeded_session) == before + 1
    again = client.get("/report/done?lang=th")
    assert code not in again.text and 'id="tracking-code"' not in again.text
    row = seeded_session.scalars(select(PublicReport).order_by(PublicReport.id.desc())).first()
    assert row.state is ReportState.WAITING and row.source.value == "website"


def test_the_same_form_sent_twice_makes_one_report_with_one_code(client, seeded_session):
    token = token_of(client.get("/report").text)
    before = reports(seeded_session)
    first = code_of(client.get(send(client, token=token).headers["location"]).text)
    second = code_of(client.get(send(client, token=token).headers["location"]).text)
    assert first == second and reports(seeded_session) == before + 1


def test_a_forged_or_old_form_is_drawn_again_with_its_answers(client, seeded_session):
    before = reports(seeded_session)
    forged = send(client, token="1.x.y")
    old = public_forms.issue_token(TEST_SECRET, utcnow() - timedelta(hours=5))
    stale = send(client, token=old)
    for response in (forged, stale):
        assert response.status_code == 403
        assert 'role="alert"' in response.text and FORM["what_happened"] in response.text
    assert reports(seeded_session) == before


def test_missing_answers_are_named_in_the_pages_language(client):
    response = send(client, {"consent": "", "contact_way": "phone"}, lang="en")
    assert response.status_code == 422
    assert 'role="alert"' in response.text and 'href="#f-consent"' in response.text
    assert "only keep your report if you tick" in response.text
    assert 'id="f-phone" name="phone"' in response.text and 'aria-invalid="true"' in response.text
    assert FORM["what_happened"] in response.text


def test_the_trap_field_is_answered_as_a_success_and_keeps_nothing(client, seeded_session,
                                                                  redis_client):
    before = reports(seeded_session)
    response = send(client, {"website": "http://spam.example"})
    assert response.status_code == 303
    assert code_of(client.get(response.headers["location"]).text)
    assert reports(seeded_session) == before
    assert redis_client.get(honeypot_key(utcnow().date().isoformat())) == b"1"


def test_a_sender_past_the_limit_gets_a_clear_page_in_their_language(client, seeded_session):
    for _ in range(5):
        assert send(client, lang="lo").status_code == 303
    refused = send(client, lang="lo")
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert "10 ນາທີ" in refused.text and '<html lang="lo">' in refused.text


def test_code_lookups_past_the_limit_are_refused(client):
    for _ in range(30):
        assert track(client, "AAAA-BBBB-CCCC").status_code == 404
    assert track(client, "AAAA-BBBB-CCCC").status_code == 429


def test_a_report_too_long_is_refused_with_a_page_saying_so(client, seeded_session):
    before = reports(seeded_session)
    response = send(client, {"what_happened": "ก" * 9000}, lang="en")
    assert response.status_code == 413 and "too long" in response.text
    too_many_words = send(client, {"what_happened": "ก" * 4001}, lang="en")
    assert too_many_words.status_code == 422
    assert reports(seeded_session) == before


def test_a_wrong_code_and_an_unknown_code_get_the_same_answer(client):
    token_free = re.compile(r'name="token" value="[^"]+"')
    wrong, unknown = track(client, "nonsense!"), track(client, "ABCD-EFGH-JKMN")
    assert wrong.status_code == unknown.status_code == 404
    assert token_free.sub("", wrong.text) == token_free.sub("", unknown.text)


def test_the_status_is_plain_words_and_never_the_case(client, seeded_session):
    code = reported(client)
    assert "ได้รับเรื่องแล้ว" in track(client, code).text
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    report_id = seeded_session.scalar(select(func.max(PublicReport.id)))
    assert client.post(f"/api/web-reports/{report_id}/take", json={}, headers=h).is_success
    opened = client.post(f"/api/web-reports/{report_id}/open-case", json={}, headers=h)
    assert opened.status_code == 201
    case = opened.json()
    client.post(f"/api/cases/{case['case_id']}/notes", json={"body": "บันทึกลับของเจ้าหน้าที่"},
                headers=h)
    client.post("/logout", headers=h)
    client.cookies.clear()
    status = track(client, code.lower())
    assert status.status_code == 200 and "เจ้าหน้าที่กำลังดำเนินการ" in status.text
    for secret in (FORM["what_happened"], "บันทึกลับ", case["case_number"]):
        assert secret not in status.text


def test_information_added_with_the_code_reaches_the_report_and_the_case(client,
                                                                        seeded_session):
    code = reported(client)
    page = track(client, code)
    added = client.post("/report/track/add?lang=th", data={
        "code": code, "token": token_of(page.text), "body": "เขาย้ายไปอยู่บ้านแม่แล้ว"})
    assert added.status_code == 200 and 'id="added"' in added.text
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    report_id = seeded_session.scalar(select(func.max(PublicReport.id)))
    client.post(f"/web-reports/{report_id}/take", data={"version": "1", "csrf_token": h[
        "X-CSRF-Token"]}, follow_redirects=False)
    detail = client.get(f"/web-reports/{report_id}")
    assert "เขาย้ายไปอยู่บ้านแม่แล้ว" in detail.text and FORM["what_happened"] in detail.text
    opened = client.post(f"/web-reports/{report_id}/open-case", data={
        "version": "2", "csrf_token": h["X-CSRF-Token"]}, follow_redirects=False)
    assert opened.status_code == 303
    case_page = client.get(opened.headers["location"])
    assert "เขาย้ายไปอยู่บ้านแม่แล้ว" in case_page.text
    assert f'href="/web-reports/{report_id}"' in case_page.text


def test_the_queue_lists_reports_without_their_words_until_one_is_taken(client,
                                                                       seeded_session):
    reported(client, what_happened="ช่วยด้วย เขาถือมีด")
    h = {"X-CSRF-Token": signed_in(client, "agent2")}
    queue = client.get("/web-reports")
    report_id = seeded_session.scalar(select(func.max(PublicReport.id)))
    assert f'data-report="{report_id}"' in queue.text and "เขาถือมีด" not in queue.text
    assert "เร่งด่วน" in queue.text
    before = client.get(f"/api/web-reports/{report_id}", headers=h).json()
    assert before["what_happened"] is None and before["urgent"] is True
    taken = client.post(f"/api/web-reports/{report_id}/take", json={"version": 1}, headers=h)
    assert taken.json()["what_happened"] == "ช่วยด้วย เขาถือมีด"
    stale = client.post(f"/api/web-reports/{report_id}/take", json={"version": 1}, headers=h)
    assert stale.status_code == 409 and stale.json()["error"] == "stale_edit"
    flagged = client.post(f"/api/web-reports/{report_id}/flag",
                          json={"flag": "prank", "version": 2}, headers=h)
    assert flagged.json()["state"] == "flagged"
    assert f'data-report="{report_id}"' not in client.get("/web-reports").text
