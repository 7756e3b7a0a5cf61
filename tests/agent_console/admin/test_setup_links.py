"""Set-up links from the admin's side to the person's: issued once, used once, never logged."""

import logging
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from agent_console.admin_access import TOTP_HEADER
from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, User
from callcenter.audit import AuditEvent
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from, sign_in

NEW = "ต้นมะม่วงหน้าบ้านออกลูกดก"


def _person(db, login="agent2") -> User:
    return db.scalar(select(User).where(User.login == login))


def _issue(admin_client, user_id: int) -> str:
    csrf = csrf_from(admin_client.get("/admin").text)
    page = admin_client.post(f"/admin/people/{user_id}/setup-link",
                             data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    return re.search(r'value="(http://testserver/setup/[^"]+)"', page.text).group(1)


def _choose(client, url: str, password: str, again: str | None = None, **params):
    page = client.get(url, params=params)
    csrf = csrf_from(page.text)
    return client.post(url, params=params, data={
        "password": password, "password_again": again or password, "csrf_token": csrf})


def test_the_admin_sees_the_link_once_and_the_person_sets_a_password_and_signs_in(
        app, admin_client, seeded_session, caplog):
    caplog.set_level(logging.INFO, logger="agent_console.access")
    url = _issue(admin_client, _person(seeded_session).id)
    with TestClient(app) as stranger:
        page = stranger.get(url)
        assert page.status_code == 200 and "agent2" in page.text and "Somchai" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        done = _choose(stranger, url, NEW)
        assert done.status_code == 200 and "agent2" in done.text
        again = stranger.get(url)
        assert again.status_code == 404 and "ใช้ไม่ได้" in again.text
        signed = sign_in(stranger, "agent2", NEW)
        assert signed.headers["location"] == "/agent"
    token = url.rsplit("/", 1)[1]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/setup/…" in logged and token not in logged
    events = seeded_session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.in_(["user.setup_link", "user.password_set"]))).all()
    assert sorted(events) == ["user.password_set", "user.setup_link"]
    assert token not in str(seeded_session.scalars(select(AuditEvent.changes)).all())


def test_a_refused_password_is_said_in_the_pages_language_and_the_link_stays_usable(
        app, admin_client, seeded_session):
    url = _issue(admin_client, _person(seeded_session).id)
    with TestClient(app) as stranger:
        short = _choose(stranger, url, "สั้นไป")
        assert short.status_code == 422 and "อย่างน้อย 12 ตัวอักษร" in short.text
        common = _choose(stranger, url, "Password1234", lang="en")
        assert common.status_code == 422 and "commonly used" in common.text
        differ = _choose(stranger, url, NEW, NEW + "x", lang="en")
        assert differ.status_code == 422 and "The two passwords differ" in differ.text
        assert _choose(stranger, url, NEW).status_code == 200


def test_unknown_used_and_expired_links_get_the_same_answer(app, seeded_session):
    with TestClient(app) as stranger:
        unknown = stranger.get("/setup/made-up-token")
        assert unknown.status_code == 404
        assert "ใช้ไม่ได้ (ไม่มีอยู่ ใช้ไปแล้ว หรือหมดอายุ)" in unknown.text
        posted = stranger.post("/setup/made-up-token", data={
            "password": NEW, "password_again": NEW,
            "csrf_token": stranger.cookies.get("setup_csrf")})
        assert posted.status_code == 404


def test_a_forged_setup_form_is_refused_and_changes_nothing(app, admin_client, seeded_session):
    person = _person(seeded_session)
    url = _issue(admin_client, person.id)
    before = person.password_hash
    with TestClient(app) as stranger:
        stranger.get(url)
        forged = stranger.post(url, data={"password": NEW, "password_again": NEW,
                                          "csrf_token": "forged"})
        assert forged.status_code == 403
    seeded_session.refresh(person)
    assert person.password_hash == before


def test_issuing_a_link_wants_a_fresh_code_once_the_window_closed(admin_client, seeded_session):
    admin = _person(seeded_session, "admin")
    for row in seeded_session.scalars(select(ConsoleSession).where(
            ConsoleSession.user_id == admin.id)):
        row.fresh_factor_at = row.fresh_factor_at - step_up.FRESH_FOR
    seeded_session.flush()
    person = _person(seeded_session)
    csrf = csrf_from(admin_client.get("/admin").text)
    refused = admin_client.post(f"/api/admin/people/{person.id}/setup-link",
                                headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403 and refused.json()["error"] == "fresh_second_factor"
    answer = admin_client.post(f"/api/admin/people/{person.id}/setup-link", headers={
        "X-CSRF-Token": csrf, TOTP_HEADER: second_factor.code_for("admin")})
    assert answer.status_code == 200
    assert answer.json()["url"].startswith("http://testserver/setup/")
    assert answer.json()["user_id"] == person.id


def test_the_password_actions_partial_draws_both_buttons_for_a_person(admin_client):
    from agent_console.templating import templates

    html = templates.get_template("admin/people/_password_actions.html").render(
        person={"id": 7}, csrf_token="tok", needs_code=True, _=lambda key, **kw: key)
    assert 'action="/admin/people/7/setup-link"' in html and 'name="totp_code"' in html
    assert 'action="/admin/people/7/force-password-change"' in html


def test_a_link_for_no_such_person_is_a_404(admin_client):
    csrf = csrf_from(admin_client.get("/admin").text)
    answer = admin_client.post("/api/admin/people/999999/setup-link",
                               headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 404
