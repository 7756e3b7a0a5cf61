"""RQ jobs: deliver one alert, take one escalation step. Ids in, rows re-read.

Each job is safe to run twice or late: the claim in ``outbox`` lets one attempt send at
a time, a finished alert is never sent again, and escalation checks that a step is due.
The worker process should import this module before forking (see docs/dispatch.md), so
each job does not pay for importing SQLAlchemy and the models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import redis as redis_lib
from sqlalchemy.orm import Session, sessionmaker

import callcenter.models  # noqa: F401  (every mapper, so flushes resolve foreign keys)
from callcenter.db import default_sessionmaker, engine_for, session_scope, utcnow
from callcenter.dispatch import escalation
from callcenter.dispatch.channels import ProviderError, adapter_for
from callcenter.dispatch.config import DispatchSettings, get_dispatch_settings
from callcenter.dispatch.delivery import alert_tests, enqueue, outbox
from callcenter.redis import connect
from callcenter.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    settings: DispatchSettings
    sessions: sessionmaker[Session]
    redis: redis_lib.Redis


@lru_cache(maxsize=1)
def default_context() -> Context:
    """The jobs' context, made on first use inside the work horse (never before the fork)."""
    return Context(get_dispatch_settings(), default_sessionmaker(), connect(get_settings()))


def new_context() -> Context:
    """A context of its own, for a sweeper thread in the worker's parent process: what the
    parent holds, every horse it forks inherits, so it must not be the jobs' cached one."""
    settings = get_settings()
    return Context(get_dispatch_settings(),
                   sessionmaker(engine_for(settings), expire_on_commit=False), connect(settings))


def deliver_alert(alert_id: int) -> str:
    return deliver(default_context(), alert_id)


def deliver_alert_test(test_id: int) -> str:
    """An admin's test alert to one unit contact (``delivery.alert_tests``)."""
    return alert_tests.deliver(default_context(), test_id)


def escalate(dispatch_id: int) -> str:
    ctx = default_context()
    with session_scope(ctx.sessions) as session:
        stepped = escalation.escalate_if_due(session, dispatch_id, now=utcnow(),
                                             settings=ctx.settings)
    if stepped:
        log.info("dispatch.escalated dispatch_id=%s", dispatch_id)
    enqueue.after_commit(ctx.redis, dispatch_id, sessions=ctx.sessions, settings=ctx.settings)
    return "escalated" if stepped else "not due"


def deliver(ctx: Context, alert_id: int, *, now: datetime | None = None) -> str:
    """One attempt at one alert; the outcome is on the alert and its attempt row."""
    with session_scope(ctx.sessions) as session:
        claim = outbox.claim(session, alert_id, now=now or utcnow(), settings=ctx.settings)
    if claim is None:
        return "not owed"
    # The row now says "sending" under a lease: from here a crash only delays, and a
    # second send carries the same idempotency key.
    try:
        reference = adapter_for(claim.channel, ctx.settings, ctx.redis).send(claim.delivery)
        failure = None
    except ProviderError as exc:
        reference, failure = None, exc
    except Exception as exc:  # a bug in an adapter must still be recorded and retried
        log.exception("dispatch.adapter_error alert_id=%s", alert_id)
        reference, failure = None, ProviderError(f"adapter error: {type(exc).__name__}")
    with session_scope(ctx.sessions) as session:
        if failure is None:
            outbox.record_success(session, claim, reference=reference, now=utcnow())
        else:
            outbox.record_failure(session, claim, error=str(failure),
                                  transient=failure.transient, now=utcnow(),
                                  settings=ctx.settings, unreachable=failure.unreachable)
    outcome = "delivered" if failure is None else "failed"
    log.info("dispatch.alert_%s alert_id=%s dispatch_id=%s channel=%s", outcome, alert_id,
             claim.dispatch_id, claim.channel.value)
    if failure is None:
        # A delivery makes nothing new owed, and the escalation timer is already set.
        enqueue.publish_state(ctx.redis, claim.dispatch_id, sessions=ctx.sessions)
    else:
        enqueue.after_commit(ctx.redis, claim.dispatch_id, sessions=ctx.sessions,
                             settings=ctx.settings)
    return outcome
