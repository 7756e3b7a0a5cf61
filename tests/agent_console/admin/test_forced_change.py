"""A forced password change: nothing but choosing a new password until it is done."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from callcenter.agents import service as agents
from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.conftest import csrf_from, sign_in

NEW = "ฝนตกหนักทั้งคืนที่เชียงใหม่"


def _person(db, login="agent2") -> User:
    return db.scalar(select(User).where(User.login == login))


def _force(admin_client, user_id: int):
    csrf = csrf_from(admin_client.get("/admin").text)
    return admin_client.post(f"/admin/people/{user_id}/force-password-change",
                             data={"csrf_token": csrf}, follow_redirects=False)


def test_the_admin_forces_a_change_and_the_person_is_led_to_choose_a_password(
        app, admin_client, seeded_session):
    person = _person(seeded_session)
    answer = _force(admin_client, person.id)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/admin/people/{person.id}?done=password_forced"
    event = seeded_session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.force_password_change"))
    assert event.changes == {"must_change_password": [False, True]}
    with TestClient(app) as client:
        signed = sign_in(client, "agent2")
        assert signed.headers["location"] == "/account/password"
        for page in ("/agent", "/home", "/cases"):
            led = client.get(page, follow_redirects=False)
            assert led.status_code == 303 and led.headers["location"] == "/account/password"
        api = client.get("/api/agent/state")
        assert api.status_code == 403 and api.json()["error"] == "password_change_required"
        form = client.get("/account/password")
        assert form.status_code == 200 and "ผู้ดูแลระบบขอให้คุณเปลี่ยนรหัสผ่าน" in form.text
        done = client.post("/account/password", follow_redirects=False, data={
            "current_password": DEMO_PASSWORD, "password": NEW, "password_again": NEW,
            "csrf_token": csrf_from(form.text)})
        assert done.status_code == 303 and done.headers["location"] == "/agent"
        assert client.get("/agent").status_code == 200
    seeded_session.refresh(person)
    assert not person.must_change_password and person.password_changed_at is not None
    assert agents.verify_password(person.password_hash, NEW)


def test_a_forced_admin_passes_the_second_factor_then_changes_the_password(
        app, seeded_session):
    admin = _person(seeded_session, "admin")
    admin.must_change_password = True
    seeded_session.flush()
    with TestClient(app) as client:
        sign_in(client, "admin")
        led = client.get("/admin", follow_redirects=False)
        assert led.headers["location"] == "/account/password"


def test_the_change_wants_the_current_password_and_applies_the_policy(app, seeded_session):
    with TestClient(app) as client:
        sign_in(client, "agent1")
        csrf = csrf_from(client.get("/account/password").text)

        def change(current, password, again=None):
            return client.post("/account/password?lang=en", data={
                "current_password": current, "password": password,
                "password_again": again or password, "csrf_token": csrf})

        wrong = change("not my password", NEW)
        assert wrong.status_code == 422 and "current password is not right" in wrong.text
        short = change(DEMO_PASSWORD, "too short")
        assert short.status_code == 422 and "at least 12 characters" in short.text
        mine = change(DEMO_PASSWORD, "agent1-agent1-agent1")
        assert mine.status_code == 422 and "your name, your login" in mine.text
        assert change(DEMO_PASSWORD, NEW, NEW + "!").status_code == 422
    assert agents.verify_password(_person(seeded_session, "agent1").password_hash,
                                  DEMO_PASSWORD)


def test_everyone_signed_in_can_reach_their_password_page_from_home(client):
    sign_in(client, "unit.th50")
    assert 'href="/account/password"' in client.get("/home").text
    assert client.get("/account/password").status_code == 200


def test_forcing_a_change_through_the_api_answers_the_new_version(admin_client,
                                                                  seeded_session):
    person = _person(seeded_session)
    version = person.version
    csrf = csrf_from(admin_client.get("/admin").text)
    answer = admin_client.post(f"/api/admin/people/{person.id}/force-password-change",
                               headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200
    assert answer.json() == {"user_id": person.id, "must_change_password": True,
                             "version": version + 1}
