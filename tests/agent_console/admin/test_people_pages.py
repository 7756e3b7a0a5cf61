"""The People pages: list, create, edit and the account actions, in Thai and English."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.agents import step_up
from callcenter.agents.models import AgentSkill, ConsoleSession, User
from callcenter.audit import AuditEvent
from callcenter.db import utcnow
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}


@pytest.fixture
def token(admin_client) -> str:
    return csrf_from(admin_client.get("/admin/people").text)


def _user(db, login: str) -> User:
    return db.scalar(select(User).where(User.login == login))


def _form(token: str, **values) -> dict:
    return {"csrf_token": token, "login": "kanya.s", "display_name": "กัญญา สุขใจ",
            "role": "agent", "languages": ["th", "km"], "skill_queue": ["khmer", "welfare", ""],
            "skill_penalty": ["0", "2", "0"], **values}


def test_the_list_shows_each_persons_account_state_with_buddhist_era_dates(admin_client,
                                                                           seeded_session):
    agent = _user(seeded_session, "agent1")
    agent.last_sign_in_at = utcnow()
    agent.locked_until = utcnow() + timedelta(minutes=5)
    seeded_session.flush()
    page = admin_client.get("/admin/people")
    assert page.status_code == 200
    assert "agent1" in page.text and "สมหญิง ใจดี" in page.text
    assert "เข้าระบบล่าสุด" in page.text and "ถูกล็อก" in page.text
    assert str(utcnow().year + 543) in page.text
    assert "PJSIP/" in page.text  # the phone column
    english = admin_client.get("/admin/people?lang=en")
    assert "Last sign-in" in english.text and "Authenticator enrolled" in english.text


def test_the_list_filters_by_text_role_unit_and_state(admin_client, seeded_session):
    found = admin_client.get("/admin/people", params={"q": "สมหญิง"})
    assert "agent1" in found.text and "agent2" not in found.text
    units = admin_client.get("/admin/people", params={"role": "unit_member"})
    assert "unit.th50" in units.text and "agent1" not in units.text
    unit = seeded_session.scalar(select(User.unit_id).where(User.login == "unit.th10"))
    one_unit = admin_client.get("/admin/people", params={"unit_id": unit})
    assert "unit.th10" in one_unit.text and "unit.th50" not in one_unit.text
    disabled = admin_client.get("/admin/people", params={"active": "false"})
    assert "agent1" not in disabled.text


def test_an_admin_creates_an_agent_with_skills_and_languages(admin_client, token,
                                                             seeded_session):
    form = admin_client.get("/admin/people/new")
    assert form.status_code == 200 and 'name="skill_queue"' in form.text
    created = admin_client.post("/admin/people", data=_form(token), follow_redirects=False)
    assert created.status_code == 303
    user = _user(seeded_session, "kanya.s")
    assert created.headers["location"] == f"/admin/people/{user.id}?done=created"
    assert user.languages == ["th", "km"]
    penalties = dict(seeded_session.execute(select(AgentSkill.queue_id, AgentSkill.penalty)
                                            .where(AgentSkill.user_id == user.id)).all())
    assert sorted(penalties.values()) == [0, 2]
    page = admin_client.get(created.headers["location"])
    assert "สร้างบัญชีแล้ว" in page.text
    assert f'href="/admin/phones?user={user.id}"' in page.text


def test_field_errors_are_shown_in_the_pages_language(admin_client, token):
    bad = _form(token, login="x", role="unit_member", skill_queue=[""], skill_penalty=["0"])
    thai = admin_client.post("/admin/people", data=bad, headers=HX)
    assert thai.status_code == 422
    assert "ชื่อผู้ใช้" in thai.text and "สมาชิกหน่วยต้องระบุหน่วย" in thai.text
    english = admin_client.post("/admin/people?lang=en", data=bad, headers=HX)
    assert "Login" in english.text and "a unit member needs a unit" in english.text
    language = admin_client.post("/admin/people?lang=en", data=_form(token, languages=["fr"]),
                                 headers=HX)
    assert language.status_code == 422 and "Languages:" in language.text
    taken = admin_client.post("/admin/people?lang=en", data=_form(token, login="agent1"),
                              headers=HX)
    assert taken.status_code == 409 and "That login is taken" in taken.text
    thai_taken = admin_client.post("/admin/people?lang=th", data=_form(token, login="agent1"),
                                   headers=HX)
    assert "ชื่อผู้ใช้นี้มีผู้ใช้แล้ว" in thai_taken.text


def test_an_edit_is_saved_and_a_stale_one_names_what_changed(admin_client, token,
                                                             seeded_session):
    agent = _user(seeded_session, "agent2")
    page = admin_client.get(f"/admin/people/{agent.id}")
    assert f'name="version" value="{agent.version}"' in page.text
    edit = {"csrf_token": token, "login": "agent2", "display_name": "สมชาย รักดี",
            "role": "agent", "languages": ["th", "en"], "skill_queue": ["english"],
            "skill_penalty": ["1"], "version": str(agent.version)}
    saved = admin_client.post(f"/admin/people/{agent.id}", data=edit, follow_redirects=False)
    seeded_session.refresh(agent)
    assert saved.status_code == 303 and agent.version == 2
    [event] = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.update", AuditEvent.entity_id == str(agent.id))).all()
    assert event.changes["display_name"] == ["Somchai Rakdee", "สมชาย รักดี"]
    stale = admin_client.post(f"/admin/people/{agent.id}",
                              data={**edit, "display_name": "อีกคนแก้"}, headers=HX)
    assert stale.status_code == 409
    assert "ชื่อ" in stale.text and "โหลดหน้าใหม่" in stale.text
    english = admin_client.post(f"/admin/people/{agent.id}?lang=en",
                                data={**edit, "display_name": "อีกคนแก้"}, headers=HX)
    assert "changed: name" in english.text
    # The person's page lists the change with who made it.
    history = admin_client.get(f"/admin/people/{agent.id}?lang=en").text.split("Recent changes")[1]
    assert "Edited" in history and "Somchai Rakdee → สมชาย รักดี" in history and "admin" in history


def test_disable_then_enable_from_the_persons_page(admin_client, token, seeded_session):
    agent = _user(seeded_session, "agent3")
    seeded_session.add(ConsoleSession(token_hash="a" * 64, user_id=agent.id, csrf_token="c"))
    seeded_session.flush()
    off = admin_client.post(f"/admin/people/{agent.id}/disable",
                            data={"csrf_token": token, "version": str(agent.version)})
    assert off.status_code == 200 and "ระงับบัญชีแล้ว" in off.text
    seeded_session.refresh(agent)
    assert agent.active is False
    assert seeded_session.scalar(select(ConsoleSession).where(
        ConsoleSession.user_id == agent.id)) is None
    on = admin_client.post(f"/admin/people/{agent.id}/enable",
                           data={"csrf_token": token, "version": str(agent.version)})
    seeded_session.refresh(agent)
    assert "เปิดใช้บัญชีแล้ว" in on.text and agent.active is True


def test_an_admin_cannot_disable_themselves_from_the_page(admin_client, token, seeded_session):
    me = _user(seeded_session, "admin")
    page = admin_client.get(f"/admin/people/{me.id}")
    assert f'/admin/people/{me.id}/disable' not in page.text
    refused = admin_client.post(f"/admin/people/{me.id}/disable?lang=en",
                                data={"csrf_token": token}, headers=HX)
    assert refused.status_code == 409
    assert "You cannot disable your own account" in refused.text


def test_sensitive_actions_ask_for_a_code_once_the_window_has_passed(admin_client, token,
                                                                     seeded_session):
    supervisor = _user(seeded_session, "supervisor")
    supervisor.totp_secret = "sealed-secret"
    admin = _user(seeded_session, "admin")
    for row in seeded_session.scalars(select(ConsoleSession).where(
            ConsoleSession.user_id == admin.id)):
        row.fresh_factor_at -= step_up.FRESH_FOR
    seeded_session.flush()
    page = admin_client.get(f"/admin/people/{supervisor.id}")
    assert 'name="totp_code"' in page.text and "/_password_actions" not in page.text
    url = f"/admin/people/{supervisor.id}/reset-totp"
    refused = admin_client.post(url, data={"csrf_token": token}, headers=HX)
    assert refused.status_code == 403 and "รหัส 6 หลัก" in refused.text
    done = admin_client.post(url, data={"csrf_token": token,
                                        "totp_code": second_factor.code_for("admin")})
    seeded_session.refresh(supervisor)
    assert done.status_code == 200 and supervisor.totp_secret is None
    signed_out = admin_client.post(f"/admin/people/{supervisor.id}/sign-out-everywhere",
                                   data={"csrf_token": token}, follow_redirects=False)
    assert signed_out.status_code == 303  # the code just given keeps the window open


def test_unlock_from_the_persons_page(admin_client, token, seeded_session):
    agent = _user(seeded_session, "agent4")
    agent.locked_until = utcnow() + timedelta(minutes=10)
    seeded_session.flush()
    page = admin_client.get(f"/admin/people/{agent.id}")
    assert f"/admin/people/{agent.id}/unlock" in page.text
    admin_client.post(f"/admin/people/{agent.id}/unlock", data={"csrf_token": token})
    seeded_session.refresh(agent)
    assert agent.locked_until is None


def test_a_supervisor_may_not_open_the_people_pages(client):
    sign_in(client, "supervisor")
    assert client.get("/admin/people").status_code == 403
