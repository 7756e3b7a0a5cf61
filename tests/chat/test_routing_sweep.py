"""The routing pass the worker sweeps with: lapsed offers, signed-out agents, and the
offer told to the agent on their notice topic."""

from __future__ import annotations

import json
from datetime import timedelta

from rq import Queue

from callcenter import after_commit, topics
from callcenter.chat import routing, routing_jobs
from callcenter.chat.models import ConversationStatus as S
from tests.chat.routing_builders import SETTINGS, T0, agent, waiting


def live(redis_client, user, status: str) -> None:
    redis_client.hset(topics.live_key("pbx1", topics.AGENT), user.phone_interface,
                      json.dumps({"node": "pbx1", "interface": user.phone_interface,
                                  "name": user.login, "status": status}))


def test_an_offer_reaches_the_agents_notice_stream_without_the_persons_words(
        db_session, redis_client):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2, topic="urgent")
    chat.display_name = "นางสาว ลับมาก"
    live(redis_client, ann, "available")
    listener = redis_client.pubsub()
    listener.subscribe(topics.notices_topic(ann.id))
    listener.get_message(timeout=1)
    done = routing_jobs.route_pass(db_session, redis_client, now=T0, settings=SETTINGS)
    db_session.commit()
    after_commit.run(db_session)
    assert done == {"lapsed": 0, "returned": 0, "offered": 1}
    message = listener.get_message(timeout=2)
    notice = json.loads(message["data"])
    assert notice["kind"] == "chat_offered"
    assert (notice["conversation_id"], notice["urgent"], notice["waiting_seconds"]) == (
        chat.id, True, 120)
    assert notice["topic_th"] == "อยู่ในอันตรายตอนนี้"
    assert "ลับมาก" not in message["data"].decode()
    listener.close()


def test_a_lapsed_offer_goes_to_the_next_free_agent(db_session, redis_client):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    live(redis_client, ann, "available")
    routing_jobs.route_pass(db_session, redis_client, now=T0, settings=SETTINGS)
    bob = agent(db_session)
    live(redis_client, bob, "available")
    later = T0 + timedelta(seconds=31)
    done = routing_jobs.route_pass(db_session, redis_client, now=later, settings=SETTINGS)
    db_session.refresh(chat)
    assert done == {"lapsed": 1, "returned": 0, "offered": 1}
    assert (chat.status, chat.agent_id, chat.offered_at) == (S.OFFERED, bob.id, later)


def test_an_agent_the_bridge_reports_signed_out_loses_their_chats_to_the_queue(
        db_session, redis_client):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    routing.take_next(db_session, agent_id=ann.id, now=T0)
    live(redis_client, ann, "logged_out")
    done = routing_jobs.route_pass(db_session, redis_client, now=T0, settings=SETTINGS)
    db_session.refresh(chat)
    assert done["returned"] == 1
    assert (chat.status, chat.agent_id) == (S.WAITING, None)


def test_an_agent_the_bridge_does_not_report_keeps_their_chats(db_session, redis_client):
    ann = agent(db_session)
    chat = waiting(db_session, minutes_ago=2)
    routing.take_next(db_session, agent_id=ann.id, now=T0)
    routing_jobs.route_pass(db_session, redis_client, now=T0, settings=SETTINGS)
    db_session.refresh(chat)
    assert (chat.status, chat.agent_id) == (S.ACTIVE, ann.id)


def test_asking_for_routing_twice_queues_one_pass(redis_client):
    routing_jobs.request_routing(redis_client)
    routing_jobs.request_routing(redis_client)
    queue = Queue("chat", connection=redis_client)
    assert queue.job_ids == [routing_jobs.ROUTE_JOB_ID]
