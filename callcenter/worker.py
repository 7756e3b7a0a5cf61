"""The RQ worker process (with its scheduler): dispatch alerts, escalations, callbacks.

Started by ``callcenter worker``. Timings are set on purpose: with RQ's defaults a worker
killed outright leaves its job "started" for about 13.5 minutes before maintenance
notices; a 60 s TTL and 30 s maintenance bring that down to about 1.5 minutes. The
dispatch outbox does not rely on this (its relay re-enqueues owed alerts), but other
jobs do.

Jobs run in the worker process itself (RQ's SimpleWorker) rather than in a forked
child per job: alert jobs are short and bounded by provider timeouts, and forking cost
each one about 90 ms of CPU, which on a loaded two-core machine put p99 delivery at
15 s instead of 0.2 s (bench/dispatch_latency.py). A worker that dies loses nothing:
the outbox relay and the callback sweeper re-enqueue what is still owed.
"""

from __future__ import annotations

import argparse
import threading

from rq import Queue, SimpleWorker

from callcenter.redis import connect
from callcenter.runtime import announce_ready, run_process
from callcenter.settings import Settings

QUEUE_NAMES = ("alerts", "default", "reports")
WORKER_TTL_SECONDS = 60
MAINTENANCE_INTERVAL_SECONDS = 30


def queues(settings: Settings) -> list[Queue]:
    connection = connect(settings)
    return [Queue(name, connection=connection) for name in QUEUE_NAMES]


def make_worker(settings: Settings) -> SimpleWorker:
    connection = connect(settings)
    return SimpleWorker(
        [Queue(name, connection=connection) for name in QUEUE_NAMES],
        connection=connection,
        worker_ttl=WORKER_TTL_SECONDS,
        maintenance_interval=MAINTENANCE_INTERVAL_SECONDS,
    )


def start_sweepers(stop: threading.Event) -> list[threading.Thread]:
    """Periodic sweepers that turn owed rows into jobs, as threads of this process.

    Each builds its own connections (never the jobs' cached ones), so the work horses RQ
    forks share nothing with them; two workers sweeping is harmless (unique job ids).
    """
    from callcenter.calls import jobs as callback_jobs
    from callcenter.dispatch import relay as dispatch_relay

    sweepers = [
        ("callbacks-sweeper", callback_jobs.sweep_forever),
        # The outbox relay: alerts owed by the database become jobs, overdue dispatches
        # escalate, even after Redis or a worker lost what was queued.
        ("dispatch-relay", dispatch_relay.sweep_forever),
    ]
    threads = [threading.Thread(target=target, args=(stop,), name=name, daemon=True)
               for name, target in sweepers]
    for thread in threads:
        thread.start()
    return threads


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="callcenter worker", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument("--no-sweepers", action="store_true",
                        help="run jobs only (sweepers run in another worker)")
    args = parser.parse_args(argv)

    def run(settings: Settings) -> None:
        # Load the jobs' imports and mappers once, before the first job needs them.
        import callcenter.dispatch.rq_preload  # noqa: F401

        worker = make_worker(settings)
        stop = threading.Event()
        if not args.burst and not args.no_sweepers:
            start_sweepers(stop)
        announce_ready("worker", f"queues={','.join(QUEUE_NAMES)}")
        worker.work(burst=args.burst, with_scheduler=True, logging_level=settings.log_level)

    run_process("worker", run)


if __name__ == "__main__":
    main()
