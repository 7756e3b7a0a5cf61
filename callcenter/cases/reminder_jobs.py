"""Follow-up reminders in the worker: a job at each task's due time and a sweep.

When a task is created its reminders are scheduled in RQ at the due time and at the end
of the grace (``schedule_task``, after the commit; whole seconds, unique job ids). The
sweep (a thread of ``callcenter worker``) looks every minute for reminders owed and not
sent, tasks and referrals alike: a job lost with Redis, or due while no worker ran, is
sent by the next sweep. Both send through ``reminders.claim``, so a reminder is never
sent twice, whoever gets there first. Ids in, rows re-read, safe to run twice or late.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, partial

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import callcenter.agents.models  # the rows refer to users
import callcenter.provinces.models  # noqa: F401  (cases refer to provinces)
from callcenter import after_commit
from callcenter.cases import reminders
from callcenter.db import engine_for, session_scope, utcnow
from callcenter.redis import connect
from callcenter.settings import get_settings

log = logging.getLogger(__name__)

QUEUE_NAME = "default"
REMIND = "callcenter.cases.reminder_jobs.remind_task"
JOB_OPTIONS = {"result_ttl": 0, "failure_ttl": 3600, "job_timeout": 60}


@dataclass(frozen=True)
class Context:
    sessions: sessionmaker[Session]
    redis: redis_lib.Redis
    grace: timedelta
    interval: float


def make_context() -> Context:
    """Connections of its own (never the cached default engine a forked job inherits)."""
    settings = get_settings()
    tuning = reminders.get_reminder_settings()
    return Context(sessionmaker(engine_for(settings), expire_on_commit=False),
                   connect(settings), tuning.grace, tuning.follow_up_sweep_seconds)


@lru_cache(maxsize=1)
def default_context() -> Context:
    return make_context()


def send(ctx: Context, item: reminders.Owed, *, now: datetime | None = None) -> bool:
    """Send one reminder unless it was sent already or is no longer owed."""
    now = now or utcnow()
    with session_scope(ctx.sessions) as session:
        if not reminders.still_owed(session, item, now=now, grace=ctx.grace):
            return False
        if not reminders.claim(session, item, now=now):
            return False
        after_commit.register(session, partial(reminders.publish, ctx.redis, item))
    return True


# --- the job ---------------------------------------------------------------------------------

def remind_task(task_id: int) -> int:
    return remind(default_context(), task_id)


def remind(ctx: Context, task_id: int, *, now: datetime | None = None) -> int:
    """Send what one task is owed now; how many reminders this call sent."""
    now = now or utcnow()
    with ctx.sessions() as session:
        owed = reminders.owed_for_task(session, task_id, now=now, grace=ctx.grace)
    return sum(send(ctx, item, now=now) for item in owed)


def _whole_second_after(at: datetime) -> datetime:
    # RQ's scheduler keeps whole seconds and may run a job up to a second early, when the
    # task would not be due yet and the job would do nothing.
    return at.replace(microsecond=0) + timedelta(seconds=1) if at.microsecond else at


def schedule_task(client: redis_lib.Redis, task_id: int, due_at: datetime,
                  grace: timedelta | None = None) -> None:
    """Queue the task's reminders at its due time and at the end of its grace. A Redis
    error is logged, not raised: the task is committed and the sweep will find it."""
    grace = reminders.get_reminder_settings().grace if grace is None else grace
    queue = Queue(QUEUE_NAME, connection=client)
    try:
        for label, at in (("due", due_at), ("overdue", due_at + grace)):
            at = _whole_second_after(at)
            job_id = f"follow-up-{task_id}-{label}-{int(at.timestamp())}"
            try:
                if at > utcnow():
                    queue.enqueue_at(at, REMIND, task_id, job_id=job_id, unique=True,
                                     **JOB_OPTIONS)
                else:
                    queue.enqueue(REMIND, task_id, job_id=job_id, unique=True, **JOB_OPTIONS)
            except DuplicateJobError:
                pass
    except redis_lib.RedisError as exc:
        log.warning("follow_up.schedule_deferred task_id=%s error=%s", task_id,
                    type(exc).__name__)


# --- the sweep -------------------------------------------------------------------------------

def sweep(ctx: Context, *, now: datetime | None = None) -> int:
    """Send every reminder owed and not sent; how many were sent."""
    now = now or utcnow()
    with ctx.sessions() as session:
        owed = reminders.owed(session, now=now, grace=ctx.grace)
    return sum(send(ctx, item, now=now) for item in owed)


def sweep_forever(stop: threading.Event, ctx: Context | None = None) -> None:
    """Sweep until ``stop`` is set; a database or Redis outage only skips a pass."""
    ctx = ctx or make_context()
    log.info("follow_up.sweeper_started interval=%s", ctx.interval)
    while not stop.is_set():
        try:
            sent = sweep(ctx)
            if sent:
                log.info("follow_up.swept sent=%s", sent)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("follow_up.sweep_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.interval)
