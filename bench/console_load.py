"""Load test of the agent console: simulated agents run the intake flow through the JSON API.

Each simulated agent takes a call and, as fast as the server answers: opens the call's
intake draft, saves it, opens the case from it, adds a note and dispatches the case to
the province's unit (five API requests). It repeats for a fixed time. Meanwhile a probe
of its own, on its own connection (not queued behind the agents' connection pool), asks
for the trivial ``/healthz`` every 50 ms: the baseline, under the same server load.

The console runs as its own uvicorn process on a throwaway PostgreSQL database (migrated
and seeded here) and the given Redis database; agents' sessions are created in the
database directly, as sign-in would (argon2 sign-in is not what is measured here).

    .venv/bin/python bench/console_load.py --agents 200 --seconds 30

The last line is ``RESULT p50_ms=… p99_ms=… baseline_p99_ms=… ratio=… requests=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta

import httpx
import redis
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

from agent_console import sessions
from callcenter import migrate
from callcenter.agents.models import User
from callcenter.calls.models import Call
from callcenter.db import make_engine, utcnow
from callcenter.seed import seed_all

PG_ADMIN_URL = os.environ.get("CALLCENTER_BENCH_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("CALLCENTER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
AGENTS = ("agent1", "agent2", "agent3", "agent4")
INTAKE = {
    "issue_area": "family_violence", "target_group": "woman", "province_code": "TH-50",
    "urgency": "high", "consent": "given", "legal_basis": "consent",
    "summary": "ถูกทำร้ายร่างกาย ต้องการความช่วยเหลือ", "persons.0.full_name": "มาลี ใจดี",
    "persons.0.phone": "0812345678", "risk.in_danger_now": "on",
}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def create_database() -> str:
    # Not named callcenter_*: test runs drop such databases when they think them abandoned.
    name = f"console_bench_{os.getpid()}_{secrets.token_hex(3)}"
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


def prepare(db_url: str, agents: int, calls_each: int) -> dict[str, int]:
    """Migrate, seed, and record the calls the agents will take (as the bridge would)."""
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        seed_all(session, demo_users=True)
        users = {u.login: u for u in session.scalars(select(User).where(User.login.in_(AGENTS)))}
        now = utcnow()
        rows = []
        for n in range(agents):
            login = AGENTS[n % len(AGENTS)]
            device = users[login].phone_interface
            for k in range(calls_each):
                rows.append({
                    "node": "pbx1", "uniqueid": f"bench.{n}.{k}", "direction": "inbound",
                    "caller_number": f"08{n:04d}{k:04d}", "started_at": now - timedelta(minutes=1),
                    "queued_at": now - timedelta(seconds=40), "ivr_language": "th",
                    "issue_area": "family_violence", "priority": 5, "silent": False,
                    "queue_name": "violence", "agent_interface": device,
                    "outcome": "in_progress", "updated_at": now})
        for start in range(0, len(rows), 5000):
            session.execute(insert(Call), rows[start:start + 5000])
        session.commit()
        ids = {login: users[login].id for login in AGENTS}
    engine.dispose()
    return ids


def call_ids(db_url: str) -> dict[int, list[int]]:
    engine = make_engine(db_url)
    out: dict[int, list[int]] = defaultdict(list)
    with engine.connect() as conn:
        for call_id, uniqueid in conn.execute(select(Call.id, Call.uniqueid).order_by(Call.id)):
            out[int(uniqueid.split(".")[1])].append(call_id)
    engine.dispose()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "CALLCENTER_DATABASE_URL": db_url, "CALLCENTER_REDIS_URL": REDIS_URL,
           "CALLCENTER_SECRET_KEY": "bench-secret-" + "x" * 40, "CALLCENTER_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "agent_console.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "75"],
        env=env, start_new_session=True)


async def wait_up(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the console did not start")


class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, step: str, seconds: float, ok: bool) -> None:
        self.times[step].append(seconds * 1000)
        if not ok:
            self.errors[step] += 1


async def agent(client: httpx.AsyncClient, base: str, token: str, csrf: str,
                calls: list[int], stop_at: float, stats: Stats) -> None:
    headers = {"Cookie": f"{sessions.PLAIN_COOKIE}={token}", "X-CSRF-Token": csrf}

    async def timed(step: str, method: str, url: str, want: int, **kw) -> httpx.Response:
        t0 = time.perf_counter()
        try:
            response = await client.request(method, base + url, headers=headers, **kw)
        except httpx.HTTPError as exc:
            stats.add(step, time.perf_counter() - t0, False)
            print(f"{step}: {type(exc).__name__}", file=sys.stderr)
            response = httpx.Response(599, text=type(exc).__name__)
            return response
        stats.add(step, time.perf_counter() - t0, response.status_code == want)
        if response.status_code != want and stats.errors[step] <= 3:
            print(f"{step}: {response.status_code} {response.text[:200]}", file=sys.stderr)
        return response

    for call_id in calls:
        if time.perf_counter() >= stop_at:
            return
        draft = await timed("open_draft", "POST", "/api/drafts", 200, json={"call_id": call_id})
        if draft.status_code != 200:
            continue
        key = draft.json()["key"]
        await timed("save_draft", "PUT", f"/api/drafts/{key}", 200, json={"data": INTAKE})
        case = await timed("open_case", "POST", f"/api/drafts/{key}/case", 201)
        if case.status_code == 201:
            case_id = case.json()["id"]
            await timed("add_note", "POST", f"/api/cases/{case_id}/notes", 201,
                        json={"body": "ติดตามผลภายใน 24 ชั่วโมง"})
            await timed("dispatch", "POST", f"/api/cases/{case_id}/dispatches", 201,
                        json={"unit_brief": "ไปที่บ้านตามที่อยู่"})


async def baseline(base: str, stop_at: float, stats: Stats) -> None:
    """``/healthz`` on a connection of its own, so it measures the server, not our queue."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                ok = (await client.get(base + "/healthz")).status_code == 200
            except httpx.HTTPError:
                ok = False
            stats.add("baseline", time.perf_counter() - t0, ok)
            await asyncio.sleep(0.05)


async def run(args: argparse.Namespace) -> None:
    db_url = create_database()
    server = None
    try:
        users = prepare(db_url, args.agents, args.calls_each)
        calls = call_ids(db_url)
        redis.Redis.from_url(REDIS_URL).flushdb()
        logins = []
        engine = make_engine(db_url)
        with Session(engine) as session:
            for n in range(args.agents):
                token, row = sessions.create(session, user_id=users[AGENTS[n % len(AGENTS)]],
                                             second_factor_done=True, now=utcnow())
                logins.append((token, row.csrf_token))
            session.commit()
        engine.dispose()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db_url, port, args.workers)
        await wait_up(base)
        stats = Stats()
        # The server takes at most this many requests at once; the other agents' requests
        # wait for a connection, and that wait is part of their measured time.
        limits = httpx.Limits(max_connections=args.connections,
                              max_keepalive_connections=args.connections)
        # No limit on the wait for a free connection: that wait is the queue being measured.
        timeout = httpx.Timeout(60.0, pool=None)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            # Warm-up: one pass of a few agents, not counted.
            warm = Stats()
            await asyncio.gather(*(agent(client, base, t, c, calls[n][-1:], time.perf_counter() + 5,
                                         warm) for n, (t, c) in enumerate(logins[:4])))
            started = time.perf_counter()
            stop_at = started + args.seconds
            await asyncio.gather(baseline(base, stop_at, stats),
                                 *(agent(client, base, token, csrf, calls[n][:-1], stop_at, stats)
                                   for n, (token, csrf) in enumerate(logins)))
            elapsed = time.perf_counter() - started
        report(stats, elapsed, args)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        drop_database(db_url)


def report(stats: Stats, elapsed: float, args: argparse.Namespace) -> None:
    print(f"{args.agents} agents, {elapsed:.1f}s, server workers {args.workers}, "
          f"connections {args.connections}")
    print(f"{'request':<12} {'n':>7} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    intake: list[float] = []
    for step, times in stats.times.items():
        if step != "baseline":
            intake.extend(times)
        print(f"{step:<12} {len(times):>7} {stats.errors[step]:>7} {percentile(times, 50):>8.1f}"
              f" {percentile(times, 99):>8.1f} {statistics.fmean(times):>8.1f}")
    base = stats.times["baseline"]
    requests = sum(len(t) for t in stats.times.values())
    print(f"throughput: {requests / elapsed:.0f} requests/s, "
          f"{len(stats.times['dispatch']) / elapsed:.1f} intakes/s")
    p50, p99, b99 = percentile(intake, 50), percentile(intake, 99), percentile(base, 99)
    print(f"RESULT p50_ms={p50:.1f} p99_ms={p99:.1f} baseline_p99_ms={b99:.1f} "
          f"ratio={p99 / b99 if b99 else 0:.2f} requests={requests}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls-each", type=int, default=60)
    # Each web worker's database pool holds 30 connections and a request keeps one until
    # its response is sent: more requests in flight than that would wait on the pool.
    parser.add_argument("--connections", type=int, default=48)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
