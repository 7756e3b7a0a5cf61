"""The People JSON API: the same operations as the pages, with 409 on stale edits and a
fresh code for sensitive ones. Non-admins get 403 on every route (permission_table)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from agent_console.admin_access import TOTP_HEADER
from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, User
from callcenter.audit import AuditEvent
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from, sign_in

NEW_AGENT = {"login": "Niran.P", "display_name": "นิรันดร์ พากเพียร", "role": "agent",
             "languages": ["th", "lo"], "skills": [{"queue": "lao", "penalty": 0},
                                                   {"queue": "operator", "penalty": 3}]}


@pytest.fixture
def headers(admin_client):
    return {"X-CSRF-Token": csrf_from(admin_client.get("/admin").text)}


def _age_admin_window(db) -> None:
    admin = db.scalar(select(User).where(User.login == "admin"))
    for row in db.scalars(select(ConsoleSession).where(ConsoleSession.user_id == admin.id)):
        row.fresh_factor_at = row.fresh_factor_at - step_up.FRESH_FOR
    db.flush()


def _id(db, login: str) -> int:
    return db.scalar(select(User.id).where(User.login == login))


def test_an_admin_creates_an_agent_and_reads_it_back(admin_client, headers):
    created = admin_client.post("/api/admin/people", json=NEW_AGENT, headers=headers)
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["login"] == "niran.p" and person["version"] == 1
    assert person["skills"] == {"lao": 0, "operator": 3}
    assert person["totp_enrolled"] is False and person["last_sign_in_at"] is None
    assert "password_hash" not in person
    again = admin_client.get(f"/api/admin/people/{person['id']}")
    assert again.json() == person


def test_the_list_searches_and_filters(admin_client):
    found = admin_client.get("/api/admin/people", params={"q": "agent", "role": "agent"}).json()
    assert {p["login"] for p in found["people"]} >= {"agent1", "agent2"}
    assert all(p["role"] == "agent" for p in found["people"])
    units = admin_client.get("/api/admin/people", params={"role": "unit_member"}).json()
    # The demo seeds a member for every province's unit.
    assert units["people"]
    assert all(p["role"] == "unit_member" and p["unit_code"].startswith("RRU-TH-")
               for p in units["people"])
    assert admin_client.get("/api/admin/people", params={"role": "boss"}).status_code == 422


def test_bad_fields_are_named_never_echoed(admin_client, headers):
    answer = admin_client.post("/api/admin/people", headers=headers, json={
        **NEW_AGENT, "login": "ชื่อไทย", "role": "unit_member", "skills": []})
    assert answer.status_code == 422
    fields = {p["field"] for p in answer.json()["problems"]}
    assert fields == {"login", "unit_code"}
    assert "ชื่อไทย" not in answer.text


def test_a_taken_login_or_an_unknown_unit_answers_with_the_field(admin_client, headers):
    taken = admin_client.post("/api/admin/people", headers=headers,
                              json={**NEW_AGENT, "login": "agent1"})
    assert taken.status_code == 409 and taken.json()["field"] == "login"
    no_unit = admin_client.post("/api/admin/people", headers=headers, json={
        **NEW_AGENT, "role": "unit_member", "unit_code": "RRU-TH-99", "skills": []})
    assert no_unit.status_code == 422 and no_unit.json()["field"] == "unit_code"


def test_a_stale_edit_answers_409_with_the_stored_values(admin_client, headers):
    person = admin_client.post("/api/admin/people", json=NEW_AGENT, headers=headers).json()
    url = f"/api/admin/people/{person['id']}"
    first = admin_client.put(url, headers=headers, json={**NEW_AGENT, "version": 1,
                                                         "display_name": "นิรันดร์ แก้แล้ว"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = admin_client.put(url, headers=headers, json={**NEW_AGENT, "version": 1,
                                                         "skills": []})
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_edit"
    assert stale.json()["changed"] == {"display_name": "นิรันดร์ แก้แล้ว"} | {
        "skills": {"lao": 0, "operator": 3}}


def test_disabling_and_enabling_keep_the_rules(admin_client, headers, seeded_session):
    agent2 = _id(seeded_session, "agent2")
    off = admin_client.post(f"/api/admin/people/{agent2}/disable", headers=headers)
    assert off.status_code == 200 and off.json()["active"] is False
    on = admin_client.post(f"/api/admin/people/{agent2}/enable", headers=headers)
    assert on.json()["active"] is True
    me = _id(seeded_session, "admin")
    refused = admin_client.post(f"/api/admin/people/{me}/disable", headers=headers)
    assert refused.status_code == 409
    assert (refused.json()["error"], refused.json()["field"]) == ("own_account", "active")


def test_making_an_admin_wants_a_fresh_code(admin_client, headers, seeded_session):
    _age_admin_window(seeded_session)
    body = {"login": "admin2", "display_name": "ผู้ดูแลคนที่สอง", "role": "admin"}
    refused = admin_client.post("/api/admin/people", json=body, headers=headers)
    assert refused.status_code == 403 and refused.json()["error"] == "fresh_second_factor"
    # An agent needs no code.
    assert admin_client.post("/api/admin/people", json=NEW_AGENT,
                             headers=headers).status_code == 201
    code = {TOTP_HEADER: second_factor.code_for("admin")}
    made = admin_client.post("/api/admin/people", json=body, headers={**headers, **code})
    assert made.status_code == 201 and made.json()["role"] == "admin"


def test_promoting_someone_to_admin_by_an_edit_wants_a_fresh_code(admin_client, headers,
                                                                  seeded_session):
    _age_admin_window(seeded_session)
    agent2 = seeded_session.scalar(select(User).where(User.login == "agent2"))
    body = {"login": "agent2", "display_name": agent2.display_name, "role": "admin",
            "languages": agent2.languages, "version": agent2.version}
    refused = admin_client.put(f"/api/admin/people/{agent2.id}", json=body, headers=headers)
    assert refused.status_code == 403 and refused.json()["field"] == "totp_code"


def test_sensitive_actions_are_done_with_a_fresh_code_and_audited(admin_client, headers,
                                                                 seeded_session):
    supervisor = seeded_session.scalar(select(User).where(User.login == "supervisor"))
    supervisor.totp_secret = "sealed-secret"
    seeded_session.add(ConsoleSession(token_hash="s" * 64, user_id=supervisor.id,
                                      csrf_token="c"))
    seeded_session.flush()
    ended = admin_client.post(f"/api/admin/people/{supervisor.id}/sign-out-everywhere",
                              headers=headers)
    assert ended.status_code == 200 and ended.json() == {"sessions_ended": 1}
    _age_admin_window(seeded_session)
    url = f"/api/admin/people/{supervisor.id}/reset-totp"
    assert admin_client.post(url, headers=headers).status_code == 403
    code = {TOTP_HEADER: second_factor.code_for("admin")}
    reset = admin_client.post(url, headers={**headers, **code})
    assert reset.status_code == 200 and reset.json()["totp_enrolled"] is False
    actions = set(seeded_session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_id == str(supervisor.id))))
    assert {"user.sign_out_all", "user.totp_reset"} <= actions


def test_unlock_lifts_a_lockout(admin_client, headers, seeded_session):
    from callcenter.db import utcnow

    agent = seeded_session.scalar(select(User).where(User.login == "agent1"))
    agent.locked_until = utcnow() + timedelta(minutes=10)
    seeded_session.flush()
    assert admin_client.get(f"/api/admin/people/{agent.id}").json()["locked"] is True
    unlocked = admin_client.post(f"/api/admin/people/{agent.id}/unlock", headers=headers)
    assert unlocked.json()["locked"] is False


def test_an_unknown_person_is_404(admin_client, headers):
    assert admin_client.get("/api/admin/people/999999").status_code == 404
    assert admin_client.put("/api/admin/people/999999", headers=headers,
                            json={**NEW_AGENT, "version": 1}).status_code == 404


def test_a_non_admin_is_refused(client):
    sign_in(client, "supervisor")
    assert client.get("/api/admin/people").status_code == 403
