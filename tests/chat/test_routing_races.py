"""Two agents accepting, two workers routing: on PostgreSQL with two real sessions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callcenter.chat import capacity, routing
from callcenter.chat.models import Conversation
from callcenter.chat.models import ConversationStatus as S
from callcenter.errors import Conflict
from tests.chat.routing_builders import SETTINGS, T0, agent, waiting

TIMINGS = routing.Timings.of(SETTINGS)


def in_thread(work):
    box: dict[str, object] = {}

    def run():
        try:
            box["value"] = work()
        except Exception as exc:  # handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def test_of_two_agents_accepting_the_same_chat_one_wins(committing_sessionmaker):
    with committing_sessionmaker.begin() as s:
        ann, bob = agent(s), agent(s)
        chat_id = waiting(s, minutes_ago=1).id
        ann_id, bob_id = ann.id, bob.id
        s.execute(Conversation.__table__.update().where(Conversation.id == chat_id)
                  .values(status=S.OFFERED, agent_id=ann_id, offered_at=T0))
    first = committing_sessionmaker()
    routing.accept(first, chat_id, agent_id=ann_id, now=T0)

    def second_accepts():
        with committing_sessionmaker.begin() as s:
            routing.accept(s, chat_id, agent_id=ann_id, now=T0 + timedelta(seconds=1))

    thread, box = in_thread(second_accepts)
    thread.join(0.5)
    assert thread.is_alive()  # waits on the first one's row lock
    first.commit()
    first.close()
    thread.join(10)
    assert isinstance(box.get("error"), Conflict)
    with committing_sessionmaker() as s:
        row = s.get(Conversation, chat_id)
        assert (row.status, row.accepted_at) == (S.ACTIVE, T0)
    with committing_sessionmaker() as s, pytest.raises(Conflict):
        routing.accept(s, chat_id, agent_id=bob_id, now=T0)


def test_two_routing_passes_at_once_never_overfill_an_agent(committing_sessionmaker):
    with committing_sessionmaker.begin() as s:
        ann = agent(s)
        capacity.set_capacity(s, user_id=ann.id, capacity=1, actor_id=ann.id, now=T0)
        for minutes in (3, 2, 1):
            waiting(s, minutes_ago=minutes)
        ann_id = ann.id
    presence = {ann_id: "available"}
    first = committing_sessionmaker()
    made = routing.route(first, presence=presence, now=T0, timings=TIMINGS)

    def second_routes():
        with committing_sessionmaker.begin() as s:
            return routing.route(s, presence=presence, now=T0, timings=TIMINGS)

    thread, box = in_thread(second_routes)
    thread.join(0.5)
    assert thread.is_alive()  # the routing lock
    first.commit()
    first.close()
    thread.join(10)
    assert len(made) == 1 and box.get("value") == []
    with committing_sessionmaker() as s:
        held = s.scalar(select(func.count()).where(Conversation.agent_id == ann_id))
    assert held == 1
