"""After-call work held by the server: the job that pauses or frees an agent, and its sweep.

``check`` applies ``calls.wrap_up.step`` to one agent's last call and live state and asks
the bridge for the pause (reason ``wrap_up``) or the lift, audited with the system as the
actor, the call's id and the rule (never anything of the caller). It runs as the RQ job
``check_agent`` (one waiting per agent, by its id), asked for after a commit that may
change the answer:

- the bridge wrote a call's end or an agent's new state (``request``, from
  ``ami.bridge.sink.RecordWriter``): an agent who resumes while wrap-up is owed is paused
  again as soon as Asterisk reports the resume;
- a disposition was set or a case linked to the call (``after_settled``, from
  ``calls.service.set_disposition`` and ``cases.contacts.link_call``).

The worker's ``wrap-up`` sweep (every ``SWEEP_INTERVAL_SECONDS``) checks every agent the
bridges report available or paused for wrap-up, so a trigger lost with Redis or a worker
restart costs a few seconds, not the rule. Safe to run twice or late: each run re-reads.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import Integer, column, exists, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter import after_commit, audit, topics
from callcenter.agents import history, refusals
from callcenter.agents import state as agent_state
from callcenter.agents.models import User
from callcenter.ami.client import CommandClient
from callcenter.calls import after_call, wrap_up
from callcenter.calls.models import Call
from callcenter.db import engine_for, session_scope, utcnow
from callcenter.queues.stats import parse_time
from callcenter.redis import connect
from callcenter.settings import get_settings

log = logging.getLogger(__name__)

QUEUE_NAME = "default"
CHECK = "callcenter.calls.wrap_up_jobs.check_agent"
JOB_OPTIONS = {"result_ttl": 0, "failure_ttl": 600, "job_timeout": 30}
SWEEP_INTERVAL_SECONDS = 3.0
# Live states in which an agent may owe a pause or a lift (see wrap_up.step).
CANDIDATES = ("available", "paused")

# ``case_calls`` as a plain clause: cases sit above calls and must not be imported here;
# whether a call has a case is all this needs.
_CASE_CALLS = table("case_calls", column("call_id", Integer))


@dataclass(frozen=True)
class Context:
    sessions: sessionmaker[Session]
    redis: redis_lib.Redis
    nodes: tuple[str, ...]
    command_timeout: float = 8.0
    interval: float = SWEEP_INTERVAL_SECONDS


def make_context() -> Context:
    """Connections of its own (a sweeper thread must not share the jobs' cached ones)."""
    settings = get_settings()
    return Context(sessionmaker(engine_for(settings), expire_on_commit=False),
                   connect(settings), tuple(n.name for n in settings.ami_nodes))


@lru_cache(maxsize=1)
def default_context() -> Context:
    return make_context()


def job_id(user_id: int) -> str:
    return f"wrap-up-{user_id}"


def has_case(session: Session, call_id: int) -> bool:
    return bool(session.scalar(select(exists().where(_CASE_CALLS.c.call_id == call_id))))


def _since(live: dict[str, Any]) -> datetime | None:
    since = parse_time(live.get("changed_at"))
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since


# --- the job ---------------------------------------------------------------------------------

def check_agent(user_id: int) -> str:
    return check(default_context(), user_id)


def check(ctx: Context, user_id: int, *, now: datetime | None = None,
          live: dict[str, Any] | None = None) -> str:
    """Pause or free one agent as the rule says; what was done (``pause``, ``unpause``,
    ``refused``) or ``none``. ``live``: the agent's state if the caller just read it."""
    with session_scope(ctx.sessions) as session:
        user = session.get(User, user_id)
        call = after_call.last_call(session, user_id) if user is not None else None
        if user is None or call is None or not user.phone_interface:
            return "none"
        live = live or agent_state.live_state(ctx.redis, user)
        if live is None:
            return "none"  # signed in nowhere: nothing to pause
        required = after_call.wrap_up_required(session, call.queue_name)
        work = wrap_up.wrap_up(ended_at=call.ended_at, now=now or utcnow(),
                               required=required, disposition=call.disposition,
                               has_case=has_case(session, call.id))
        action = wrap_up.step(work=work, required=required, status=live.get("status"),
                              reason=live.get("paused_reason"), since=_since(live),
                              ended_at=call.ended_at)
        if action is None:
            return "none"
        commands = CommandClient(ctx.redis, timeout=ctx.command_timeout)
        node = agent_state.node_of(live, ctx.nodes)
        try:
            if action == wrap_up.PAUSE:
                agent_state.pause(commands, user=user, node=node, reason=wrap_up.PAUSE_REASON)
            else:
                agent_state.unpause(commands, user=user, node=node)
        except refusals.PbxRefused as exc:
            # The bridge is away or said no: the next trigger or sweep asks again, and
            # Asterisk's own wrapuptime still holds the next call for a moment.
            log.warning("wrap_up.%s_refused user=%d call=%d reason=%s", action, user_id,
                        call.id, exc)
            return "refused"
        audit.record(session, actor_id=None, action=f"agent.wrap_up_{action}",
                     entity_type="user", entity_id=user_id,
                     changes={"call_id": [None, call.id], "rule": [None, wrap_up.RULE]})
        log.info("wrap_up.%s user=%d call=%d", action, user_id, call.id)
        return action


# --- asking for it ---------------------------------------------------------------------------

def request(client: redis_lib.Redis, user_id: int) -> None:
    """Ask for a check of this agent soon; a check still waiting in line serves every ask.

    A check already running may have read the state before this change (the agent
    resumed while it paused them): a second one goes in line behind it.
    """
    queue = Queue(QUEUE_NAME, connection=client)
    ident = job_id(user_id)
    try:
        try:
            queue.enqueue(CHECK, user_id, job_id=ident, unique=True, **JOB_OPTIONS)
        except DuplicateJobError:
            job = Job.fetch(ident, connection=client)
            if job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.SCHEDULED):
                return
            if job.get_status(refresh=False) != JobStatus.STARTED:
                job.delete()  # a failed or finished leftover must not hold the id
                queue.enqueue(CHECK, user_id, job_id=ident, unique=True, **JOB_OPTIONS)
                return
            queue.enqueue(CHECK, user_id, **JOB_OPTIONS)
    except (redis_lib.RedisError, NoSuchJobError, DuplicateJobError) as exc:
        log.warning("wrap_up.check_deferred user=%d error=%s", user_id, type(exc).__name__)


def request_many(client: redis_lib.Redis, user_ids: set[int]) -> None:
    for user_id in sorted(user_ids):
        request(client, user_id)


@lru_cache(maxsize=1)
def _own_redis() -> redis_lib.Redis:
    return connect(get_settings())


def _request_default(user_id: int) -> None:
    request(_own_redis(), user_id)


def after_settled(session: Session, call: Call) -> None:
    """The call got a disposition or a case: check its agent once this commits."""
    if call.agent_user_id is not None:
        after_commit.register(session, partial(_request_default, call.agent_user_id))


# --- the sweep -------------------------------------------------------------------------------

def candidates(session: Session, client: redis_lib.Redis) -> dict[int, dict[str, Any]]:
    """Agents the bridges report available or paused for wrap-up: user id → live state."""
    users = history.directory(session)
    found: dict[int, dict[str, Any]] = {}
    for key in client.scan_iter(match=topics.live_key("*", topics.AGENT), count=100):
        for body in client.hvals(key):
            live = json.loads(body)
            status = live.get("status")
            if status not in CANDIDATES or (
                    status == "paused" and live.get("paused_reason") != wrap_up.PAUSE_REASON):
                continue
            user_id = users.user_id(live.get("interface"), live.get("state_interface"),
                                    live.get("name"))
            if user_id is not None:
                found[user_id] = live
    return found


def sweep(ctx: Context, *, now: datetime | None = None) -> dict[str, int]:
    """Check every candidate at once (in this thread: no queue between, so a lost Redis
    job or a stopped work horse does not matter); counts of what was done."""
    with session_scope(ctx.sessions) as session:
        users = candidates(session, ctx.redis)
    done: dict[str, int] = {}
    for user_id, live in sorted(users.items()):
        # The state just read: one pass over the snapshot, not one per agent.
        outcome = check(ctx, user_id, now=now, live=live)
        done[outcome] = done.get(outcome, 0) + 1
    return done


def sweep_forever(stop: threading.Event, ctx: Context | None = None) -> None:
    """For ``callcenter.worker.start_sweepers``: the wrap-up rule every few seconds."""
    ctx = ctx or make_context()
    while not stop.is_set():
        try:
            sweep(ctx)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("wrap_up.sweep_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.interval)
