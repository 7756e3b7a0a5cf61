"""Chat routing in the console: the agent's chat panel with its offers, accept, decline,
take next, a supervisor's return, the admins' capacities and the wallboard's chat queues."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from agent_console.routers.agent import AgentStream, _filter_for
from callcenter import topics
from callcenter.agents.models import Role, User
from callcenter.audit import AuditEvent
from callcenter.chat.models import ConversationStatus as S
from callcenter.db import utcnow
from callcenter.topics import command_requests_key
from tests.agent_console.console_support import signed_in
from tests.chat.routing_builders import offered_chat, waiting
from tests.conftest import REDIS_URL


def user_id(db, login: str) -> int:
    return db.scalar(select(User.id).where(User.login == login))


def test_the_agent_panel_shows_load_and_the_offer_with_accept_and_decline(
        client, seeded_session):
    chat = offered_chat(seeded_session, agent_id=user_id(seeded_session, "agent1"))
    signed_in(client, "agent1")
    panel = client.get("/agent/chats?lang=en").text
    assert "Chats: 1 / 3" in panel
    assert f'id="accept-{chat.id}"' in panel and f'id="decline-{chat.id}"' in panel
    assert "Social welfare" in panel
    assert 'id="take-next-chat"' in panel
    assert 'hx-get="/agent/chats"' in client.get("/agent").text


def test_accepting_leads_to_the_chat_and_only_the_offered_agent_may(client, seeded_session):
    chat = offered_chat(seeded_session, agent_id=user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "agent2")
    refused = client.post(f"/api/chats/{chat.id}/accept", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409
    client.post("/logout", headers={"X-CSRF-Token": csrf})
    client.cookies.clear()
    csrf = signed_in(client, "agent1")
    response = client.post(f"/chats/{chat.id}/accept", data={"csrf_token": csrf},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/chats/{chat.id}")
    seeded_session.refresh(chat)
    assert (chat.status, chat.agent_id) == (S.ACTIVE, user_id(seeded_session, "agent1"))


def test_declining_on_the_page_redraws_the_panel_and_the_chat_waits_again(
        client, seeded_session):
    chat = offered_chat(seeded_session, agent_id=user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "agent1")
    response = client.post(f"/chats/{chat.id}/decline", data={"csrf_token": csrf},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="chat-panel"' in response.text
    seeded_session.refresh(chat)
    assert (chat.status, chat.agent_id) == (S.WAITING, None)


def test_take_next_leads_to_the_first_chat_in_line_or_says_none_waits(client, seeded_session):
    csrf = signed_in(client, "agent1")
    none = client.post("/chats/take-next?lang=en", data={"csrf_token": csrf},
                       headers={"HX-Request": "true"})
    assert "No chat is waiting in your languages" in none.text
    chat = waiting(seeded_session, minutes_ago=3)
    taken = client.post("/api/chats/take-next", headers={"X-CSRF-Token": csrf}).json()
    assert taken["chat"]["id"] == chat.id and taken["chat"]["status"] == "active"
    assert "line_user_id" not in taken["chat"]
    load = client.get("/api/chats/load").json()
    assert (load["holding"], load["capacity"]) == (1, 3)


def test_a_supervisor_returns_a_chat_to_the_queue(client, seeded_session):
    chat = offered_chat(seeded_session, agent_id=user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "supervisor")
    response = client.post(f"/api/chats/{chat.id}/return", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["status"] == "waiting"


def test_admins_keep_chat_capacity_on_a_page_and_its_json_twin_audited(
        client, seeded_session):
    agent2 = user_id(seeded_session, "agent2")
    csrf = signed_in(client, "admin")
    page = client.get("/admin/chat-capacity?lang=th").text
    assert "จำนวนแชตต่อเจ้าหน้าที่" in page and f'id="capacity-{agent2}"' in page
    saved = client.post(f"/admin/chat-capacity/{agent2}",
                        data={"csrf_token": csrf, "capacity_value": "0"},
                        follow_redirects=False)
    assert saved.status_code == 303
    bad = client.put(f"/api/admin/chat-capacity/{agent2}", json={"capacity": 99},
                     headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422
    ok = client.put(f"/api/admin/chat-capacity/{agent2}", json={"capacity": 5},
                    headers={"X-CSRF-Token": csrf})
    assert ok.json()["capacity"] == 5
    changes = seeded_session.scalars(select(AuditEvent.changes).where(
        AuditEvent.action == "chat.capacity", AuditEvent.entity_id == str(agent2))
        .order_by(AuditEvent.id)).all()
    assert changes == [{"chat_capacity": [3, 0]}, {"chat_capacity": [0, 5]}]


def test_an_offer_notice_reaches_the_offered_agents_page_stream(seeded_session):
    agent1 = seeded_session.get(User, user_id(seeded_session, "agent1"))
    viewer = type("V", (), {"id": agent1.id, "login": agent1.login,
                            "phone_interface": agent1.phone_interface, "languages": ["th"]})()
    notice = json.dumps({"kind": "chat_offered", "conversation_id": 5})
    assert _filter_for(viewer)(topics.notices_topic(agent1.id))
    assert not _filter_for(viewer)(topics.notices_topic(agent1.id + 1000))
    sent = AgentStream(viewer, Role.AGENT).handle(topics.notices_topic(agent1.id), notice)
    assert b"chat_offered" in b"".join(sent)


def test_the_wallboard_shows_chat_queues_beside_the_voice_queues(client, seeded_session):
    # Today's figures: the conversations started a moment ago (the board's day is local).
    waiting(seeded_session, minutes_ago=2, topic="urgent", now=utcnow())
    taken = waiting(seeded_session, minutes_ago=0.5, now=utcnow())
    taken.status, taken.agent_id = S.ACTIVE, user_id(seeded_session, "agent1")
    taken.accepted_at = taken.queued_at + timedelta(seconds=20)
    seeded_session.flush()
    signed_in(client, "supervisor")
    board = client.get("/wallboard?lang=en").text
    assert 'id="wb-chat-queues"' in board
    assert 'data-chat-queue="chat-urgent-th"' in board
    assert "Service level today (≤ 60 s)" in board
    row = board.split('data-chat-queue="chat-welfare-th"')[1].split("</tr>")[0]
    assert 'data-k="chatting">1<' in row and "100%" in row
    urgent = board.split('data-chat-queue="chat-urgent-th"')[1].split("</tr>")[0]
    assert 'data-k="waiting">1<' in urgent and 'data-k="oldest_wait">2:0' in urgent


@pytest.fixture
def agreeing_bridge(redis_client):
    """Answers every PBX command on node pbx1 as Asterisk does one it carried out."""
    stop = threading.Event()

    def serve():
        client = redis.Redis.from_url(REDIS_URL)
        while not stop.is_set():
            got = client.brpop([command_requests_key("pbx1")], timeout=1)
            if got:
                request = json.loads(got[1])
                client.rpush(f"bridge.reply.{request['id']}", json.dumps(
                    {"status": "ok", "message": "", "data": {}}))
        client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(3)


def test_an_agent_who_signs_out_hands_their_chats_back_first_in_line(
        client, seeded_session, agreeing_bridge):
    agent1 = user_id(seeded_session, "agent1")
    early = waiting(seeded_session, minutes_ago=30)
    mine = offered_chat(seeded_session, agent_id=agent1, minutes_ago=1)
    csrf = signed_in(client, "agent1")
    response = client.post("/agent/state", data={"action": "sign_out", "csrf_token": csrf},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    seeded_session.refresh(mine)
    assert (mine.status, mine.agent_id) == (S.WAITING, None)
    assert mine.waiting_since < early.waiting_since
