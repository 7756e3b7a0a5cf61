"""RQ job and sweeper for call backs. Ids in, rows re-read, safe to run twice or late.

The sweeper (``sweep``, run every few seconds by ``callcenter worker``) settles attempts
whose outbound call has ended, and queues one ``place_callback`` job per due request for
which an agent of its queue is free in the bridge's live state. The job checks again, claims
the row (pending → dialling, once), and asks that node's bridge to Originate into the
dialplan's ``callback`` context. Only ids and reason codes reach a job argument or a log line.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import callcenter.agents.models  # noqa: F401  (users: calls.agent_user_id refers to it)
from callcenter import topics
from callcenter.ami.client import CommandClient
from callcenter.calls import callbacks
from callcenter.calls.models import CallbackRequest, CallbackStatus
from callcenter.db import engine_for, session_scope, utcnow
from callcenter.redis import connect
from callcenter.settings import get_settings

log = logging.getLogger(__name__)

QUEUE_NAME = "default"
PLACE = "callcenter.calls.jobs.place_callback"
JOB_OPTIONS = {"result_ttl": 0, "failure_ttl": 3600, "job_timeout": 60}
SWEEP_INTERVAL_SECONDS = 3.0


@dataclass(frozen=True)
class Context:
    sessions: sessionmaker[Session]
    redis: redis_lib.Redis
    nodes: tuple[str, ...]
    zone: ZoneInfo
    command_timeout: float = 8.0
    interval: float = SWEEP_INTERVAL_SECONDS
    queue_name: str = QUEUE_NAME  # the RQ queue the jobs go on


def make_context() -> Context:
    """Connections of its own: a sweeper thread in the worker's parent process must not
    fill the cached default engine that RQ's forked work horses would inherit."""
    settings = get_settings()
    return Context(sessionmaker(engine_for(settings), expire_on_commit=False),
                   connect(settings), tuple(n.name for n in settings.ami_nodes),
                   settings.zone)


@lru_cache(maxsize=1)
def default_context() -> Context:
    return make_context()


def job_id(callback_id: int, attempts: int) -> str:
    return f"callback-{callback_id}-{attempts}"


# --- the job ---------------------------------------------------------------------------------

def place_callback(callback_id: int) -> str:
    return place(default_context(), callback_id)


def place(ctx: Context, callback_id: int, *, now: datetime | None = None) -> str:
    """One attempt at one request; the outcome is on the row."""
    now = now or utcnow()
    with session_scope(ctx.sessions) as session:
        row = session.get(CallbackRequest, callback_id)
        if row is None or row.status is not CallbackStatus.PENDING:
            return "not pending"
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return "not due"
        callbacks.link_call(session, row)
        safe = callbacks.safe_contact(session, number=row.number, call_id=row.call_id)
        verdict = _screen(row, safe, ctx, now)
        if verdict:
            return verdict
        node = callbacks.pick_node(_queue_states(ctx, row.queue_name),
                                   callbacks.dialling_counts(session, row.queue_name))
        if node is None:
            return "no agent free"
        args = callbacks.originate_args(row, safe)
        if not callbacks.claim(session, callback_id, node=node, now=now):
            return "taken"
    # Committed as "dialling" before the PBX is asked: a crash from here on only delays
    # the request (the sweeper rules on it), it never dials twice at once.
    result = CommandClient(ctx.redis, timeout=ctx.command_timeout).send(node, "originate",
                                                                       **args)
    with session_scope(ctx.sessions) as session:
        row = session.get(CallbackRequest, callback_id)
        assert row is not None
        if result.ok:
            row.dial_action_id = str(result.data.get("call") or "")[:64] or None
        else:
            reason = "bridge_timeout" if result.status == "timeout" else "originate_refused"
            callbacks.record_failure(row, error=reason, now=utcnow())
        status = row.status.value
    log.info("callbacks.originate callback_id=%s node=%s result=%s status=%s", callback_id,
             node, result.status, status)
    return "dialling" if result.ok else result.status


def _screen(row: CallbackRequest, safe: callbacks.SafeContact, ctx: Context,
            now: datetime) -> str:
    """The reasons not to dial this request now, applied to the row; "" to go ahead."""
    if not callbacks.usable_number(row.number):
        row.status, row.done_at, row.last_error = CallbackStatus.FAILED, now, "no_number"
        return "no number"
    if safe.do_not_call_back:
        row.status, row.done_at = CallbackStatus.CANCELLED, now
        row.last_error = "do_not_call_back"
        log.info("callbacks.cancelled callback_id=%s reason=do_not_call_back", row.id)
        return "do not call back"
    allowed = callbacks.next_allowed(safe.call_windows, now, ctx.zone)
    if allowed == "unreadable":
        # Free text nobody can read safely by machine: a person decides.
        row.status, row.done_at = CallbackStatus.FAILED, now
        row.last_error = "call_window_unreadable"
        return "call window unreadable"
    if isinstance(allowed, datetime) and allowed > now:
        row.next_attempt_at, row.last_error = allowed, "outside_call_window"
        return "outside call window"
    return ""


def _queue_states(ctx: Context, queue: str) -> dict[str, dict | None]:
    states: dict[str, dict | None] = {}
    for node in ctx.nodes:
        raw = ctx.redis.hget(topics.live_key(node, topics.QUEUE), queue)
        try:
            states[node] = json.loads(raw) if raw is not None else None
        except ValueError:
            states[node] = None
    return states


# --- the sweeper ------------------------------------------------------------------------------

@dataclass
class Sweep:
    settled: dict[str, int] = field(default_factory=dict)
    enqueued: int = 0


def sweep(ctx: Context, *, now: datetime | None = None) -> Sweep:
    """Settle finished attempts, then queue as many due requests as there are free agents."""
    now = now or utcnow()
    result = Sweep()
    with session_scope(ctx.sessions) as session:
        for row in callbacks.dialling(session):
            verdict = callbacks.settle(session, row, now=now)
            result.settled[verdict] = result.settled.get(verdict, 0) + 1
            if verdict != "pending":
                log.info("callbacks.attempt callback_id=%s result=%s status=%s", row.id,
                         verdict, row.status.value)
    with ctx.sessions() as session:
        due = callbacks.due_ids(session, now=now)
        free: dict[str, int] = {}
        for queue in {q for _, q in due}:
            counts = callbacks.dialling_counts(session, queue)
            free[queue] = sum(callbacks.free_agents(payload, counts.get(node, 0))
                              for node, payload in _queue_states(ctx, queue).items())
        attempts = {r.id: r.attempts for r in session.query(CallbackRequest).filter(
            CallbackRequest.id.in_([i for i, _ in due]))}
    rq_queue = Queue(ctx.queue_name, connection=ctx.redis)
    for callback_id, queue in due:
        if free.get(queue, 0) <= 0:
            continue
        # A job already queued for this attempt will take an agent too.
        free[queue] -= 1
        if _enqueue(rq_queue, callback_id, job_id(callback_id, attempts.get(callback_id, 0))):
            result.enqueued += 1
    return result


def _enqueue(rq_queue: Queue, callback_id: int, jid: str) -> bool:
    """Queue the attempt unless it is queued or running; a job of it that failed before
    claiming the row (a database error, a killed worker) must not hold the request back."""
    try:
        rq_queue.enqueue(PLACE, callback_id, job_id=jid, unique=True, **JOB_OPTIONS)
        return True
    except DuplicateJobError:
        pass
    try:
        job = Job.fetch(jid, connection=rq_queue.connection)
    except NoSuchJobError:
        return False  # finished meanwhile: the next sweep sees the row as it is now
    if job.get_status(refresh=False) not in (JobStatus.FAILED, JobStatus.STOPPED,
                                             JobStatus.CANCELED):
        return False
    job.delete()
    try:
        rq_queue.enqueue(PLACE, callback_id, job_id=jid, unique=True, **JOB_OPTIONS)
    except DuplicateJobError:
        return False
    return True


def sweep_forever(stop: threading.Event, ctx: Context | None = None) -> None:
    """Sweep until ``stop`` is set; a database or Redis outage only skips a pass."""
    ctx = ctx or make_context()  # not default_context(): forked jobs must not share it
    log.info("callbacks.sweeper_started nodes=%s interval=%s", ",".join(ctx.nodes),
             ctx.interval)
    while not stop.is_set():
        try:
            result = sweep(ctx)
            if result.enqueued or set(result.settled) - {"pending"}:
                log.info("callbacks.sweep enqueued=%s settled=%s", result.enqueued,
                         result.settled)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("callbacks.sweep_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.interval)
