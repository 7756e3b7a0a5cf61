"""The chat desk's service on the real database: what an agent's desk lists, who may see
and write to a conversation, replies owed to the outbox, ending, and a conversation
becoming a case of channel LINE or joining one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.cases import service as cases
from callcenter.cases.models import CaseContact, Channel, ContactChannel
from callcenter.chat import canned_replies, desk, service
from callcenter.chat.models import ConversationStatus, Direction, MessageKind, SendState
from callcenter.db import utcnow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.intake import chat_cases
from callcenter.taxonomy import Urgency
from tests.chat.builders import (
    active_conversation,
    says,
    sends_picture,
    user_id,
)


@pytest.fixture
def agent1(seeded_session) -> desk.Viewer:
    return desk.Viewer(id=user_id(seeded_session, "agent1"), boss=False)


@pytest.fixture
def agent2(seeded_session) -> desk.Viewer:
    return desk.Viewer(id=user_id(seeded_session, "agent2"), boss=False)


@pytest.fixture
def boss(seeded_session) -> desk.Viewer:
    return desk.Viewer(id=user_id(seeded_session, "supervisor"), boss=True)


def test_my_desk_lists_my_active_conversations_with_what_i_have_not_read(
        seeded_session, agent1, agent2):
    db = seeded_session
    mine = active_conversation(db, agent1.id)
    theirs = active_conversation(db, agent2.id)
    says(db, mine, "สวัสดีค่ะ")
    says(db, mine, "มีเรื่องอยากปรึกษา")
    [row] = desk.mine(db, agent1.id)
    assert row.conversation.id == mine.id and row.unread == 2
    desk.mark_read(mine, service.transcript(db, mine.id), agent1)
    assert desk.mine(db, agent1.id)[0].unread == 0
    says(db, mine, "ยังอยู่ไหมคะ")
    assert desk.mine(db, agent1.id)[0].unread == 1
    assert {r.conversation.id for r in desk.all_active(db)} >= {mine.id, theirs.id}


def test_a_supervisors_look_leaves_the_agents_unread_count_alone(seeded_session, agent1, boss):
    conversation = active_conversation(seeded_session, agent1.id)
    says(seeded_session, conversation, "ช่วยด้วย")
    desk.mark_read(conversation, service.transcript(seeded_session, conversation.id), boss)
    assert desk.mine(seeded_session, agent1.id)[0].unread == 1


def test_only_its_agent_and_supervisors_see_a_conversation(seeded_session, agent1, agent2,
                                                           boss):
    conversation = active_conversation(seeded_session, agent1.id)
    assert desk.get(seeded_session, conversation.id, agent1) is conversation
    assert desk.get(seeded_session, conversation.id, boss) is conversation
    with pytest.raises(NotFound):
        desk.get(seeded_session, conversation.id, agent2)


def test_a_reply_is_owed_to_the_outbox_with_its_author(seeded_session, agent1):
    conversation = active_conversation(seeded_session, agent1.id)
    message = desk.reply(seeded_session, conversation, "  สวัสดีค่ะ\r\nยินดีรับฟังค่ะ ",
                         agent1, now=utcnow())
    assert message.direction is Direction.OUT and message.author_id == agent1.id
    assert message.send_state is SendState.PENDING and message.retry_key
    assert message.text == "สวัสดีค่ะ\nยินดีรับฟังค่ะ"
    with pytest.raises(InvalidInput):
        desk.reply(seeded_session, conversation, "   ", agent1, now=utcnow())


def test_ending_sends_the_closing_message_first_then_nothing_more_can_be_sent(
        seeded_session, agent1):
    conversation = active_conversation(seeded_session, agent1.id)
    owed = desk.end(seeded_session, conversation, agent1, now=utcnow(),
                    closing="ขอบคุณที่ติดต่อมาค่ะ")
    assert conversation.status is ConversationStatus.ENDED and len(owed) == 1
    kinds = [(m.direction, m.kind) for m in service.transcript(seeded_session,
                                                               conversation.id)]
    assert kinds == [(Direction.OUT, MessageKind.TEXT), (Direction.IN, MessageKind.SYSTEM)]
    assert seeded_session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "chat.end", AuditEvent.entity_id == str(conversation.id)))
    with pytest.raises(Conflict):
        desk.reply(seeded_session, conversation, "อีกข้อความ", agent1, now=utcnow())
    assert desk.mine(seeded_session, agent1.id) == []


def test_ending_without_a_closing_message_sends_nothing(seeded_session, agent1):
    conversation = active_conversation(seeded_session, agent1.id)
    assert desk.end(seeded_session, conversation, agent1, now=utcnow(), closing=" ") == []


def test_a_case_opened_from_a_conversation_is_lines_with_a_line_contact(seeded_session,
                                                                         agent1):
    conversation = active_conversation(seeded_session, agent1.id, topic="urgent")
    case = chat_cases.open_case(seeded_session, conversation, agent1)
    assert case.channel is Channel.LINE and case.owner_id == agent1.id
    assert case.urgency is Urgency.IMMEDIATE and case.risk == {"in_danger_now": True}
    assert conversation.case_id == case.id
    [contact] = seeded_session.scalars(select(CaseContact).where(
        CaseContact.case_id == case.id))
    assert contact.channel is ContactChannel.LINE
    assert [c.id for c in desk.of_case(seeded_session, case.id)] == [conversation.id]
    with pytest.raises(Conflict):
        chat_cases.open_case(seeded_session, conversation, agent1)


def test_a_conversation_on_a_topic_opens_a_case_of_that_issue_area(seeded_session, agent1):
    conversation = active_conversation(seeded_session, agent1.id, topic="human_trafficking")
    case = chat_cases.open_case(seeded_session, conversation, agent1)
    assert case.issue_area.value == "human_trafficking" and case.urgency is Urgency.NORMAL


def test_attaching_links_the_conversation_and_records_a_line_contact(seeded_session, agent1):
    case = cases.open_case(seeded_session, created_by_id=agent1.id)
    conversation = active_conversation(seeded_session, agent1.id)
    chat_cases.attach(seeded_session, conversation, case, agent1)
    assert conversation.case_id == case.id
    channels = set(seeded_session.scalars(select(CaseContact.channel).where(
        CaseContact.case_id == case.id)))
    assert ContactChannel.LINE in channels


def test_a_picture_is_served_only_from_the_chat_media_folder(seeded_session, agent1,
                                                             tmp_path: Path):
    conversation = active_conversation(seeded_session, agent1.id)
    picture = sends_picture(seeded_session, conversation, tmp_path)
    assert desk.media_file(tmp_path, picture).read_bytes().startswith(b"\x89PNG")
    (tmp_path / "secret.txt").write_text("not a picture")
    picture.media_path = "chat_media/../secret.txt"
    with pytest.raises(NotFound):
        desk.media_file(tmp_path, picture)
    text = says(seeded_session, conversation, "ข้อความ")
    with pytest.raises(NotFound):
        desk.media_file(tmp_path, text)


def test_the_shipped_canned_replies_are_thai_first_and_cover_the_basics(seeded_session):
    codes = {reply.code: reply for reply in canned_replies.active(seeded_session)}
    assert {"greeting", "safe_to_talk", "ask_location", "call_hotline", "closing"} <= set(codes)
    assert "ปลอดภัย" in codes["safe_to_talk"].label_th
    assert canned_replies.text_of(codes["call_hotline"], "en").startswith("If it is urgent")
    assert all(len(r.label_th) <= 120 and len(r.label_en) <= 120 for r in codes.values())
