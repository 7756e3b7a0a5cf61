"""A person on LINE and the hotline, through the simulator, the console's webhook and a
real RQ worker: greeted with the topics, queued by topic, answered once even when LINE
fails, pictures checked, a person who blocks the account sent nothing more."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callcenter.chat import jobs, service
from callcenter.chat.models import (
    ChatMessage,
    Conversation,
    ConversationStatus,
    Direction,
    LineWebhookEvent,
    MessageKind,
    SendState,
)
from callcenter.db import session_scope, utcnow
from callcenter.simulators.line import NOT_AN_IMAGE, SAMPLE_PNG, person_id
from tests.chat.conftest import wait_for

pytestmark = pytest.mark.postgres


def conversation_of(ctx, user: str) -> Conversation | None:
    with ctx.sessions() as session:
        return session.scalars(select(Conversation).where(
            Conversation.line_user_id == user).order_by(Conversation.id.desc())).first()


def messages_of(ctx, conversation_id: int) -> list[ChatMessage]:
    with ctx.sessions() as session:
        return service.transcript(session, conversation_id)


def test_a_follow_is_greeted_in_thai_with_the_topics_as_quick_replies(chat, ctx):
    user = person_id()
    assert chat.follow(user).status == 200
    [received] = wait_for(lambda: chat.received(user))
    assert received.via == "reply"
    [message] = received.messages
    assert message["text"].startswith("สวัสดีค่ะ ศูนย์ช่วยเหลือสังคม สายด่วน 1300")
    labels = [item["action"]["label"] for item in message["quickReply"]["items"]]
    assert "ความรุนแรงในครอบครัว" in labels and "อยู่ในอันตรายตอนนี้" in labels
    conversation = conversation_of(ctx, user)
    assert conversation.status is ConversationStatus.NEW
    assert len(messages_of(ctx, conversation.id)) == 1  # the greeting, owed or sent
    wait_for(lambda: messages_of(ctx, conversation.id)[0].send_state is SendState.SENT)


def test_a_topic_chosen_puts_the_conversation_in_its_chat_queue(chat, ctx):
    user = person_id()
    chat.follow(user)
    wait_for(lambda: chat.received(user))
    chat.choose(user, "topic=family_violence")
    wait_for(lambda: len(chat.received(user)) == 2)
    assert chat.texts_to(user)[1] == "ได้รับข้อความแล้วค่ะ เจ้าหน้าที่จะตอบโดยเร็วที่สุด"
    conversation = conversation_of(ctx, user)
    assert conversation.status is ConversationStatus.WAITING
    assert conversation.queue_name == "chat-family_violence-th"
    chat.say(user, "อยู่ในอันตรายตอนนี้")
    wait_for(lambda: conversation_of(ctx, user).topic == "urgent")
    assert conversation_of(ctx, user).queue_name == "chat-urgent-th"
    wait_for(lambda: len(chat.received(user)) == 3)


def test_a_person_who_types_straight_away_waits_in_the_general_queue(chat, ctx):
    user = person_id()
    chat.say(user, "สวัสดีค่ะ มีเรื่องอยากปรึกษา")
    wait_for(lambda: chat.received(user))
    conversation = conversation_of(ctx, user)
    assert conversation.queue_name == "chat-general-th"
    texts = [m.text for m in messages_of(ctx, conversation.id) if m.direction is Direction.IN]
    assert texts == ["สวัสดีค่ะ มีเรื่องอยากปรึกษา"]


def test_lines_outage_delays_the_answer_but_never_loses_it(chat, ctx):
    chat.fail_next(4, status=500)
    user = person_id()
    chat.follow(user)
    [received] = wait_for(lambda: chat.received(user), timeout=20)
    # The reply failed, so the token was given up: the push carried the retry key.
    assert received.via == "push" and received.retry_key
    conversation = conversation_of(ctx, user)
    [greeting] = wait_for(lambda: [m for m in messages_of(ctx, conversation.id)
                                   if m.send_state is SendState.SENT])
    assert greeting.attempt_count == 5 and greeting.sent_via == "push"
    assert greeting.retry_key == received.retry_key


def test_a_push_line_accepted_whose_answer_was_lost_is_not_sent_twice(chat, ctx):
    user = person_id()
    chat.follow(user)
    wait_for(lambda: chat.received(user))
    chat.fail_next(1, status=500, after_accepting=True)
    with session_scope(ctx.sessions) as session:
        conversation = service.open_conversation(session, user)
        message_id = service.queue_outbound(session, conversation, "สวัสดีค่ะ", now=utcnow()).id
    jobs.after_commit_sends(ctx.redis, [message_id])
    wait_for(lambda: next(m for m in messages_of(ctx, conversation.id)
                          if m.id == message_id).send_state is SendState.SENT)
    assert chat.texts_to(user).count("สวัสดีค่ะ") == 1
    sent = next(m for m in messages_of(ctx, conversation.id) if m.id == message_id)
    assert sent.attempt_count == 2  # the second push was answered 409: already accepted


def test_a_picture_is_kept_and_a_program_posing_as_one_is_refused(chat, ctx):
    user = person_id()
    chat.choose(user, "topic=welfare")
    wait_for(lambda: chat.received(user))
    chat.send_image(user, SAMPLE_PNG)
    chat.send_image(user, NOT_AN_IMAGE)
    wait_for(lambda: len(chat.received(user)) == 2)
    assert chat.texts_to(user)[1].startswith("ขออภัย ส่งได้เฉพาะรูปภาพ")
    conversation = conversation_of(ctx, user)
    images = [m for m in messages_of(ctx, conversation.id) if m.kind is MessageKind.IMAGE]
    kept, refused = images
    assert kept.media_type == "image/png" and kept.media_size == len(SAMPLE_PNG)
    assert (ctx.data_dir / kept.media_path).read_bytes() == SAMPLE_PNG
    assert refused.refused_reason == "not an image" and refused.media_path is None
    notes = [m.text for m in messages_of(ctx, conversation.id) if m.kind is MessageKind.SYSTEM]
    assert notes == ["a picture was refused: not an image"]


def test_a_picture_over_the_size_limit_is_refused(chat, ctx):
    user = person_id()
    chat.send_image(user, b"\x89PNG\r\n\x1a\n" + b"0" * (65 * 1024))
    wait_for(lambda: chat.received(user))
    image = next(m for m in messages_of(ctx, conversation_of(ctx, user).id)
                 if m.kind is MessageKind.IMAGE)
    assert image.refused_reason.startswith("larger than")


def test_a_location_is_kept_with_its_coordinates(chat, ctx):
    user = person_id()
    chat.send_location(user, 18.7883, 98.9853, "เชียงใหม่")
    wait_for(lambda: conversation_of(ctx, user))
    location = wait_for(lambda: next((m for m in messages_of(ctx, conversation_of(ctx, user).id)
                                      if m.kind is MessageKind.LOCATION), None))
    assert (location.latitude, location.longitude) == (18.7883, 98.9853)


def test_a_person_who_blocks_the_account_is_sent_nothing_more(chat, ctx):
    user = person_id()
    chat.choose(user, "topic=missing_persons")
    wait_for(lambda: chat.received(user))
    chat.block(user)
    wait_for(lambda: conversation_of(ctx, user).status is ConversationStatus.BLOCKED)
    conversation = conversation_of(ctx, user)
    with session_scope(ctx.sessions) as session:
        row = session.get(Conversation, conversation.id)
        message_id = service.queue_outbound(session, row, "ยังอยู่ไหมคะ", now=utcnow()).id
    jobs.after_commit_sends(ctx.redis, [message_id])
    failed = wait_for(lambda: next((m for m in messages_of(ctx, conversation.id)
                                    if m.id == message_id
                                    and m.send_state is SendState.FAILED), None))
    assert failed.error == "the person blocked the account"
    assert "ยังอยู่ไหมคะ" not in chat.texts_to(user)


def test_an_unknown_event_type_is_stored_and_ignored(chat, ctx):
    user = person_id()
    event = chat.event("beacon", user, beacon={"hwid": "d41d8cd98f", "type": "enter"})
    assert chat.deliver(event).status == 200
    with ctx.sessions() as session:
        row = wait_for(lambda: session.scalars(select(LineWebhookEvent).where(
            LineWebhookEvent.webhook_event_id == event["webhookEventId"],
            LineWebhookEvent.processed_at.is_not(None))).first())
        assert row.outcome == "ignored: beacon"


def test_a_redelivered_event_is_applied_once(chat, ctx):
    user = person_id()
    sent = chat.say(user, "ขอความช่วยเหลือ")
    wait_for(lambda: chat.received(user))
    assert chat.redeliver(sent.event).status == 200
    conversation = conversation_of(ctx, user)
    texts = [m.text for m in messages_of(ctx, conversation.id) if m.kind is MessageKind.TEXT
             and m.direction is Direction.IN]
    assert texts == ["ขอความช่วยเหลือ"]
