"""RQ jobs of the LINE chat, and the relay that re-enqueues what Redis lost.

Ids in, rows re-read, safe to run twice or late: an event is applied once (its row is
claimed in the same transaction as its effects), a message is sent by one attempt at a
time (its lease) and never again once sent. PostgreSQL is the record of what is owed;
the relay (a thread of ``callcenter worker``) enqueues every event still unapplied and
every message still owed a few seconds later, after a Redis restart or a dead worker.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter import after_commit
from callcenter.chat import inbound, line_api, line_protocol, live, outbox, webhook
from callcenter.chat.config import LineSettings, get_line_settings
from callcenter.chat.line_api import LineApiError
from callcenter.db import default_sessionmaker, engine_for, session_scope, utcnow
from callcenter.redis import connect
from callcenter.settings import get_settings

log = logging.getLogger(__name__)

QUEUE_NAME = "chat"
APPLY = "callcenter.chat.jobs.apply_event"
SEND = "callcenter.chat.jobs.send_message"
# Results are not kept: a finished job's id must be free for the next sweep at once.
JOB_OPTIONS = {"result_ttl": 0, "failure_ttl": 3600, "job_timeout": 60}
# Enqueued right after their commit; the relay is for those still owed this much later.
OVERDUE_SECONDS = 3.0
# Outcomes of an event after which a conversation may wait in a queue (or moved queue).
ROUTING_OUTCOMES = ("topic", "language")


@dataclass(frozen=True)
class Context:
    settings: LineSettings
    sessions: sessionmaker[Session]
    redis: redis_lib.Redis
    data_dir: Path


@lru_cache(maxsize=1)
def default_context() -> Context:
    settings = get_settings()
    return Context(get_line_settings(), default_sessionmaker(), connect(settings),
                   settings.data_dir.resolve())


def new_context() -> Context:
    """A context of its own for the relay thread (never the jobs' cached one)."""
    settings = get_settings()
    return Context(get_line_settings(), sessionmaker(engine_for(settings),
                                                     expire_on_commit=False),
                   connect(settings), settings.data_dir.resolve())


# Enqueueing --------------------------------------------------------------------------


def _enqueue(client: redis_lib.Redis, path: str, row_id: int, job_id: str) -> bool:
    """Queue a job once; a leftover of a dead run under the same id is replaced."""
    queue = Queue(QUEUE_NAME, connection=client)
    try:
        queue.enqueue(path, row_id, job_id=job_id, unique=True, **JOB_OPTIONS)
        return True
    except DuplicateJobError:
        try:
            status = Job.fetch(job_id, connection=client).get_status(refresh=False)
        except NoSuchJobError:
            return False
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED,
                      JobStatus.FINISHED):
            Job.fetch(job_id, connection=client).delete()
            queue.enqueue(path, row_id, job_id=job_id, unique=True, **JOB_OPTIONS)
            return True
        return False  # queued or running: it will do the work


def enqueue_event(client: redis_lib.Redis, event_row_id: int) -> bool:
    return _enqueue(client, APPLY, event_row_id, f"line-event-{event_row_id}")


def enqueue_send(client: redis_lib.Redis, message_id: int, attempts: int) -> bool:
    return _enqueue(client, SEND, message_id, f"line-send-{message_id}-{attempts}")


def after_commit_events(client: redis_lib.Redis, row_ids: list[int]) -> None:
    """The fast path after the webhook's commit; Redis away only delays (the relay)."""
    try:
        for row_id in row_ids:
            enqueue_event(client, row_id)
    except redis_lib.RedisError as exc:
        log.warning("line.enqueue_deferred events=%d error=%s", len(row_ids),
                    type(exc).__name__)


def after_commit_sends(client: redis_lib.Redis, message_ids: list[int]) -> None:
    try:
        for message_id in message_ids:
            enqueue_send(client, message_id, 0)
    except redis_lib.RedisError as exc:
        log.warning("line.send_deferred messages=%d error=%s", len(message_ids),
                    type(exc).__name__)


# Jobs --------------------------------------------------------------------------------


def apply_event(row_id: int, ctx: Context | None = None) -> str:
    """Apply one stored webhook event; its answers are enqueued after the commit."""
    ctx = ctx or default_context()
    tools = inbound.Tools(ctx.settings, ctx.data_dir,
                          lambda message_id: line_api.content(ctx.settings, message_id))
    try:
        with session_scope(ctx.sessions) as session:
            row = webhook.claim(session, row_id, now=utcnow())
            if row is None:
                return "applied already"
            event = line_protocol.read_event(row.payload)
            applied = inbound.apply(session, event, now=utcnow(), tools=tools)
            row.outcome = applied.outcome
            if applied.outbound:
                ids = applied.outbound
                after_commit.register(session, lambda: after_commit_sends(ctx.redis, ids))
            if applied.outcome in ROUTING_OUTCOMES or applied.outcome.startswith("message"):
                # Someone may be waiting now: route at once rather than at the next sweep.
                from callcenter.chat.routing_jobs import request_routing  # imports this module
                after_commit.register(session, lambda: request_routing(ctx.redis))
            if applied.conversation_id is not None:
                touched = [applied.conversation_id]
                after_commit.register(session, lambda: live.publish(ctx.redis, touched))
    except LineApiError as exc:
        # A picture LINE could not give now: the event stays owed, the relay retries.
        log.warning("line.event_deferred event=%s error=%s", row_id, exc)
        return "deferred"
    log.info("line.event_applied event=%s type=%s outcome=%s", row_id, event.type[:40],
             applied.outcome)
    return applied.outcome


def send_message(message_id: int, ctx: Context | None = None) -> str:
    """One attempt at one outbound message; the outcome is on its row."""
    ctx = ctx or default_context()
    reason = None
    with session_scope(ctx.sessions) as session:
        taken = outbox.claim(session, message_id, now=utcnow(), settings=ctx.settings)
        if taken is not None and (taken.blocked or taken.expired):
            reason = ("the person blocked the account" if taken.blocked
                      else "not sent within LINE's retry-key lifetime")
            outbox.record_failed(session, message_id, error=reason, now=utcnow())
    if taken is None:
        return "not owed"
    if reason is not None:
        # The desk shows the message as failed at once.
        live.publish(ctx.redis, [taken.conversation_id])
        log.info("line.send_failed message=%s reason=%s", message_id, reason)
        return "failed"
    try:
        via, _request_id = outbox.send(ctx.settings, taken)
    except LineApiError as exc:
        with session_scope(ctx.sessions) as session:
            outcome = outbox.record_error(session, taken, exc, now=utcnow(),
                                          settings=ctx.settings)
        if outcome == "retry by push":
            after_commit_sends(ctx.redis, [message_id])
        live.publish(ctx.redis, [taken.conversation_id])
        log.info("line.send_error message=%s error=%s outcome=%s", message_id, exc, outcome)
        return outcome
    with session_scope(ctx.sessions) as session:
        outbox.record_sent(session, message_id, via=via, now=utcnow())
    live.publish(ctx.redis, [taken.conversation_id])
    log.info("line.sent message=%s via=%s", message_id, via)
    return "sent"


# The relay ---------------------------------------------------------------------------


def sweep(ctx: Context, *, overdue_by: float = OVERDUE_SECONDS) -> int:
    """One pass: enqueue every event and message still owed; how many were enqueued."""
    now = utcnow()
    with ctx.sessions() as session:
        events = webhook.unapplied(session, now=now, overdue_by=overdue_by)
        sends = outbox.owed(session, now=now, overdue_by=0.0)
    enqueued = sum(enqueue_event(ctx.redis, row_id) for row_id in events)
    enqueued += sum(enqueue_send(ctx.redis, message_id, attempts)
                    for message_id, attempts in sends)
    return enqueued


def run(ctx: Context, stop: threading.Event) -> None:
    """Sweep until ``stop`` is set; a database or Redis outage only skips a pass."""
    while not stop.is_set():
        try:
            count = sweep(ctx)
            if count:
                log.info("line.relay enqueued=%d", count)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("line.relay_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.settings.line_relay_interval_seconds)


def sweep_forever(stop: threading.Event) -> None:
    """For ``callcenter.worker.start_sweepers``: the relay as a thread of the worker."""
    run(new_context(), stop)
