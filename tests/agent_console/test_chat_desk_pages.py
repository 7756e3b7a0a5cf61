"""The chat desk's pages as agents and supervisors use them: the list, one conversation
with every kind of message, replies owed to the outbox and sent to LINE by the job,
canned replies, ending, a case opened or attached (need to know), and the pictures
served only to those who may see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.cases import service as cases
from callcenter.chat import jobs, service
from callcenter.chat.config import LineSettings
from callcenter.chat.models import ChatMessage, ConversationStatus, SendState
from callcenter.simulators.line import LineSimulator
from tests.agent_console.conftest import RequestSessions, csrf_from
from tests.agent_console.console_support import signed_in
from tests.chat.builders import (
    active_conversation,
    says,
    sends_location,
    sends_picture,
    sends_sticker,
    user_id,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def app(make_app, data_dir):
    return make_app(data_dir=data_dir)


def outbound(db, conversation_id: int) -> list[ChatMessage]:
    return [m for m in service.transcript(db, conversation_id) if m.send_state is not None]


def test_my_desk_lists_my_conversations_and_the_supervisor_sees_everyones(client,
                                                                          seeded_session):
    agent1 = user_id(seeded_session, "agent1")
    mine = active_conversation(seeded_session, agent1, topic="urgent")
    says(seeded_session, mine, "ช่วยด้วย")
    signed_in(client, "agent1")
    page = client.get("/chats").text
    assert f'data-conversation="{mine.id}"' in page and "อยู่ในอันตรายตอนนี้" in page
    assert "<strong>1</strong>" in page  # one unread
    assert mine.line_user_id not in page
    client.post("/logout", headers={"X-CSRF-Token": csrf_from(client.get("/home").text)})
    client.cookies.clear()
    signed_in(client, "agent2")
    assert f'data-conversation="{mine.id}"' not in client.get("/chats").text
    assert client.get(f"/chats/{mine.id}").status_code == 404
    client.cookies.clear()
    signed_in(client, "supervisor")
    everyone = client.get("/chats").text
    assert 'id="all-chats"' in everyone and f'data-conversation="{mine.id}"' in everyone


def test_the_conversation_shows_each_kind_of_message_and_the_canned_replies(
        client, seeded_session, data_dir):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    says(seeded_session, conversation, "สามีทำร้ายร่างกาย")
    picture = sends_picture(seeded_session, conversation, data_dir)
    sends_location(seeded_session, conversation)
    sends_sticker(seeded_session, conversation)
    signed_in(client, "agent1")
    page = client.get(f"/chats/{conversation.id}").text
    assert "สามีทำร้ายร่างกาย" in page
    assert f'src="/chats/{conversation.id}/media/{picture.id}"' in page
    assert "openstreetmap.org/?mlat=18.78833" in page and "18.78833, 98.98531" in page
    assert "(สติกเกอร์)" in page
    assert 'data-code="safe_to_talk"' in page and "ตอนนี้คุณอยู่ในที่ปลอดภัย" in page
    assert f'sse-connect="/chats/{conversation.id}/stream"' in page
    assert 'hx-trigger="sse:chat"' in page
    assert conversation.line_user_id not in page


def test_an_english_conversation_offers_the_english_canned_replies(client, seeded_session):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"),
                                       language="en")
    signed_in(client, "agent1")
    assert 'data-text="Are you safe to talk right now?"' in client.get(
        f"/chats/{conversation.id}").text


def test_a_reply_is_pending_then_sent_to_line_by_the_outbox_job(
        client, seeded_session, redis_client, data_dir):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "agent1")
    answer = client.post(f"/chats/{conversation.id}/reply", follow_redirects=False,
                         data={"text": "สวัสดีค่ะ ยินดีรับฟังค่ะ", "csrf_token": csrf})
    assert answer.status_code == 303
    [message] = outbound(seeded_session, conversation.id)
    assert message.send_state is SendState.PENDING
    assert 'data-state="pending"' in client.get(f"/chats/{conversation.id}/transcript").text
    # Enqueued after the commit, on the chat queue.
    assert redis_client.exists(f"rq:job:line-send-{message.id}-0")
    simulator = LineSimulator(channel_secret="desk-secret", channel_token="desk-token").start()
    try:
        settings = LineSettings(_env_file=None, line_channel_secret="desk-secret",
                                line_channel_token="desk-token",
                                line_api_base_url=simulator.url,
                                line_data_api_base_url=simulator.url)
        ctx = jobs.Context(settings, RequestSessions(seeded_session), redis_client, data_dir)
        assert jobs.send_message(message.id, ctx) == "sent"
        assert simulator.texts_to(conversation.line_user_id) == ["สวัสดีค่ะ ยินดีรับฟังค่ะ"]
    finally:
        simulator.stop()
    assert 'data-state="sent"' in client.get(f"/chats/{conversation.id}/transcript").text


def test_a_reply_by_htmx_answers_with_the_transcript(client, seeded_session):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "agent1")
    answer = client.post(f"/chats/{conversation.id}/reply", data={"text": "รับทราบค่ะ"},
                         headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert answer.status_code == 200 and 'id="chat-messages"' in answer.text
    assert "รับทราบค่ะ" in answer.text and "รอส่ง" in answer.text
    empty = client.post(f"/chats/{conversation.id}/reply", data={"text": "  "},
                        headers={"X-CSRF-Token": csrf})
    assert empty.status_code == 422


def test_ending_sends_the_closing_message_and_takes_it_off_my_desk(client, seeded_session):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    csrf = signed_in(client, "agent1")
    answer = client.post(f"/chats/{conversation.id}/end", follow_redirects=False,
                         data={"closing": "ขอบคุณที่ติดต่อมาค่ะ", "csrf_token": csrf})
    assert answer.status_code == 303 and answer.headers["location"] == "/chats"
    seeded_session.refresh(conversation)
    assert conversation.status is ConversationStatus.ENDED
    assert [m.text for m in outbound(seeded_session, conversation.id)] == [
        "ขอบคุณที่ติดต่อมาค่ะ"]
    assert f'data-conversation="{conversation.id}"' not in client.get("/chats").text
    page = client.get(f"/chats/{conversation.id}").text
    assert 'id="chat-closed"' in page and 'id="reply-form"' not in page
    again = client.post(f"/chats/{conversation.id}/reply", data={"text": "อีกครั้ง"},
                        headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409


def test_a_case_opened_from_the_chat_is_lines_and_shows_the_transcript(client,
                                                                      seeded_session):
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    says(seeded_session, conversation, "ถูกกักขังอยู่ในบ้าน")
    csrf = signed_in(client, "agent1")
    answer = client.post(f"/chats/{conversation.id}/open-case", data={"csrf_token": csrf},
                         follow_redirects=False)
    assert answer.status_code == 303
    case_path = answer.headers["location"]
    case = client.get(f"/api{case_path}").json()
    assert case["channel"] == "line"
    page = client.get(case_path).text
    assert "ถูกกักขังอยู่ในบ้าน" in page and 'data-conversation=' in page
    assert client.get(f"/chats/{conversation.id}").text.count(case["number"]) >= 1


def test_attaching_to_a_case_i_may_not_read_is_refused_as_missing(client, seeded_session):
    agent1 = user_id(seeded_session, "agent1")
    conversation = active_conversation(seeded_session, agent1)
    # agent2's case, of no team: agent1 has no need to know it.
    hidden = cases.open_case(seeded_session, created_by_id=user_id(seeded_session, "agent2"),
                             team_id=None)
    mine = cases.open_case(seeded_session, created_by_id=agent1, team_id=None)
    csrf = signed_in(client, "agent1")
    refused = client.post(f"/chats/{conversation.id}/attach", follow_redirects=False,
                          data={"case_number": hidden.number, "csrf_token": csrf})
    assert refused.status_code == 404
    seeded_session.refresh(conversation)
    assert conversation.case_id is None
    attached = client.post(f"/chats/{conversation.id}/attach", follow_redirects=False,
                           data={"case_number": mine.number, "csrf_token": csrf})
    assert attached.status_code == 303 and attached.headers["location"] == f"/cases/{mine.id}"
    seeded_session.refresh(conversation)
    assert conversation.case_id == mine.id


def test_a_picture_is_served_to_its_agent_and_the_cases_readers_only(client, seeded_session,
                                                                     data_dir):
    agent1, agent2 = user_id(seeded_session, "agent1"), user_id(seeded_session, "agent2")
    # agent2's conversation, attached to agent1's case: agent1 reads it through the case.
    conversation = active_conversation(seeded_session, agent2)
    picture = sends_picture(seeded_session, conversation, data_dir)
    case = cases.open_case(seeded_session, created_by_id=agent1, team_id=None)
    path = f"/chats/{conversation.id}/media/{picture.id}"
    signed_in(client, "agent1")
    assert client.get(path).status_code == 404  # not on the case yet
    conversation.case_id = case.id
    seeded_session.flush()
    served = client.get(path)
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG")
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in served.headers["cache-control"]
    assert "private" in served.headers["cache-control"]
    client.cookies.clear()
    signed_in(client, "agent3")
    assert client.get(path).status_code == 404
    assert client.get(f"/chats/{conversation.id}").status_code == 404


def test_a_canned_reply_an_admin_adds_is_offered_on_the_desk(client, seeded_session):
    csrf = signed_in(client, "admin")
    page = client.get("/admin/lists").text
    assert 'id="canned-replies"' in page and "ข้อความสำเร็จรูปของแชต" in page
    added = client.post("/admin/lists/canned-replies", follow_redirects=False, data={
        "code": "shelter", "label_th": "เรามีบ้านพักฉุกเฉินให้ได้ค่ะ หากต้องการ",
        "label_en": "We can offer an emergency shelter if you need one.", "active": "1",
        "csrf_token": csrf})
    assert added.status_code == 303
    client.cookies.clear()
    conversation = active_conversation(seeded_session, user_id(seeded_session, "agent1"))
    signed_in(client, "agent1")
    assert 'data-text="เรามีบ้านพักฉุกเฉินให้ได้ค่ะ หากต้องการ"' in client.get(
        f"/chats/{conversation.id}").text
