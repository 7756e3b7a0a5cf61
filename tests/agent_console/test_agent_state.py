"""Agent state through the bridge's commands, and the agent's own live stream."""

import json
import threading

import pytest
import redis

from agent_console import pbx
from agent_console.routers.agent import AgentStream
from callcenter.agents.models import Role, User
from callcenter.topics import command_requests_key
from tests.agent_console.console_support import signed_in
from tests.conftest import REDIS_URL


def serve_bridge(answer: dict):
    """Answers every PBX command on node pbx1 with ``answer``; yields what it was sent."""
    seen: list[dict] = []
    stop = threading.Event()

    def serve():
        client = redis.Redis.from_url(REDIS_URL)
        while not stop.is_set():
            got = client.brpop([command_requests_key("pbx1")], timeout=1)
            if got:
                request = json.loads(got[1])
                seen.append(request)
                client.rpush(f"bridge.reply.{request['id']}", json.dumps(answer))
        client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join(3)


@pytest.fixture
def fake_bridge(redis_client):
    """Answers every PBX command on node pbx1 as Asterisk would: Success."""
    yield from serve_bridge({"status": "ok", "message": "", "data": {}})


@pytest.fixture
def not_a_member_bridge(redis_client):
    """Asterisk's answer to QueuePause of a phone that is in no queue."""
    yield from serve_bridge({"status": "error", "message": "Interface not found", "data": {}})


def test_signing_in_joins_the_queues_of_the_agents_skills_and_languages(client, fake_bridge):
    csrf = signed_in(client, "agent3")  # speaks th, my, km, lo
    done = client.post("/api/agent/state", json={"action": "sign_in"},
                       headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200, done.text
    logins = [r["args"] for r in fake_bridge if r["command"] == "queue_login"]
    assert {a["queue"] for a in logins} == {"trafficking", "burmese", "khmer", "lao"}
    assert all(a["interface"] == "PJSIP/agent3" for a in logins)


def test_pausing_needs_a_reason_from_the_list(client, fake_bridge):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    refused = client.post("/api/agent/state", json={"action": "pause", "reason": "nap"},
                          headers=h)
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    paused = client.post("/api/agent/state", json={"action": "pause", "reason": "meal"},
                         headers=h)
    assert paused.status_code == 200
    assert fake_bridge[-1]["command"] == "pause" and fake_bridge[-1]["args"]["reason"] == "meal"


def test_without_a_bridge_the_agent_gets_a_clear_error_and_can_still_open_cases(
        client, redis_client, monkeypatch):
    monkeypatch.setattr(pbx, "COMMAND_TIMEOUT", 1.0)
    csrf = signed_in(client, "agent1")
    h = {"X-CSRF-Token": csrf}
    failed = client.post("/api/agent/state", json={"action": "sign_in"}, headers=h)
    assert failed.status_code == 503
    assert failed.json()["error"] == "bridge_unavailable"
    page = client.post("/agent/state", data={"action": "unpause", "csrf_token": csrf},
                       headers={"HX-Request": "true"})
    assert page.status_code == 503 and "toast" in page.text
    assert client.post("/api/drafts", json={}, headers=h).status_code == 200


def test_pausing_before_signing_in_says_to_sign_in_first_never_a_server_error(
        client, not_a_member_bridge):
    csrf = signed_in(client, "agent1")
    api = client.post("/api/agent/state", json={"action": "pause", "reason": "meal"},
                      headers={"X-CSRF-Token": csrf})
    assert api.status_code == 409 and api.json()["error"] == "not_signed_in"
    page = client.post("/agent/state", data={"action": "unpause", "csrf_token": csrf},
                       headers={"HX-Request": "true"})
    assert page.status_code == 409 and 'class="toast error"' in page.text
    assert "ยังไม่ได้เข้าคิว" in page.text and "Interface not found" not in page.text


def test_the_agent_sees_its_own_state_as_the_bridge_published_it(client, redis_client):
    redis_client.hset("live.pbx1.agents", "Local/agent1@agents/n", json.dumps(
        {"node": "pbx1", "interface": "Local/agent1@agents/n", "name": "agent1",
         "status": "paused", "paused_reason": "meal", "queues": {"violence": {}}}))
    signed_in(client, "agent1")
    state = client.get("/api/agent/state").json()
    assert state["live"]["status"] == "paused"
    page = client.get("/agent").text
    assert 'data-status="paused"' in page


def user(login: str, interface: str) -> User:
    return User(id=1, login=login, display_name=login, password_hash="", role=Role.AGENT,
                phone_interface=interface, languages=["th"])


def test_the_stream_forwards_only_the_agents_own_state_and_calls():
    stream = AgentStream(user("agent1", "PJSIP/agent1"), Role.AGENT)
    other = json.dumps({"interface": "Local/agent2@agents/n", "status": "ringing",
                        "ringing_call": "9.2"})
    assert stream.handle("agent", other) == []
    call = json.dumps({"uniqueid": "9.1", "state": "ringing", "caller_number": "0812345678"})
    assert stream.handle("call", call) == []  # not known to be ours yet: held
    mine = json.dumps({"interface": "Local/agent1@agents/n", "status": "ringing",
                       "ringing_call": "9.1"})
    out = stream.handle("agent", mine)
    assert [chunk.split(b"\n")[0] for chunk in out] == [b"event: agent", b"event: call"]
    assert stream.handle("call", json.dumps({"uniqueid": "9.3", "state": "queued"})) == []


def test_the_stream_masks_the_callers_number_for_roles_that_need_not_see_it():
    stream = AgentStream(user("admin", "PJSIP/admin"), Role.ADMIN)
    out = stream.handle("call", json.dumps({"uniqueid": "9.1", "state": "talking",
                                            "agent_interface": "PJSIP/admin",
                                            "caller_number": "0812345678"}))
    assert b"0812345678" not in out[0] and b"5678" in out[0]


def test_a_bridge_whose_link_is_down_shows_a_banner(client, redis_client):
    signed_in(client, "agent1")
    assert 'id="link-banner" class="banner danger" role="alert" hidden' in client.get("/agent").text
    redis_client.set("bridge.pbx1.link", json.dumps({"node": "pbx1", "state": "down"}))
    page = client.get("/agent").text
    assert 'role="alert" hidden' not in page
    assert "การเชื่อมต่อระบบโทรศัพท์ขัดข้อง" in page


def test_a_bridge_that_stopped_writing_its_link_shows_the_banner_too(client, redis_client):
    # A killed bridge writes nothing: its link key expires while its live hashes remain.
    signed_in(client, "agent1")
    redis_client.hset("live.pbx1.queues", "violence", json.dumps({"node": "pbx1"}))
    page = client.get("/agent").text
    assert 'role="alert" hidden' not in page
    assert "การเชื่อมต่อระบบโทรศัพท์ขัดข้อง" in page
