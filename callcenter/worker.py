"""The RQ worker process (with its scheduler): dispatch alerts, escalations, callbacks.

Started by ``callcenter worker``. Timings are set on purpose: with RQ's defaults
(worker TTL 420 s, maintenance every 600 s) a worker killed outright leaves its job
"started" for about 13.5 minutes before maintenance notices it was abandoned; with
--worker-ttl 60 and --maintenance-interval 30 that comes down to about 1.5 minutes
(measured: retried after about 92 s). A shorter TTL costs one Redis write per worker
every TTL/3 s and risks a busy worker being taken for dead. The dispatch outbox does not
rely on this (its relay re-enqueues an owed alert once its lease, 20 s by default, runs
out), but other jobs do.

Jobs run in the worker process itself (RQ's SimpleWorker) rather than in a forked
child per job: alert jobs are short and bounded by provider timeouts, and forking cost
each one about 90 ms of CPU, which on a loaded two-core machine put p99 delivery at
15 s instead of 0.2 s (bench/dispatch_latency.py). A worker that dies loses nothing:
the outbox relay and the callback sweeper re-enqueue what is still owed.
"""

from __future__ import annotations

import argparse
import sys
import threading

from rq import Queue, SimpleWorker

from callcenter.redis import connect
from callcenter.runtime import announce_ready, run_process
from callcenter.settings import Settings

QUEUE_NAMES = ("alerts", "chat", "default", "reports")
WORKER_TTL_SECONDS = 60
MAINTENANCE_INTERVAL_SECONDS = 30


def seconds(value: str) -> int:
    """A whole number of seconds above zero, for the timing options."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of seconds above 0")
    return number


def make_worker(settings: Settings, *, worker_ttl: int = WORKER_TTL_SECONDS,
                maintenance_interval: int = MAINTENANCE_INTERVAL_SECONDS) -> SimpleWorker:
    connection = connect(settings)
    return SimpleWorker(
        [Queue(name, connection=connection) for name in QUEUE_NAMES],
        connection=connection,
        worker_ttl=worker_ttl,
        maintenance_interval=maintenance_interval,
    )


def start_sweepers(stop: threading.Event) -> list[threading.Thread]:
    """Periodic sweepers that turn owed rows into jobs, as threads of this process.

    Each builds its own connections (never the jobs' cached ones), so the work horses RQ
    forks share nothing with them; two workers sweeping is harmless (unique job ids).
    """
    from callcenter.calls import jobs as callback_jobs
    from callcenter.calls import wrap_up_jobs
    from callcenter.cases import jobs as draft_jobs
    from callcenter.cases import reminder_jobs
    from callcenter.chat import jobs as chat_jobs
    from callcenter.chat import routing_jobs as chat_routing_jobs
    from callcenter.dispatch.delivery import relay as dispatch_relay

    sweepers = [
        ("callbacks-sweeper", callback_jobs.sweep_forever),
        # The outbox relay: alerts owed by the database become jobs, overdue dispatches
        # escalate, even after Redis or a worker lost what was queued.
        ("dispatch-relay", dispatch_relay.sweep_forever),
        # Intake drafts abandoned for a day (a survivor's data must not stay for ever).
        ("drafts-sweeper", draft_jobs.sweep_forever),
        # Follow-up reminders nobody sent yet (a job lost with Redis, a worker that was down).
        ("follow-up-reminders", reminder_jobs.sweep_forever),
        # LINE events stored but not applied, chat messages owed (LINE down, Redis lost).
        ("line-relay", chat_jobs.sweep_forever),
        # Chat offers nobody took in time, chats of agents signed out, offers missed.
        ("chat-routing", chat_routing_jobs.sweep_forever),
        # After-call work: agents who owe a disposition or a case paused, freed once done,
        # even when the trigger at the call's end was lost (Redis blip, worker restart).
        ("wrap-up", wrap_up_jobs.sweep_forever),
    ]
    threads = [threading.Thread(target=target, args=(stop,), name=name, daemon=True)
               for name, target in sweepers]
    for thread in threads:
        thread.start()
    return threads


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="callcenter worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument("--no-sweepers", action="store_true",
                        help="run jobs only (sweepers run in another worker)")
    parser.add_argument(
        "--worker-ttl", type=seconds, default=WORKER_TTL_SECONDS, metavar="SECONDS",
        help=f"how long a silent worker counts as alive (default {WORKER_TTL_SECONDS}; RQ's "
             "own is 420): with the maintenance interval, how soon a killed worker's job is "
             "found abandoned")
    parser.add_argument(
        "--maintenance-interval", type=seconds, default=MAINTENANCE_INTERVAL_SECONDS,
        metavar="SECONDS",
        help=f"how often the worker cleans RQ's registries (default "
             f"{MAINTENANCE_INTERVAL_SECONDS}; RQ's own is 600)")
    args = parser.parse_args(argv)

    def run(settings: Settings) -> None:
        # Load the jobs' imports and mappers once, before the first job needs them.
        import callcenter.dispatch.delivery.rq_preload  # noqa: F401
        from callcenter.cases.reminders import get_reminder_settings
        from callcenter.dispatch.config import get_dispatch_settings
        from callcenter.settings import SettingsError

        try:
            get_dispatch_settings()  # refuse to start on timings that would send twice
            get_reminder_settings()  # the follow-up sweep's thread would die on a bad one
        except SettingsError as exc:
            print(f"configuration error:\n{exc}", file=sys.stderr)
            raise SystemExit(2) from None
        worker = make_worker(settings, worker_ttl=args.worker_ttl,
                             maintenance_interval=args.maintenance_interval)
        stop = threading.Event()
        if not args.burst and not args.no_sweepers:
            start_sweepers(stop)
        announce_ready("worker", f"queues={','.join(QUEUE_NAMES)}")
        worker.work(burst=args.burst, with_scheduler=True, logging_level=settings.log_level)

    run_process("worker", run)


if __name__ == "__main__":
    main()
