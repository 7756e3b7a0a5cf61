"""The outbox relay: every few seconds, turn owed alerts (admins' test alerts too) into
jobs and overdue dispatches into escalation steps, and put the wallboard's alarm set back
if Redis lost it.

PostgreSQL is the record of what is owed; Redis keeps no append-only file and a worker
killed outright leaves its job "started" for minutes. So this sweep, not RQ, is what
guarantees delivery: after a Redis restart, a dead worker or a provider outage, the rows
are still owed and the next sweep enqueues them again. Run it as ``python -m
callcenter.dispatch.delivery.relay``; two relays are harmless (job ids are unique per attempt).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import redis as redis_lib
from sqlalchemy.exc import SQLAlchemyError

from callcenter.db import session_scope, utcnow
from callcenter.dispatch import escalation, notify
from callcenter.dispatch.delivery import alert_tests, enqueue, outbox
from callcenter.dispatch.delivery.jobs import Context, new_context

log = logging.getLogger(__name__)

# Alerts are enqueued right after their commit; the relay is for those still owed a few
# seconds later (lost with Redis, a dead worker, a crash between commit and enqueue).
OVERDUE_SECONDS = 2.0


@dataclass
class Sweep:
    enqueued: int = 0
    escalated: list[int] = field(default_factory=list)
    alarms_resynced: bool = False


def sweep(ctx: Context, *, overdue_by: float = OVERDUE_SECONDS) -> Sweep:
    """One pass: escalations first, so the alerts they add go out in the same pass."""
    result = Sweep()
    now = utcnow()
    with ctx.sessions() as session:
        overdue = escalation.overdue_ids(session, now=now, settings=ctx.settings)
    for dispatch_id in overdue:
        with session_scope(ctx.sessions) as session:
            if escalation.escalate_if_due(session, dispatch_id, now=now, settings=ctx.settings):
                result.escalated.append(dispatch_id)
    for dispatch_id in result.escalated:
        enqueue.after_commit(ctx.redis, dispatch_id, sessions=ctx.sessions,
                             settings=ctx.settings)
    with ctx.sessions() as session:
        owed = outbox.owed(session, now=now, overdue_by=overdue_by)
    for alert_id, attempts in owed:
        if enqueue.enqueue_alert(ctx.redis, alert_id, attempts,
                                 stale_after=ctx.settings.alert_lease_seconds):
            result.enqueued += 1
    with ctx.sessions() as session:
        tests = alert_tests.owed(session, now=now, overdue_by=overdue_by)
    for test_id, attempts in tests:
        if alert_tests.enqueue(ctx.redis, test_id, attempts):
            result.enqueued += 1
    with ctx.sessions() as session:
        # One query and one HKEYS a pass: cheap, and it needs no "Redis came back" signal.
        result.alarms_resynced = notify.resync_alarms(ctx.redis, session)
    return result


def run(ctx: Context, stop: threading.Event) -> None:
    """Sweep until ``stop`` is set; a database or Redis outage only skips a pass."""
    while not stop.is_set():
        try:
            result = sweep(ctx)
            if result.enqueued or result.escalated or result.alarms_resynced:
                log.info("dispatch.relay enqueued=%s escalated=%s alarms_resynced=%s",
                         result.enqueued, len(result.escalated), result.alarms_resynced)
        except (SQLAlchemyError, redis_lib.RedisError) as exc:
            log.warning("dispatch.relay_skipped error=%s", type(exc).__name__)
        stop.wait(ctx.settings.relay_interval_seconds)


def sweep_forever(stop: threading.Event) -> None:
    """For ``callcenter.worker.start_sweepers``: the relay as a thread of the worker."""
    run(new_context(), stop)


def main() -> None:
    from callcenter.runtime import announce_ready, run_process

    def start(_settings) -> None:
        announce_ready("dispatch-relay")
        sweep_forever(threading.Event())

    run_process("dispatch-relay", start)


if __name__ == "__main__":
    main()
