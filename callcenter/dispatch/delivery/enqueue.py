"""Putting dispatch work on RQ, always after the commit that made it owed.

Job ids are derived from the rows (alert id and attempts so far; dispatch id and due
time), and enqueued with ``unique=True``: the fast path after a commit and the relay's
sweep may both try, and RQ keeps one. A Redis error here is logged, not raised: the
row is committed, and the relay will enqueue it when Redis is back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import redis as redis_lib
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db import utcnow
from callcenter.dispatch import escalation, notify
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import Dispatch

log = logging.getLogger(__name__)

QUEUE_NAME = "alerts"
DELIVER = "callcenter.dispatch.delivery.jobs.deliver_alert"
ESCALATE = "callcenter.dispatch.delivery.jobs.escalate"
# Results are not kept: a finished job's id must be free for the next sweep at once.
JOB_OPTIONS = {"result_ttl": 0, "failure_ttl": 3600, "job_timeout": 120}


def alert_job_id(alert_id: int, attempts: int) -> str:
    return f"dispatch-alert-{alert_id}-{attempts}"


def enqueue_alert(
    redis: redis_lib.Redis, alert_id: int, attempts: int, *,
    at: datetime | None = None, stale_after: float = 60.0,
) -> bool:
    """Queue one delivery attempt; False if the same attempt is already queued or running."""
    queue = Queue(QUEUE_NAME, connection=redis)
    job_id = alert_job_id(alert_id, attempts)
    try:
        if at is not None and at > utcnow():
            queue.enqueue_at(_whole_second_after(at), DELIVER, alert_id, job_id=job_id,
                             unique=True, **JOB_OPTIONS)
        else:
            queue.enqueue(DELIVER, alert_id, job_id=job_id, unique=True, **JOB_OPTIONS)
        return True
    except DuplicateJobError:
        if at is None and _stale(queue, job_id, stale_after):
            # Its worker died before claiming the row, or the scheduler that held it died
            # (its lock lasts a minute): the id must not hold the alert back.
            queue.scheduled_job_registry.remove(job_id)
            Job.fetch(job_id, connection=redis).delete()
            queue.enqueue(DELIVER, alert_id, job_id=job_id, unique=True, **JOB_OPTIONS)
            return True
        return False


# A scheduled job is moved to its queue within about a second; later than this it is stuck.
SCHEDULER_GRACE_SECONDS = 3.0


def _stale(queue: Queue, job_id: str, stale_after: float) -> bool:
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status is JobStatus.SCHEDULED:
        try:
            when = queue.scheduled_job_registry.get_scheduled_time(job_id)
        except NoSuchJobError:
            return True
        return _age(when) > SCHEDULER_GRACE_SECONDS
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED,
                  JobStatus.FINISHED):
        return True
    if status is JobStatus.QUEUED:
        # Dequeued by a worker that died before starting it: RQ parks such a job in an
        # "intermediate" list, marked queued but in no queue, until a maintenance run.
        if queue.connection.lpos(queue.key, job_id) is not None:
            return False
        return job.enqueued_at is not None and _age(job.enqueued_at) > stale_after
    if status is JobStatus.STARTED:
        started = job.started_at or job.enqueued_at
        return started is not None and _age(started) > stale_after
    return False


def _age(when: datetime) -> float:
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return (utcnow() - when).total_seconds()


def _whole_second_after(at: datetime) -> datetime:
    # RQ's scheduler keeps times in whole seconds and runs a job up to a second early;
    # early, the job would find its row not yet due and do nothing.
    return at.replace(microsecond=0) + timedelta(seconds=1) if at.microsecond else at


def schedule_escalation(redis: redis_lib.Redis, dispatch_id: int, at: datetime) -> bool:
    at = _whole_second_after(at)
    queue = Queue(QUEUE_NAME, connection=redis)
    job_id = f"dispatch-escalate-{dispatch_id}-{int(at.timestamp())}"
    try:
        queue.enqueue_at(at, ESCALATE, dispatch_id, job_id=job_id, unique=True, **JOB_OPTIONS)
        return True
    except DuplicateJobError:
        return False


def publish_state(
    redis: redis_lib.Redis, dispatch_id: int, *, sessions: sessionmaker[Session]
) -> None:
    """Publish the dispatch's state only: for a commit that made nothing new owed."""
    with sessions() as session:
        current = notify.state(session, dispatch_id)
    try:
        if current is not None:
            notify.publish(redis, current)
    except redis_lib.RedisError as exc:
        log.warning("dispatch.publish_deferred dispatch_id=%s error=%s", dispatch_id,
                    type(exc).__name__)


def after_commit(
    redis: redis_lib.Redis,
    dispatch_id: int,
    *,
    sessions: sessionmaker[Session],
    settings: DispatchSettings,
) -> None:
    """Enqueue what the dispatch is owed, set its escalation timer, publish its state."""
    now = utcnow()
    with sessions() as session:
        dispatch = session.get(Dispatch, dispatch_id)
        if dispatch is None:
            return
        due_now = outbox.owed(session, dispatch_id, now=now)
        later = outbox.waiting(session, dispatch_id, now=now)
        escalate_at = escalation.due_at(session, dispatch, settings)
        current = notify.state(session, dispatch_id)
    try:
        for alert_id, attempts in due_now:
            enqueue_alert(redis, alert_id, attempts, stale_after=settings.alert_lease_seconds)
        for alert_id, attempts, when in later:
            enqueue_alert(redis, alert_id, attempts, at=when,
                          stale_after=settings.alert_lease_seconds)
        if escalate_at is not None:
            schedule_escalation(redis, dispatch_id, escalate_at)
        if current is not None:
            notify.publish(redis, current)
    except redis_lib.RedisError as exc:
        log.warning("dispatch.enqueue_deferred dispatch_id=%s error=%s", dispatch_id,
                    type(exc).__name__)
