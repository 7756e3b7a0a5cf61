"""/api/admin/phones: the same operations as the pages, with field-level errors, 409s that
say what changed, and the password in the creating answer only."""

import json

import pytest
from sqlalchemy import select

from callcenter.agents.models import Role
from callcenter.audit import AuditEvent
from callcenter.phones import policy
from callcenter.phones.models import PsAuth
from tests.agent_console.conftest import csrf_from
from tests.support import builders
from tests.support.audit_trail import audited, user_id


@pytest.fixture
def headers(admin_client):
    return {"X-CSRF-Token": csrf_from(admin_client.get("/admin").text)}


def test_the_list_names_each_phone_and_its_person(admin_client):
    phones = {p["endpoint"]: p for p in admin_client.get("/api/admin/phones").json()}
    assert phones["agent2"]["kind"] == "webrtc" and phones["agent2"]["login"] == "agent2"
    assert phones["supervisor"]["context"] == "supervisor"
    assert phones["agent1"]["interface"] == "PJSIP/agent1"
    assert all("password" not in p and "md5_cred" not in p for p in phones.values())


def test_creating_answers_the_credentials_once_and_audits_them_redacted(admin_client, headers,
                                                                        seeded_session):
    supervisor = builders.user(seeded_session, Role.SUPERVISOR)
    answer = admin_client.post("/api/admin/phones", headers=headers, json={
        "user_id": supervisor.id, "kind": "desk", "endpoint": "sup.nok"})
    assert answer.status_code == 201
    body = answer.json()
    assert (body["username"], body["realm"]) == ("sup.nok", "asterisk")
    assert body["phone"]["context"] == "supervisor"
    auth = seeded_session.get(PsAuth, "sup.nok")
    assert auth.md5_cred == policy.md5_cred("sup.nok", "asterisk", body["password"])
    event = audited(seeded_session, "phone.create", actor_id=user_id(seeded_session, "admin"),
                    entity_type="phone", entity_id="sup.nok")
    assert body["password"] not in json.dumps(event.changes)
    again = admin_client.get("/api/admin/phones/sup.nok").json()
    assert "password" not in again


def test_a_bad_endpoint_is_a_field_error(admin_client, headers, seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    answer = admin_client.post("/api/admin/phones", headers=headers, json={
        "user_id": agent.id, "endpoint": "sup.wrong"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "endpoint"


def test_a_taken_endpoint_and_a_second_phone_are_conflicts(admin_client, headers,
                                                          seeded_session):
    agent = builders.user(seeded_session, Role.AGENT)
    taken = admin_client.post("/api/admin/phones", headers=headers,
                              json={"user_id": agent.id, "endpoint": "agent1"})
    assert (taken.status_code, taken.json()["field"]) == (409, "endpoint")
    agent1 = user_id(seeded_session, "agent1")
    second = admin_client.post("/api/admin/phones", headers=headers, json={"user_id": agent1})
    assert (second.status_code, second.json()["field"]) == (409, "user_id")


def test_malformed_input_names_the_fields_only(admin_client, headers):
    answer = admin_client.post("/api/admin/phones", headers=headers,
                               json={"user_id": 0, "kind": "fax"})
    assert answer.status_code == 422
    assert {p["field"] for p in answer.json()["problems"]} == {"user_id", "kind"}
    assert admin_client.get("/api/admin/phones/Not%20A%20Name").status_code == 422


def test_a_stale_change_answers_409_with_what_changed(admin_client, headers):
    first = admin_client.patch("/api/admin/phones/agent3", headers=headers,
                               json={"kind": "webrtc", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = admin_client.patch("/api/admin/phones/agent3", headers=headers,
                               json={"kind": "desk", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_edit"
    assert stale.json()["changed"] == {"kind": "webrtc"}


def test_a_new_password_replaces_the_old_credential(admin_client, headers, seeded_session):
    answer = admin_client.post("/api/admin/phones/agent4/password", headers=headers,
                               json={"version": 1})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    password = answer.json()["password"]
    seeded_session.expire_all()
    assert seeded_session.get(PsAuth, "agent4").md5_cred == \
        policy.md5_cred("agent4", "asterisk", password)


def test_deleting_a_phone_removes_it_and_is_audited(admin_client, headers, seeded_session):
    answer = admin_client.delete("/api/admin/phones/agent4", headers=headers)
    assert answer.status_code == 204
    assert admin_client.get("/api/admin/phones/agent4").status_code == 404
    events = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "phone.delete", AuditEvent.entity_id == "agent4")).all()
    assert len(events) == 1


def test_a_supervisor_is_refused_every_phone_route(client, seeded_session):
    from tests.agent_console.conftest import sign_in

    sign_in(client, "supervisor")
    token = csrf_from(client.get("/supervisor/accounts").text)
    assert client.get("/api/admin/phones").status_code == 403
    refused = client.post("/api/admin/phones/agent1/password", json={},
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
