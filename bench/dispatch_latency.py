"""Dispatch latency: from the dispatch's commit to the alert reaching a local webhook.

Runs 1,000 dispatches (``--dispatches``) through the real path: the dispatch and its
outbox row committed together, enqueued after the commit, delivered by ``rq worker
--with-scheduler`` processes over the SMS-gateway adapter to a local receiver, with the
outbox relay running. The workers run jobs in-process (``rq.worker.SimpleWorker``, as
``callcenter worker`` does); ``--worker-class rq.worker.Worker`` compares RQ's fork per
job. One worker is SIGKILLed (with any work horse) part-way through. Next to it, a bare
RQ job's round trip (enqueue → result) is measured in the same run.

Needs PostgreSQL (CALLCENTER_TEST_PG_ADMIN_URL, as the tests) and redis-server on PATH;
it creates and drops its own database and starts its own Redis. Ends with one line:
RESULT p50_ms=… p99_ms=… baseline_p99_ms=… ratio=… delivered=… duplicates=… lost=…
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
from rq import Queue, Worker
from rq.worker import WorkerStatus
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter import migrate  # noqa: E402
from callcenter.agents.models import Role, User  # noqa: E402
from callcenter.cases import service as cases  # noqa: E402
from callcenter.db import make_engine, session_scope  # noqa: E402
from callcenter.dispatch import service  # noqa: E402
from callcenter.dispatch.config import DispatchSettings  # noqa: E402
from callcenter.dispatch.delivery import enqueue, relay  # noqa: E402
from callcenter.dispatch.delivery.jobs import Context  # noqa: E402
from callcenter.dispatch.models import Alert  # noqa: E402
from callcenter.provinces.models import (  # noqa: E402
    AlertChannel,
    Province,
    Region,
    ResponseUnit,
    UnitContact,
)
from callcenter.taxonomy import Urgency  # noqa: E402
from tests.dispatch.redis_server import RedisServer  # noqa: E402
from tests.support.rq_worker import RqWorker  # noqa: E402

SIMPLE_WORKER = "rq.worker.SimpleWorker"
PG_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class Receiver:
    """The webhook standing for the SMS gateway: notes when each idempotency key arrives."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}
        self.requests = 0
        self.keys_by_dispatch: dict[int, set[str]] = defaultdict(set)
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                now = time.monotonic()
                dispatch_id = int(body["text"].rsplit("/", 1)[1])
                with outer.lock:
                    outer.requests += 1
                    outer.first_seen.setdefault(key, now)
                    outer.keys_by_dispatch[dispatch_id].add(key)
                reply = json.dumps({"id": key}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def create_database() -> str:
    name = f"callcenter_bench_{secrets.token_hex(3)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def seed(sessions: sessionmaker[Session], count: int) -> tuple[int, int, list[int]]:
    with session_scope(sessions) as s:
        s.add(Province(code="TH-50", name_th="เชียงใหม่", name_en="Chiang Mai",
                       region=Region.NORTH))
        unit = ResponseUnit(code="RRU-TH-50", province_code="TH-50", name_th="หน่วย",
                            name_en="Unit")
        unit.contacts = [UnitContact(position=1, channel=AlertChannel.SMS, address="+6653")]
        agent = User(login="agent", display_name="agent", password_hash="-", role=Role.AGENT)
        s.add_all([unit, agent])
        s.flush()
        case_ids = [cases.open_case(s, created_by_id=agent.id, province_code="TH-50",
                                    urgency=Urgency.NORMAL).id for _ in range(count)]
        return unit.id, agent.id, case_ids


def baseline(client: redis.Redis, count: int) -> list[float]:
    """Round trip of a bare RQ job (enqueue → result back), one at a time."""
    queue = Queue(enqueue.QUEUE_NAME, connection=client)
    times = []
    for _ in range(count):
        started = time.monotonic()
        job = queue.enqueue("os.getpid")
        job.latest_result(timeout=30)
        times.append((time.monotonic() - started) * 1000)
    return times


def kill_while_busy(worker: RqWorker, client: redis.Redis, patience: float = 3.0) -> None:
    """SIGKILL the worker (and its horse), preferably while it is delivering an alert."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        found = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker.name,
                                   connection=client)
        if found is not None and found.get_state() == WorkerStatus.BUSY:
            break
        time.sleep(0.001)
    worker.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dispatches", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    # Far above the hotline's real rate (hundreds of dispatches a day), below what four
    # forking workers on two cores sustain (about 10 alerts/s each).
    parser.add_argument("--rate", type=float, default=10.0, help="dispatches per second")
    parser.add_argument("--baseline-jobs", type=int, default=200)
    parser.add_argument("--worker-class", default=SIMPLE_WORKER,
                        help=f"default {SIMPLE_WORKER} (no fork per job, as `callcenter "
                             "worker`); rq.worker.Worker to compare RQ's fork per job")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not on PATH")

    receiver = Receiver()
    values = {"sms_gateway_url": receiver.url, "provider_timeout_seconds": 2.0,
              "voice_reply_timeout_seconds": 2.0, "alert_lease_seconds": 4.0,
              "relay_interval_seconds": 1.0,
              "retry_base_seconds": 0.5, "retry_max_seconds": 2.0}
    settings = DispatchSettings(_env_file=None, **values)  # type: ignore[call-arg]
    workdir = Path(tempfile.mkdtemp(prefix="dispatch-bench-"))
    database_url = create_database()
    server = RedisServer(workdir).start()
    workers: list[RqWorker] = []
    stop_relay = threading.Event()
    engine = make_engine(database_url)
    try:
        migrate.upgrade(database_url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        client = redis.Redis.from_url(server.url)
        env = {f"CALLCENTER_{k.upper()}": str(v) for k, v in values.items()}
        env |= {"CALLCENTER_DATABASE_URL": database_url, "CALLCENTER_REDIS_URL": server.url,
                "CALLCENTER_SECRET_KEY": "bench-" + "x" * 40}
        workers = [RqWorker(server.url, env, log_path=workdir / f"worker{n}.log",
                            worker_class=args.worker_class).start()
                   for n in range(args.workers)]
        unit_id, agent_id, case_ids = seed(sessions, args.dispatches)
        ctx = Context(settings, sessions, client)
        relay_thread = threading.Thread(target=relay.run, args=(ctx, stop_relay), daemon=True)
        relay_thread.start()

        base = baseline(client, args.baseline_jobs)

        committed: dict[int, float] = {}
        kill_at = args.dispatches * 2 // 5
        interval = 1.0 / args.rate
        next_at = time.monotonic()
        for n, case_id in enumerate(case_ids):
            with session_scope(sessions) as s:
                dispatch = service.create(s, case_id=case_id, unit_id=unit_id,
                                          actor_id=agent_id, settings=settings)
                dispatch_id = dispatch.id
            committed[dispatch_id] = time.monotonic()
            enqueue.after_commit(client, dispatch_id, sessions=sessions, settings=settings)
            if n == kill_at:
                kill_while_busy(workers[0], client)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))

        with sessions() as s:
            key_of = dict(s.execute(select(Alert.dispatch_id, Alert.idempotency_key)).all())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with receiver.lock:
                if all(key_of[d] in receiver.first_seen for d in committed):
                    break
            time.sleep(0.2)

        latencies = [(receiver.first_seen[key_of[d]] - t) * 1000
                     for d, t in committed.items() if key_of[d] in receiver.first_seen]
        delivered = len(latencies)
        lost = len(committed) - delivered
        duplicates = sum(len(keys) - 1 for keys in receiver.keys_by_dispatch.values())
        p50, p99 = statistics.median(latencies), percentile(latencies, 99)
        base_p99 = percentile(base, 99)
        print(f"dispatches={len(committed)} workers={args.workers} "
              f"worker_class={args.worker_class} rate={args.rate:g}/s "
              f"killed_worker_at={kill_at} gateway_requests={receiver.requests} "
              f"(repeats absorbed by the idempotency key: {receiver.requests - delivered}) "
              f"max_ms={max(latencies):.1f} baseline_p50_ms={statistics.median(base):.1f}")
        print(f"RESULT p50_ms={p50:.1f} p99_ms={p99:.1f} baseline_p99_ms={base_p99:.1f} "
              f"ratio={p99 / base_p99:.2f} delivered={delivered} duplicates={duplicates} "
              f"lost={lost}")
    finally:
        stop_relay.set()
        for w in workers:
            w.stop()
        server.stop()
        engine.dispose()
        with contextlib.suppress(Exception):
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
