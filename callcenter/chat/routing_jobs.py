"""When routing runs, and telling agents of their offers.

Routing runs as one RQ job (``route_chats``, one at a time by its fixed id) right after
something may have freed a place or filled a queue: an inbound event put a conversation in
line, an agent signed in, unpaused, declined or ended a chat. The worker's routing sweep
(a thread of ``callcenter worker``, every ``CALLCENTER_CHAT_ROUTING_INTERVAL_SECONDS``)
runs the same pass, so a lapsed offer or a trigger lost with Redis costs a few seconds.
Each pass: lapsed offers back in line, the chats of agents the bridge reports signed out
back in line first, then new offers, each told to its agent after the commit.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callcenter import after_commit, topics
from callcenter.chat import policy, presence, routing
from callcenter.chat.jobs import JOB_OPTIONS, QUEUE_NAME, Context, default_context, new_context
from callcenter.chat.models import Conversation
from callcenter.chat.routing_policy import Offer
from callcenter.db import session_scope, utcnow

log = logging.getLogger(__name__)

ROUTE = "callcenter.chat.routing_jobs.route_chats"
ROUTE_JOB_ID = "chat-route"
SIGNED_OUT = "logged_out"


def offer_notice(conversation: Conversation, *, now: datetime, timeout: float) -> dict:
    """What the agent's page shows of an offer: never the person's name or words."""
    topic = next((t for t in policy.TOPICS if t.key == conversation.topic), None)
    since = conversation.waiting_since or now
    return {
        "kind": "chat_offered",
        "conversation_id": conversation.id,
        "topic": conversation.topic,
        "topic_th": topic.label_th if topic else conversation.topic,
        "topic_en": topic.label_en if topic else conversation.topic,
        "urgent": conversation.topic == policy.URGENT,
        "language": conversation.language,
        "waiting_seconds": max(int((now - since).total_seconds()), 0),
        "expires_in": int(timeout),
    }


def tell_offers(session: Session, client: Any, offers: Iterable[Offer], *, now: datetime,
                timeout: float) -> None:
    """Publish each offer to its agent once the transaction has committed."""
    notices = []
    for offer in offers:
        conversation = session.get(Conversation, offer.conversation_id)
        if conversation is not None:
            notices.append((topics.notices_topic(offer.agent_id), json.dumps(
                offer_notice(conversation, now=now, timeout=timeout), ensure_ascii=False)))
    if not notices:
        return

    def publish() -> None:
        try:
            for topic, body in notices:
                client.publish(topic, body)
        except redis_lib.RedisError as exc:
            # The offer stands; the agent's page shows it on its next load.
            log.warning("chat.offer_notice_lost count=%d error=%s", len(notices),
                        type(exc).__name__)

    after_commit.register(session, publish)


def route_pass(session: Session, client: Any, *, now: datetime, settings) -> dict[str, int]:
    """One routing pass in the caller's transaction; the counts of what it did."""
    timings = routing.Timings.of(settings)
    lapsed = routing.expire_offers(session, now=now, timings=timings)
    live = presence.read(session, client)
    returned = 0
    for user_id, status in live.items():
        if status == SIGNED_OUT:
            returned += len(routing.release_agent(session, user_id, now=now))
    offers = routing.route(session, presence=live, now=now, timings=timings)
    tell_offers(session, client, offers, now=now, timeout=settings.chat_offer_timeout_seconds)
    return {"lapsed": len(lapsed), "returned": returned, "offered": len(offers)}


def route_chats(ctx: Context | None = None) -> str:
    ctx = ctx or default_context()
    with session_scope(ctx.sessions) as session:
        done = route_pass(session, ctx.redis, now=utcnow(), settings=ctx.settings)
    if any(done.values()):
        log.info("chat.routed lapsed=%d returned=%d offered=%d", done["lapsed"],
                 done["returned"], done["offered"])
    return "routed"


def request_routing(client: Any) -> None:
    """Ask for a routing pass soon (after a commit); one queued pass serves every ask."""
    queue = Queue(QUEUE_NAME, connection=client)
    try:
        try:
            queue.enqueue(ROUTE, job_id=ROUTE_JOB_ID, unique=True, **JOB_OPTIONS)
        except DuplicateJobError:
            # Queued or running: it will see this change (or the sweep will). A failed
            # one's leftover would hold the id for an hour: replace it.
            job = Job.fetch(ROUTE_JOB_ID, connection=client)
            if job.get_status(refresh=False) in (JobStatus.FAILED, JobStatus.STOPPED,
                                                 JobStatus.CANCELED, JobStatus.FINISHED):
                job.delete()
                queue.enqueue(ROUTE, job_id=ROUTE_JOB_ID, unique=True, **JOB_OPTIONS)
    except (redis_lib.RedisError, NoSuchJobError, DuplicateJobError) as exc:
        log.warning("chat.route_deferred error=%s", type(exc).__name__)


def sweep_forever(stop: threading.Event) -> None:
    """For ``callcenter.worker.start_sweepers``: routing every few seconds."""
    ctx = new_context()
    while not stop.is_set():
        try:
            route_chats(ctx)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("chat.routing_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.settings.chat_routing_interval_seconds)
