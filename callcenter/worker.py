"""The RQ worker process (with its scheduler): dispatch alerts, escalations, callbacks.

Started by ``callcenter worker``. Timings are set on purpose: with RQ's defaults a worker
killed outright leaves its job "started" for about 13.5 minutes before maintenance
notices; a 60 s TTL and 30 s maintenance bring that down to about 1.5 minutes. The
dispatch outbox does not rely on this (its sweeper re-enqueues owed alerts), but other
jobs do.
"""

from __future__ import annotations

import argparse
import threading

from rq import Queue, Worker

from callcenter.redis import connect
from callcenter.runtime import announce_ready, run_process
from callcenter.settings import Settings

QUEUE_NAMES = ("alerts", "default", "reports")
WORKER_TTL_SECONDS = 60
MAINTENANCE_INTERVAL_SECONDS = 30


def queues(settings: Settings) -> list[Queue]:
    connection = connect(settings)
    return [Queue(name, connection=connection) for name in QUEUE_NAMES]


def make_worker(settings: Settings) -> Worker:
    connection = connect(settings)
    return Worker(
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

    sweepers = [("callbacks-sweeper", callback_jobs.sweep_forever)]
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
        worker = make_worker(settings)
        stop = threading.Event()
        if not args.burst and not args.no_sweepers:
            start_sweepers(stop)
        announce_ready("worker", f"queues={','.join(QUEUE_NAMES)}")
        worker.work(burst=args.burst, with_scheduler=True, logging_level=settings.log_level)

    run_process("worker", run)


if __name__ == "__main__":
    main()
