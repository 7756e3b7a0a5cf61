"""In chromium: an agent has a LINE conversation open on /chats/{id}; the person's new
message appears without a reload (the worker's after-commit publish, done here as the
worker does it); the agent picks a canned reply in Thai, edits it, sends it with Enter
and sees it pending; then opens a case from the conversation, whose timeline shows it."""

from __future__ import annotations

import re
import uuid

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.chat import live, service
from callcenter.chat.models import Conversation, ConversationStatus, MessageKind
from callcenter.db import make_engine, utcnow
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in

FIRST = "สวัสดีค่ะ มีเรื่องอยากปรึกษา"
LATER = "ตอนนี้สามีออกไปข้างนอกแล้วค่ะ"


def _conversation(database_url: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        agent = session.scalar(select(User.id).where(User.login == "agent1"))
        conversation = service.start_conversation(session, f"U{uuid.uuid4().hex}",
                                                  now=utcnow())
        conversation.topic, conversation.queue_name = "family_violence", "chat-family_violence-th"
        conversation.status, conversation.agent_id = ConversationStatus.ACTIVE, agent
        service.append_inbound(session, conversation, MessageKind.TEXT, at=utcnow(),
                               text=FIRST)
        session.commit()
        found = conversation.id
    engine.dispose()
    return found


def _person_writes(database_url: str, conversation_id: int) -> None:
    """What the inbound job does first: store the message and commit."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        service.append_inbound(session, conversation, MessageKind.TEXT, at=utcnow(),
                               text=LATER)
        session.commit()
    engine.dispose()


def test_an_agent_answers_a_line_chat_live_and_opens_a_case_from_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    database_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    errors = request.getfixturevalue("page_errors")
    conversation_id = _conversation(database_url)
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.goto(f"{console}/chats")
    page.click(f"#my-chats a[href='/chats/{conversation_id}']")
    page.wait_for_url(f"{console}/chats/{conversation_id}")
    assert FIRST in page.locator("#chat-messages").inner_text()

    _person_writes(database_url, conversation_id)
    assert LATER not in page.locator("#chat-messages").inner_text()
    # Then the job's after-commit publish. Pub/sub keeps nothing for a stream still
    # connecting, so it is said again each second until the page shows the message (a
    # repeat only makes the page look once more, as a burst of messages would).
    client = redis.Redis.from_url(redis_url)
    try:
        for _ in range(15):
            live.publish(client, [conversation_id])
            if LATER in page.locator("#chat-messages").inner_text():
                break
            page.wait_for_timeout(1000)
    finally:
        client.close()
    assert LATER in page.locator("#chat-messages").inner_text()

    page.click("button.canned-reply[data-code='safe_to_talk']")
    box = page.locator("#reply-text")
    assert "ปลอดภัย" in box.input_value()
    box.press("End")
    box.type(" ตอบสั้น ๆ ได้ค่ะ")
    box.press("Enter")
    page.wait_for_selector("#chat-messages li.chat-out >> text=ตอบสั้น ๆ ได้ค่ะ")
    assert page.locator("#chat-messages li.chat-out .send-state").first.inner_text() == "รอส่ง"
    assert box.input_value() == ""

    page.click("#open-case")
    page.wait_for_url(re.compile(rf"{console}/cases/\d+$"))
    timeline = page.locator("#timeline").inner_text()
    assert LATER in timeline and "แชต LINE" in timeline
    context.close()
