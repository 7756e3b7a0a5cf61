"""Two PBX nodes: 500 calls across both, with dispatches and call backs, recorded once each.

The floor of tests/scale/test_two_nodes.py (tests/scale/cluster.py starts it): two
simulated Asterisk nodes, each with its own bridge process (``python -m callcenter.ami.bridge``),
two web processes, two workers (``python -m callcenter.worker``), one PostgreSQL
database and a Redis server of the run's own. Calls arrive on both nodes in turn while
SMS dispatches are alerted and call backs placed.

Counted at the end: each call's rows on its own node (``duplicates``: rows beyond one,
``lost``: calls with none), each dispatch's requests at the SMS gateway (``alerted_once``:
dispatches with exactly one, delivered). Latency: from a caller's Hangup written by the
simulator to the bridge, to the moment an SSE client of a web process has parsed the
call's ``ended`` state (one client per web process, reading /wallboard/stream in a
thread of this process; clock: time.perf_counter). Beside it, in the same run, a bare
Redis pub/sub round trip (publish → a plain subscriber).

Needs PostgreSQL (CALLCENTER_TEST_PG_ADMIN_URL, as the tests) and redis-server on PATH;
it creates and drops its own database and starts its own Redis.

    .venv/bin/python bench/two_nodes.py [--calls 500] [--rate 8] [--dispatches 40]
        [--callbacks 20]

Ends with ``RESULT calls=… recorded=… duplicates=… lost=… dispatches=… alerted_once=…
p99_event_to_client_ms=… baseline_p99_ms=… ratio=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wallboard_fanout import baseline_thread, percentile  # noqa: E402

from callcenter import migrate  # noqa: E402
from callcenter.calls.models import CallbackRequest, CallbackStatus, CallDirection  # noqa: E402
from callcenter.db import make_engine  # noqa: E402
from callcenter.dispatch.models import AlertStatus  # noqa: E402
from callcenter.seed import DEMO_PASSWORD  # noqa: E402
from tests.scale.cluster import (  # noqa: E402
    Cluster,
    alerts_of,
    calls_of,
    dispatch_by_sms,
    request_callback,
)
from tests.support.web_stack import events, signed_in  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
QUEUES = ("violence", "trafficking", "pregnancy", "welfare", "operator")


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


# ---------------------------------------------------------------------------- timing
class HangupClock:
    """When each caller's Hangup left a simulator: (node, Uniqueid) → perf_counter."""

    def __init__(self, cluster: Cluster) -> None:
        self.sent: dict[tuple[str, str], float] = {}
        for node, sim in cluster.sims.items():
            emit = sim.emit

            def noting(headers, node=node, emit=emit) -> None:
                if headers.get("Event") == "Hangup":
                    self.sent.setdefault((node, headers.get("Uniqueid", "")),
                                         time.perf_counter())
                emit(headers)

            sim.emit = noting  # type: ignore[method-assign]


def sse_reader(url: str, stop: threading.Event, seen: dict[tuple[str, str], float]) -> None:
    """A supervisor's wallboard stream: when each call's ``ended`` state was first read."""
    client = signed_in(url, "supervisor", DEMO_PASSWORD)
    with contextlib.closing(client), client.stream(
            "GET", "/wallboard/stream", timeout=httpx.Timeout(5.0, read=None)) as answer:
        for name, data in events(answer.iter_lines()):
            if stop.is_set():
                return
            if name != "call":
                continue
            payload = json.loads(data)
            if payload.get("state") == "ended":
                seen.setdefault((payload.get("node"), payload.get("uniqueid")),
                                time.perf_counter())


# ---------------------------------------------------------------------------- the run
async def drive(args, cluster: Cluster, sessions) -> dict:
    clock = HangupClock(cluster)
    stop = threading.Event()
    seen: list[dict[tuple[str, str], float]] = [{} for _ in cluster.webs]
    readers = [threading.Thread(target=sse_reader, args=(web.url, stop, seen[i]), daemon=True)
               for i, web in enumerate(cluster.webs)]
    for reader in readers:
        reader.start()
    baseline: list[float] = []
    pinger = baseline_thread(cluster.redis_url, stop, baseline)
    await asyncio.sleep(2.0)  # the readers have their snapshot

    dispatch_ids: list[int] = []
    callback_ids: list[int] = []
    played: dict[str, list] = {node: [] for node in cluster.nodes}
    players: list[asyncio.Task] = []
    extras_every = max(1, args.calls // max(1, args.dispatches + args.callbacks))
    for i in range(args.calls):
        node = cluster.nodes[i % 2]
        sim = cluster.sims[node]
        call = sim.new_call(shape=random.choice(("answered", "answered", "abandoned")),
                            queue=random.choice(QUEUES), wait=random.uniform(0.5, 3),
                            talk=random.uniform(2, 8))
        played[node].append(call)
        players.append(asyncio.create_task(sim.play(call)))
        if i % extras_every == 0:
            if len(dispatch_ids) < args.dispatches:
                dispatch_ids.append(await asyncio.to_thread(
                    dispatch_by_sms, cluster, sessions, f"+6681{len(dispatch_ids):07d}"))
            elif len(callback_ids) < args.callbacks:
                callback_ids.append(await asyncio.to_thread(
                    request_callback, sessions, f"0899{len(callback_ids):06d}", "violence"))
        await asyncio.sleep(random.expovariate(args.rate))
    await asyncio.gather(*players)

    def settled() -> bool:
        wanted = sum(len(c) for c in played.values())
        rows = [r for r in calls_of(sessions, cluster.nodes)
                if r.direction is CallDirection.INBOUND]
        alerts = alerts_of(sessions, dispatch_ids)
        with sessions() as session:
            callbacks = [session.get(CallbackRequest, i) for i in callback_ids]
        return (len({(r.node, r.uniqueid) for r in rows}) >= wanted
                and len(alerts) >= len(dispatch_ids)
                and all(a.status is AlertStatus.DELIVERED for a in alerts)
                and all(c.status is not CallbackStatus.PENDING
                        and c.status is not CallbackStatus.DIALLING for c in callbacks))

    deadline = time.monotonic() + args.settle
    while time.monotonic() < deadline and not await asyncio.to_thread(settled):
        await asyncio.sleep(1.0)
    await asyncio.sleep(2.0)  # a late duplicate would show now
    stop.set()
    pinger.join(5)

    rows = Counter((r.node, r.uniqueid) for r in calls_of(sessions, cluster.nodes)
                   if r.direction is CallDirection.INBOUND)
    wanted = {(node, c.uniqueid) for node, calls in played.items() for c in calls}
    requests = Counter(r["key"] for r in cluster.providers.requests
                       if r["path"].endswith("/sms"))
    alerts: dict[int, list] = {}
    for alert in alerts_of(sessions, dispatch_ids):
        alerts.setdefault(alert.dispatch_id, []).append(alert)
    once = sum(len(found) == 1 and found[0].status is AlertStatus.DELIVERED
               and requests[found[0].idempotency_key] == 1 for found in alerts.values())
    with sessions() as session:
        done = sum(session.get(CallbackRequest, i).status is CallbackStatus.DONE
                   for i in callback_ids)
    latencies = [(at - clock.sent[key]) * 1000 for client in seen
                 for key, at in client.items() if key in clock.sent and at >= clock.sent[key]]
    return {
        "calls": len(wanted),
        "recorded": len(wanted & set(rows)),
        "duplicates": sum(n - 1 for key, n in rows.items() if key in wanted and n > 1),
        "lost": len(wanted - set(rows)),
        "strays": len(set(rows) - wanted),
        "dispatches": len(dispatch_ids),
        "alerted_once": once,
        "sms_requests": sum(requests.values()),
        "callbacks": len(callback_ids), "callbacks_done": done,
        "latencies": latencies, "baseline": baseline,
        "per_node": {node: len(calls) for node, calls in played.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rate", type=float, default=8.0, help="calls per second, both nodes")
    parser.add_argument("--dispatches", type=int, default=40)
    parser.add_argument("--callbacks", type=int, default=20)
    parser.add_argument("--speed", type=float, default=20.0,
                        help="simulated time runs this many times faster")
    parser.add_argument("--settle", type=float, default=120.0,
                        help="seconds to wait for the last records")
    args = parser.parse_args()

    database_url = create_database()
    workdir = Path(tempfile.mkdtemp(prefix="two-nodes-bench-"))
    os.environ.setdefault("CALLCENTER_SECRET_KEY", "bench-secret-" + "x" * 40)
    engine = None
    try:
        migrate.upgrade(database_url)
        engine = make_engine(database_url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        tag = uuid.uuid4().hex[:4]
        cluster = Cluster(database_url, workdir, (f"pbx1{tag}", f"pbx2{tag}"),
                          speed=args.speed)

        async def run() -> dict:
            try:
                await cluster.start(sessions)
                return await drive(args, cluster, sessions)
            finally:
                await cluster.stop()

        result = asyncio.run(run())
    finally:
        if engine is not None:
            engine.dispose()
        drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)

    lat, base = result["latencies"], result["baseline"]
    if not lat or not base:
        raise SystemExit("no latency samples: the SSE clients received no ended call")
    p99, b99 = percentile(lat, 0.99), percentile(base, 0.99)
    print(f"calls per node: {result['per_node']}; rows on another node's calls or unknown: "
          f"{result['strays']}; SMS requests: {result['sms_requests']}; call backs done: "
          f"{result['callbacks_done']} of {result['callbacks']}")
    print(f"Hangup at the simulator → 'ended' at an SSE client: p50 "
          f"{percentile(lat, 0.5):.1f} ms, p99 {p99:.1f} ms over {len(lat)} deliveries; bare "
          f"Redis pub/sub round trip: p99 {b99:.2f} ms over {len(base)} pings")
    print(f"RESULT calls={result['calls']} recorded={result['recorded']} "
          f"duplicates={result['duplicates']} lost={result['lost']} "
          f"dispatches={result['dispatches']} alerted_once={result['alerted_once']} "
          f"p99_event_to_client_ms={p99:.1f} baseline_p99_ms={b99:.2f} "
          f"ratio={p99 / b99 if b99 else float('inf'):.1f}")


if __name__ == "__main__":
    main()
