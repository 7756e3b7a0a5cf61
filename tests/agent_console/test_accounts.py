"""Supervisors unlock agents' accounts, admins anyone's; each unlock is audited."""

from datetime import timedelta

from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.db import utcnow
from tests.agent_console.conftest import csrf_from, sign_in


def _lock(db, login: str) -> User:
    user = db.scalar(select(User).where(User.login == login))
    user.locked_until = utcnow() + timedelta(minutes=10)
    user.failed_logins = 3
    db.flush()
    return user


def test_a_supervisor_unlocks_an_agent_who_then_signs_in(app, client, seeded_session):
    from fastapi.testclient import TestClient

    agent = _lock(seeded_session, "agent2")
    sign_in(client, "supervisor")
    page = client.get("/supervisor/accounts")
    assert page.status_code == 200 and "agent2" in page.text
    answer = client.post(f"/supervisor/accounts/{agent.id}/unlock",
                         data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    assert "agent2" not in client.get(answer.headers["location"]).text
    seeded_session.refresh(agent)
    assert agent.locked_until is None and agent.failed_logins == 0
    supervisor = seeded_session.scalar(select(User).where(User.login == "supervisor"))
    event = seeded_session.scalars(select(AuditEvent)
                                   .where(AuditEvent.action == "auth.unlock")).one()
    assert (event.actor_id, event.entity_type, event.entity_id) == (
        supervisor.id, "user", str(agent.id))
    with TestClient(app) as owner:
        assert sign_in(owner, "agent2").status_code == 303


def test_an_unlock_needs_the_session_csrf_token(client, seeded_session):
    agent = _lock(seeded_session, "agent2")
    sign_in(client, "supervisor")
    for token in ({}, {"csrf_token": "forged"}):
        refused = client.post(f"/supervisor/accounts/{agent.id}/unlock", data=token)
        assert refused.status_code == 403
    seeded_session.refresh(agent)
    assert agent.locked_until is not None


def test_a_supervisor_unlocks_agents_only_and_an_admin_anyone(client, seeded_session):
    boss = _lock(seeded_session, "supervisor")
    _lock(seeded_session, "agent2")
    sign_in(client, "admin")
    assert "agent2" in client.get("/supervisor/accounts").text
    token = csrf_from(client.get("/supervisor/accounts").text)
    assert client.post(f"/supervisor/accounts/{boss.id}/unlock", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.cookies.clear()
    sign_in(client, "supervisor")
    admin = _lock(seeded_session, "admin")
    page = client.get("/supervisor/accounts")
    assert "agent2" in page.text and ">admin<" not in page.text
    refused = client.post(f"/supervisor/accounts/{admin.id}/unlock",
                          data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    seeded_session.refresh(admin)
    assert admin.locked_until is not None
