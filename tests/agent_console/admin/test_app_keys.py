"""/admin/app-keys and /api/admin/app-keys: a partner application's key shown once and
then working, only its digest kept, revoked with a reason behind a fresh code, and
nobody but admins there."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent_console.admin_access import TOTP_HEADER
from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, User
from callcenter.intake import app_key_rules
from callcenter.intake.models import AppKey
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from, sign_in
from tests.intake.builders import KEY, REPORT
from tests.support.audit_trail import audited, user_id

SHOWN = re.compile(r'<code id="app-key">([^<]+)</code>')
NEW = {"name": "แอปพม. ของกระทรวง", "contact": "ศูนย์เทคโนโลยี 02-000-0000", "per_minute": 5}


@pytest.fixture
def headers(admin_client):
    return {"X-CSRF-Token": csrf_from(admin_client.get("/admin/app-keys").text)}


def _report(app, key):
    with TestClient(app) as machine:
        return machine.post("/api/intake/reports", json=REPORT, headers={
            "Authorization": f"Bearer {key}", "Idempotency-Key": "admin-test-idem-0001"})


def _age_fresh_factor(db, login: str) -> None:
    user = db.scalar(select(User).where(User.login == login))
    for row in db.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user.id)):
        row.fresh_factor_at = row.fresh_factor_at - step_up.FRESH_FOR - timedelta(seconds=1)
    db.flush()


def test_a_key_issued_on_the_page_is_shown_once_and_then_works(app, admin_client,
                                                               seeded_session):
    token = csrf_from(admin_client.get("/admin/app-keys").text)
    answer = admin_client.post("/admin/app-keys", data={**NEW, "csrf_token": token})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    key = SHOWN.search(answer.text).group(1)
    row = seeded_session.scalars(select(AppKey).where(AppKey.name == NEW["name"])).one()
    assert row.digest == app_key_rules.digest(key, secret=KEY)
    assert key not in [str(getattr(row, c.key)) for c in AppKey.__table__.columns]
    listed = admin_client.get("/admin/app-keys").text
    assert NEW["name"] in listed and row.prefix in listed and key not in listed
    assert _report(app, key).status_code == 201
    audited(seeded_session, "app_key.create", actor_id=user_id(seeded_session, "admin"),
            entity_type="app_key", entity_id=str(row.id))


def test_the_api_issues_a_key_once_and_never_lists_it(app, admin_client, headers,
                                                      seeded_session):
    answer = admin_client.post("/api/admin/app-keys", headers=headers, json=NEW)
    assert answer.status_code == 201
    body = answer.json()
    assert body["key"].startswith(f"hl1300_{body['app_key']['prefix']}_")
    listed = admin_client.get("/api/admin/app-keys").json()
    assert all("key" not in k and "digest" not in k for k in listed)
    one = admin_client.get(f"/api/admin/app-keys/{body['app_key']['id']}").json()
    assert one["name"] == NEW["name"] and body["key"] not in str(one)
    assert _report(app, body["key"]).status_code == 201


def test_a_revoked_key_stops_working_and_stays_on_the_list(app, admin_client, headers,
                                                           seeded_session):
    issued = admin_client.post("/api/admin/app-keys", headers=headers, json=NEW).json()
    key_id = issued["app_key"]["id"]
    revoked = admin_client.post(f"/api/admin/app-keys/{key_id}/revoke", headers=headers,
                                json={"reason": "โทรศัพท์ของผู้ดูแลแอปหาย"})
    assert revoked.status_code == 200
    assert revoked.json()["revoke_reason"] == "โทรศัพท์ของผู้ดูแลแอปหาย"
    assert revoked.json()["revoked_by_id"] == user_id(seeded_session, "admin")
    assert _report(app, issued["key"]).status_code == 401
    again = admin_client.post(f"/api/admin/app-keys/{key_id}/revoke", headers=headers,
                              json={"reason": "อีกครั้ง"})
    assert again.status_code == 409
    assert key_id in [k["id"] for k in admin_client.get("/api/admin/app-keys").json()]
    audited(seeded_session, "app_key.revoke", actor_id=user_id(seeded_session, "admin"),
            entity_type="app_key", entity_id=str(key_id))


def test_revoking_on_the_page_wants_a_reason_and_shows_who_and_why(admin_client,
                                                                   seeded_session):
    token = csrf_from(admin_client.get("/admin/app-keys").text)
    issued = admin_client.post("/admin/app-keys", data={**NEW, "csrf_token": token})
    key_id = seeded_session.scalar(select(AppKey.id).where(AppKey.name == NEW["name"]))
    assert issued.status_code == 200
    short = admin_client.post(f"/admin/app-keys/{key_id}/revoke",
                              data={"reason": "x", "csrf_token": token})
    assert short.status_code == 422
    done = admin_client.post(f"/admin/app-keys/{key_id}/revoke", follow_redirects=False,
                             data={"reason": "เลิกใช้แอปรุ่นนี้", "csrf_token": token})
    assert done.status_code == 303
    page = admin_client.get("/admin/app-keys?done=revoked").text
    assert "เลิกใช้แอปรุ่นนี้" in page and "เพิกถอนกุญแจแล้ว" in page


def test_issuing_and_revoking_want_a_fresh_second_factor(admin_client, headers,
                                                         seeded_session):
    issued = admin_client.post("/api/admin/app-keys", headers=headers, json=NEW).json()
    _age_fresh_factor(seeded_session, "admin")
    assert "totp_code" in admin_client.get("/admin/app-keys").text
    refused = admin_client.post("/api/admin/app-keys", headers=headers, json=NEW)
    assert refused.status_code == 403 and refused.json()["error"] == "fresh_second_factor"
    refused = admin_client.post(f"/api/admin/app-keys/{issued['app_key']['id']}/revoke",
                                headers=headers, json={"reason": "ทดสอบการเพิกถอน"})
    assert refused.status_code == 403
    code = {TOTP_HEADER: second_factor.code_for("admin")}
    assert admin_client.post("/api/admin/app-keys", headers={**headers, **code},
                             json=NEW).status_code == 201


@pytest.mark.parametrize("login", ["agent1", "supervisor", "unit.th50"])
def test_nobody_but_admins_reaches_the_keys(app, login):
    with TestClient(app) as client:
        sign_in(client, login)
        assert client.get("/admin/app-keys", follow_redirects=False).status_code == 403
        assert client.get("/api/admin/app-keys").status_code == 403
        token = csrf_from(client.get("/home").text) if login != "unit.th50" else "x"
        assert client.post("/api/admin/app-keys", headers={"X-CSRF-Token": token},
                           json=NEW).status_code == 403
