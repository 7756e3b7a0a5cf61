"""The chat desk live, end to end: the console in a uvicorn process, a real RQ worker and
the simulated LINE platform. The agent's conversation page hears a message the moment the
worker has stored it, and a reply typed on the desk reaches the person through the
outbox and shows as sent."""

from __future__ import annotations

import contextlib
import json
import queue
import threading

import httpx
import pytest

from callcenter.chat import service
from callcenter.chat.models import ConversationStatus
from callcenter.db import session_scope, utcnow
from callcenter.seed import DEMO_PASSWORD, seed_all
from callcenter.simulators.line import person_id
from tests.agent_console.conftest import csrf_from
from tests.chat.builders import user_id
from tests.chat.conftest import wait_for
from tests.support.web_stack import events, signed_in

pytestmark = pytest.mark.postgres


def listen(base_url: str, cookies, path: str, heard: queue.Queue, stop: threading.Event):
    # The stream ends with the web process at the module's end: that is no failure.
    with contextlib.suppress(httpx.HTTPError), \
            httpx.Client(base_url=base_url, cookies=cookies, timeout=30) as client, \
            client.stream("GET", path) as response:
        for event in events(response.iter_lines()):
            heard.put(event)
            if stop.is_set():
                return


def next_named(heard: queue.Queue, name: str, timeout: float = 15.0) -> str:
    deadline = utcnow().timestamp() + timeout
    while True:
        got, data = heard.get(timeout=max(0.1, deadline - utcnow().timestamp()))
        if got == name:
            return data


def test_the_page_hears_a_new_message_and_a_reply_reaches_the_person(chat, ctx, web):
    user = person_id()
    with session_scope(ctx.sessions) as session:
        seed_all(session, demo_users=True)
        conversation = service.start_conversation(session, user, now=utcnow())
        conversation.topic, conversation.queue_name = "family_violence", "chat-family_violence-th"
        conversation.status = ConversationStatus.ACTIVE
        conversation.agent_id = user_id(session, "agent1")
        session.flush()
        conversation_id = conversation.id
    client = signed_in(web.url, "agent1", DEMO_PASSWORD)
    csrf = csrf_from(client.get(f"/chats/{conversation_id}").text)
    heard: queue.Queue = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=listen, args=(web.url, client.cookies,
                                          f"/chats/{conversation_id}/stream", heard, stop),
                     daemon=True).start()
    # The hub says when it is subscribed: published before that would be lost (pub/sub).
    while json.loads(next_named(heard, "hub")) != {"live": True}:
        pass

    chat.say(user, "ช่วยด้วยค่ะ ตอนนี้อยู่ที่บ้าน")
    assert json.loads(next_named(heard, "chat")) == {"conversation": conversation_id}
    assert "ช่วยด้วยค่ะ ตอนนี้อยู่ที่บ้าน" in client.get(
        f"/chats/{conversation_id}/transcript").text

    sent = client.post(f"/chats/{conversation_id}/reply", follow_redirects=False,
                       data={"text": "ตอนนี้คุณอยู่ในที่ปลอดภัยไหมคะ", "csrf_token": csrf})
    assert sent.status_code == 303
    wait_for(lambda: "ตอนนี้คุณอยู่ในที่ปลอดภัยไหมคะ" in chat.texts_to(user))
    next_named(heard, "chat")  # its state moved on: the page looks again
    wait_for(lambda: 'data-state="sent"' in client.get(
        f"/chats/{conversation_id}/transcript").text)
    stop.set()
    client.close()
