"""Offers, accept, decline, lapsed offers, take next and returns on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.chat import capacity, routing, service
from callcenter.chat.models import ConversationStatus as S
from callcenter.chat.models import MessageKind
from callcenter.errors import Conflict, InvalidInput
from tests.chat.routing_builders import SETTINGS, T0, agent, waiting

TIMINGS = routing.Timings.of(SETTINGS)


def test_a_waiting_conversation_is_offered_to_a_free_agent(db_session):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    offers = routing.route(db_session, presence={ann.id: "available"}, now=T0, timings=TIMINGS)
    db_session.refresh(chat)
    assert [(o.conversation_id, o.agent_id) for o in offers] == [(chat.id, ann.id)]
    assert (chat.status, chat.agent_id, chat.offered_at) == (S.OFFERED, ann.id, T0)
    assert chat.queued_at == T0 - timedelta(minutes=2)


def test_an_agent_on_a_call_or_paused_is_offered_nothing(db_session):
    busy, paused = agent(db_session), agent(db_session)
    waiting(db_session, minutes_ago=2)
    offers = routing.route(db_session, presence={busy.id: "in_call", paused.id: "paused"},
                           now=T0, timings=TIMINGS)
    assert offers == []


def test_only_the_offered_agent_accepts_and_only_once(db_session):
    ann, bob = agent(db_session), agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    routing.route(db_session, presence={ann.id: "available"}, now=T0, timings=TIMINGS)
    with pytest.raises(Conflict):
        routing.accept(db_session, chat.id, agent_id=bob.id, now=T0)
    taken = routing.accept(db_session, chat.id, agent_id=ann.id, now=T0 + timedelta(seconds=5))
    assert (taken.status, taken.accepted_at) == (S.ACTIVE, T0 + timedelta(seconds=5))
    with pytest.raises(Conflict):
        routing.accept(db_session, chat.id, agent_id=ann.id, now=T0)


def test_a_declined_chat_keeps_its_place_and_goes_to_someone_else(db_session):
    ann, bob = agent(db_session), agent(db_session)
    chat = waiting(db_session, minutes_ago=5)
    waiting(db_session, minutes_ago=1)
    routing.route(db_session, presence={ann.id: "available"}, now=T0, timings=TIMINGS)
    # Ann holds both now; she declines the older one.
    back = routing.decline(db_session, chat.id, agent_id=ann.id, now=T0)
    assert (back.status, back.agent_id, back.declined_by_id) == (S.WAITING, None, ann.id)
    assert back.waiting_since == T0 - timedelta(minutes=5)
    offers = routing.route(db_session, presence={ann.id: "available", bob.id: "available"},
                           now=T0 + timedelta(seconds=1), timings=TIMINGS)
    assert [(o.conversation_id, o.agent_id) for o in offers] == [(chat.id, bob.id)]


def test_an_offer_nobody_accepts_goes_back_in_line_after_the_timeout(db_session):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    routing.route(db_session, presence={ann.id: "available"}, now=T0, timings=TIMINGS)
    assert routing.expire_offers(db_session, now=T0 + timedelta(seconds=29),
                                 timings=TIMINGS) == []
    assert routing.expire_offers(db_session, now=T0 + timedelta(seconds=30),
                                 timings=TIMINGS) == [chat.id]
    db_session.refresh(chat)
    assert (chat.status, chat.declined_by_id) == (S.WAITING, ann.id)


def test_signing_out_returns_the_agents_chats_first_in_line_with_a_note(db_session):
    ann = agent(db_session)
    mine_old = waiting(db_session, minutes_ago=3)
    mine_new = waiting(db_session, minutes_ago=2)
    routing.route(db_session, presence={ann.id: "available"}, now=T0, timings=TIMINGS)
    routing.accept(db_session, mine_old.id, agent_id=ann.id, now=T0)
    others = waiting(db_session, minutes_ago=30)  # came in later but waits longer
    returned = routing.release_agent(db_session, ann.id, now=T0 + timedelta(minutes=1))
    assert sorted(returned) == sorted([mine_old.id, mine_new.id])
    for row in (mine_old, mine_new, others):
        db_session.refresh(row)
    assert mine_old.status is S.WAITING and mine_new.status is S.WAITING
    assert mine_old.agent_id is None
    assert mine_old.waiting_since < mine_new.waiting_since < others.waiting_since
    assert mine_old.queued_at == T0 - timedelta(minutes=3)  # the service level's start stays
    notes = [m.text for m in service.transcript(db_session, mine_old.id)
             if m.kind is MessageKind.SYSTEM]
    assert notes == ["back to the queue: the agent signed out"]


def test_take_next_pulls_the_first_in_line_up_to_capacity(db_session):
    ann = agent(db_session)
    capacity.set_capacity(db_session, user_id=ann.id, capacity=1, actor_id=ann.id, now=T0)
    first = waiting(db_session, minutes_ago=5, topic="urgent")
    waiting(db_session, minutes_ago=9)
    taken = routing.take_next(db_session, agent_id=ann.id, now=T0)
    assert (taken.id, taken.status, taken.agent_id) == (first.id, S.ACTIVE, ann.id)
    with pytest.raises(Conflict):
        routing.take_next(db_session, agent_id=ann.id, now=T0)
    assert routing.load_of(db_session, ann.id) == routing.Load(1, 1)


def test_take_next_with_nothing_waiting_gives_none(db_session):
    ann = agent(db_session, languages=("en",))
    waiting(db_session, minutes_ago=5)
    assert routing.take_next(db_session, agent_id=ann.id, now=T0) is None


def test_a_supervisor_returns_an_active_chat_to_the_queue(db_session):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=5)
    routing.take_next(db_session, agent_id=ann.id, now=T0)
    back = routing.return_to_queue(db_session, chat.id, now=T0)
    assert (back.status, back.agent_id) == (S.WAITING, None)
    with pytest.raises(Conflict):
        routing.return_to_queue(db_session, chat.id, now=T0)


def test_capacity_is_kept_audited_and_bounded(db_session):
    ann, admin = agent(db_session), agent(db_session)
    assert capacity.of(db_session, ann.id) == 3
    capacity.set_capacity(db_session, user_id=ann.id, capacity=0, actor_id=admin.id, now=T0)
    assert capacity.of(db_session, ann.id) == 0
    event = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "chat.capacity", AuditEvent.entity_id == str(ann.id))).one()
    assert event.changes == {"chat_capacity": [3, 0]}
    with pytest.raises(InvalidInput):
        capacity.set_capacity(db_session, user_id=ann.id, capacity=21, actor_id=admin.id,
                              now=T0)
    chat = waiting(db_session, minutes_ago=1)
    assert routing.route(db_session, presence={ann.id: "available"}, now=T0,
                         timings=TIMINGS) == []
    assert chat.status is S.WAITING
