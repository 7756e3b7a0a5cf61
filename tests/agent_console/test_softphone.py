"""The browser phone's routes: its panel, the registration data handed only to the
owner of a WebRTC phone (never cached), the agent's choice of phone, and the headers
that let the agent page use the microphone and reach the PBX's WebSocket."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.phones.models import PsAuth, PsEndpoint
from tests.agent_console.console_support import signed_in

WSS = "wss://pbx1.hotline.test:8089/ws"
NODE_URLS = {"pbx1": "wss://pbx1.hotline.test:8089/ws", "pbx2": "wss://pbx2.hotline.test:8089/ws"}
TWO_NODES = [{"name": n, "host": "127.0.0.1", "username": "bridge", "secret": "s"}
             for n in ("pbx1", "pbx2")]


@pytest.fixture
def phone_client(make_app):
    with TestClient(make_app(sip_wss_url=WSS)) as c:
        yield c


def test_an_agent_with_a_browser_phone_gets_the_phone_panel(phone_client):
    signed_in(phone_client, "agent2")
    panel = phone_client.get("/agent/softphone?lang=en").text
    assert 'data-mode="browser"' in panel
    assert 'id="sp-registration"' in panel and "Connecting" in panel
    assert "Alt+A answer" in panel
    # Every call button starts disabled: nothing to click before a call rings.
    for button in ("sp-answer", "sp-hangup", "sp-mute", "sp-hold"):
        assert f'id="{button}" ' in panel
        assert panel.split(f'id="{button}"')[1].split(">")[0].strip().endswith("disabled")
    assert 'hx-get="/agent/softphone"' in phone_client.get("/agent").text


def test_the_panel_says_so_when_no_browser_phone_is_configured(client):
    signed_in(client, "agent2")
    panel = client.get("/agent/softphone").text
    assert 'data-mode="unconfigured"' in panel and "CALLCENTER_SIP_WSS_URL" in panel


def test_an_agent_with_a_desk_phone_sees_no_browser_phone(phone_client):
    signed_in(phone_client, "agent1")
    panel = phone_client.get("/agent/softphone?lang=en").text
    assert 'data-mode="desk"' in panel and "desk phone (agent1)" in panel
    assert 'id="sp-answer"' not in panel


def test_the_owner_gets_the_registration_data_uncached_with_the_ha1_only(
        phone_client, seeded_session):
    csrf = signed_in(phone_client, "agent2")
    answer = phone_client.post("/agent/softphone/registration",
                               headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    stored = seeded_session.get(PsAuth, "agent2")
    assert body == {"ws_url": WSS, "node": "pbx1", "uri": "sip:agent2@pbx1.hotline.test",
                    "username": "agent2", "realm": "asterisk", "ha1": stored.md5_cred}


def test_the_registration_data_needs_the_pages_csrf_token(phone_client):
    signed_in(phone_client, "agent2")
    assert phone_client.post("/agent/softphone/registration").status_code == 403


def test_a_desk_phone_or_no_configuration_gets_no_registration_data(phone_client, client):
    csrf = signed_in(phone_client, "agent1")
    refused = phone_client.post("/agent/softphone/registration",
                                headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and "ha1" not in refused.text
    csrf = signed_in(client, "agent2")
    assert client.post("/agent/softphone/registration",
                       headers={"X-CSRF-Token": csrf}).status_code == 409


def test_a_supervisor_gets_no_agent_phone_data(phone_client):
    csrf = signed_in(phone_client, "supervisor")
    assert phone_client.post("/agent/softphone/registration",
                             headers={"X-CSRF-Token": csrf}).status_code == 403


def test_the_agent_chooses_the_desk_phone_and_back_audited_as_their_own(
        phone_client, seeded_session):
    csrf = signed_in(phone_client, "agent2")
    desk = phone_client.post("/agent/softphone/choice",
                             data={"choice": "desk", "csrf_token": csrf},
                             headers={"HX-Request": "true"})
    assert desk.status_code == 200 and 'data-mode="desk"' in desk.text
    row = seeded_session.get(PsEndpoint, "agent2")
    seeded_session.refresh(row)
    assert row.transport == "transport-udp" and row.webrtc is None
    back = phone_client.post("/agent/softphone/choice",
                             data={"choice": "webrtc", "csrf_token": csrf},
                             follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/agent"
    seeded_session.refresh(row)
    assert row.transport == "transport-wss" and row.webrtc == "yes"
    events = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == "agent2", AuditEvent.action == "phone.update")).all()
    assert len(events) == 2
    assert all(e.actor_id == events[0].actor_id for e in events)


def test_a_choice_that_is_no_phone_is_refused_clearly(phone_client):
    csrf = signed_in(phone_client, "agent2")
    refused = phone_client.post("/agent/softphone/choice",
                                data={"choice": "fax", "csrf_token": csrf})
    assert refused.status_code == 422


def test_the_agent_page_may_use_the_microphone_and_reach_the_pbx(phone_client):
    signed_in(phone_client, "agent2")
    page = phone_client.get("/agent")
    assert "microphone=(self)" in page.headers["permissions-policy"]
    assert "connect-src 'self' wss://pbx1.hotline.test:8089" in page.headers[
        "content-security-policy"]
    other = phone_client.get("/cases/mine")
    assert "microphone=()" in other.headers["permissions-policy"]


def registration_of(client, csrf: str):
    return client.post("/agent/softphone/registration", headers={"X-CSRF-Token": csrf})


def reported_on(redis_client, node: str, user: str) -> None:
    """The bridge of ``node`` reports the agent as a member of its queues."""
    redis_client.hset(f"live.{node}.agents", f"PJSIP/{user}", json.dumps({
        "node": node, "interface": f"PJSIP/{user}", "name": user, "status": "available",
        "queues": {"violence": {}}}))


def test_the_phone_registers_on_the_node_whose_queues_the_agent_is_in(make_app, redis_client):
    with TestClient(make_app(ami_nodes=TWO_NODES, sip_wss_urls=NODE_URLS)) as c:
        csrf = signed_in(c, "agent2")
        # Reported by no bridge yet: the first node, where the agent's sign-in goes too.
        first = registration_of(c, csrf).json()
        assert (first["node"], first["ws_url"]) == ("pbx1", NODE_URLS["pbx1"])
        reported_on(redis_client, "pbx2", "agent2")
        second = registration_of(c, csrf).json()
        assert (second["node"], second["ws_url"]) == ("pbx2", NODE_URLS["pbx2"])
        assert second["uri"] == "sip:agent2@pbx2.hotline.test"
        assert 'data-mode="browser"' in c.get("/agent/softphone").text
        # The page may reach every node's WebSocket: an agent can move between nodes.
        policy = c.get("/agent").headers["content-security-policy"]
        assert ("connect-src 'self' wss://pbx1.hotline.test:8089 wss://pbx2.hotline.test:8089"
                in policy)


def test_a_node_without_its_own_url_uses_the_centres_or_has_no_browser_phone(
        make_app, redis_client):
    reported_on(redis_client, "pbx2", "agent2")
    with TestClient(make_app(ami_nodes=TWO_NODES, sip_wss_url=WSS,
                             sip_wss_urls={"pbx1": NODE_URLS["pbx1"]})) as c:
        csrf = signed_in(c, "agent2")
        assert registration_of(c, csrf).json()["ws_url"] == WSS
    with TestClient(make_app(ami_nodes=TWO_NODES,
                             sip_wss_urls={"pbx1": NODE_URLS["pbx1"]})) as c:
        csrf = signed_in(c, "agent2")
        refused = registration_of(c, csrf)
        assert refused.status_code == 409 and "ha1" not in refused.text
        assert 'data-mode="unconfigured"' in c.get("/agent/softphone").text
