"""Load test of the agent console: the hotline's peak (open loop) and the capacity (saturated).

First the peak, as the floor makes it (bench/console_peak.py, each part in a process of
its own): 60 agents each starting an intake about every 3 minutes (exponential gaps,
open loop; ``--speedup`` divides every wait) while 100 page streams are held open and
read (half the wallboard's drawn board, half the agent page's) and the bus carries the
floor's traffic; ``/healthz`` is probed every 50 ms on its own connection in the same
run: ``peak_p99_ms`` (every intake request) against ``peak_baseline_p99_ms``.

Then the capacity. Each simulated agent takes a call and, as fast as the server
answers: opens the call's intake draft, saves it, opens the case from it, adds a note
and dispatches the case to the province's unit (five API requests). It repeats for a
fixed time. Meanwhile a probe of its own, on its own connection (not queued behind the
agents' connection pool), asks for the trivial ``/healthz`` every 50 ms: the baseline,
under the same server load.

The console runs as its own uvicorn process on a throwaway PostgreSQL database (migrated
and seeded here) and the given Redis database; agents' sessions are created in the
database directly, as sign-in would (argon2 sign-in is not what is measured here).

Those clients never pause, so their p99 is the queue they make (a saturation artefact);
what this run gives is the flows per second the console completes: ``capacity_flows_per_s``.

    .venv/bin/python bench/console_load.py [--peak-seconds 150] [--speedup 3] \
        [--agents 200 --seconds 30]

The last line is ``RESULT peak_p99_ms=… peak_baseline_p99_ms=… peak_ratio=…
capacity_flows_per_s=… p50_ms=… p99_ms=… baseline_p99_ms=… ratio=… requests=…`` (the
keys after the capacity are the saturated run's).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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

import console_peak
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


def prepare(db_url: str, groups: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Migrate, seed, and record the calls the agents will take (as the bridge would).

    ``groups``: for each run (``bench``, ``peak``), its agents and the calls of each."""
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        seed_all(session, demo_users=True)
        users = {u.login: u for u in session.scalars(
            select(User).where(User.login.in_((*AGENTS, "supervisor"))))}
        now = utcnow()
        rows = []
        for prefix, (agents, calls_each) in groups.items():
            for n in range(agents):
                device = users[AGENTS[n % len(AGENTS)]].phone_interface
                for k in range(calls_each):
                    rows.append({
                        "node": "pbx1", "uniqueid": f"{prefix}.{n}.{k}", "direction": "inbound",
                        "caller_number": f"08{n:04d}{k:04d}",
                        "started_at": now - timedelta(minutes=1),
                        "queued_at": now - timedelta(seconds=40), "ivr_language": "th",
                        "issue_area": "family_violence", "priority": 5, "silent": False,
                        "queue_name": "violence", "agent_interface": device,
                        "outcome": "in_progress", "updated_at": now})
        for start in range(0, len(rows), 5000):
            session.execute(insert(Call), rows[start:start + 5000])
        session.commit()
        ids = {login: user.id for login, user in users.items()}
        ids.update({f"device:{login}": users[login].phone_interface for login in AGENTS})
    engine.dispose()
    return ids


def call_ids(db_url: str) -> dict[tuple[str, int], list[int]]:
    engine = make_engine(db_url)
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    with engine.connect() as conn:
        for call_id, uniqueid in conn.execute(select(Call.id, Call.uniqueid).order_by(Call.id)):
            prefix, n, _ = uniqueid.split(".")
            out[(prefix, int(n))].append(call_id)
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
        for _ in range(1200):  # two minutes: a loaded machine imports slowly
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


def open_sessions(db_url: str, user_ids: list[int]) -> list[tuple[str, str]]:
    """(cookie, CSRF token) of a signed-in session per user id, as sign-in would make them."""
    out = []
    engine = make_engine(db_url)
    with Session(engine) as session:
        for user_id in user_ids:
            token, row = sessions.create(session, user_id=user_id, second_factor_done=True,
                                         now=utcnow())
            out.append((f"{sessions.PLAIN_COOKIE}={token}", row.csrf_token))
        session.commit()
    engine.dispose()
    return out


def peak(args: argparse.Namespace, base: str, port: int, db_url: str, users: dict,
         calls: dict) -> dict:
    """The open-loop peak: agents, streams and probe, each in a process of its own."""
    agent_ids = [users[AGENTS[n % len(AGENTS)]] for n in range(args.peak_agents)]
    agent_logins = [(cookie, csrf, "") for cookie, csrf in open_sessions(db_url, agent_ids)]
    supervisor = open_sessions(db_url, [users["supervisor"]])[0][0]
    interfaces = [users[f"device:{login}"] for login in AGENTS]
    own = [calls[("peak", n)] for n in range(args.peak_agents)]
    out: multiprocessing.Queue = multiprocessing.Queue()
    # The streams open first and stay until the agents' last flow has ended.
    held = args.peak_seconds + console_peak.longest_flow_s(args.speedup) + 5
    parts = [
        multiprocessing.Process(target=console_peak.streams, args=(
            out, port, supervisor, [c for c, _, _ in agent_logins], args.streams, REDIS_URL,
            args.floor_rate, interfaces, held + 5)),
        multiprocessing.Process(target=console_peak.agents, args=(
            out, base, agent_logins, own, args.peak_seconds, args.speedup, args.seed)),
        multiprocessing.Process(target=console_peak.probe, args=(out, base, held)),
    ]
    parts[0].start()
    time.sleep(3)  # the streams are open and drawn before the first intake
    for part in parts[1:]:
        part.start()
    results = dict(out.get(timeout=held + 120) for _ in parts)
    for part in parts:
        part.join(30)
    return results


async def saturate(args: argparse.Namespace, base: str, logins: list[tuple[str, str]],
                   calls: dict) -> tuple[Stats, float]:
    stats = Stats()
    # The server takes at most this many requests at once; the other agents' requests
    # wait for a connection, and that wait is part of their measured time.
    limits = httpx.Limits(max_connections=args.connections,
                          max_keepalive_connections=args.connections)
    # No limit on the wait for a free connection: that wait is the queue being measured.
    timeout = httpx.Timeout(60.0, pool=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        started = time.perf_counter()
        stop_at = started + args.seconds
        await asyncio.gather(baseline(base, stop_at, stats),
                             *(agent(client, base, token, csrf, calls[("bench", n)][:-1],
                                     stop_at, stats)
                               for n, (token, csrf) in enumerate(logins)))
        return stats, time.perf_counter() - started


async def warm_up(base: str, logins: list[tuple[str, str]], calls: dict) -> None:
    """One flow of a few agents, not counted: the server's first requests pay its imports."""
    async with httpx.AsyncClient(timeout=60.0) as client:
        await asyncio.gather(*(agent(client, base, token, csrf, calls[("bench", n)][-1:],
                                     time.perf_counter() + 5, Stats())
                               for n, (token, csrf) in enumerate(logins[:4])))


def run(args: argparse.Namespace) -> None:
    db_url = create_database()
    server = None
    try:
        # A Poisson count of flows per agent: a generous bound on what one may start.
        peak_calls = int(args.peak_seconds * args.speedup / console_peak.MEAN_GAP_S * 4) + 10
        users = prepare(db_url, {"bench": (args.agents, args.calls_each),
                                 "peak": (args.peak_agents, peak_calls)})
        calls = call_ids(db_url)
        redis.Redis.from_url(REDIS_URL).flushdb()
        logins = [(token.split("=", 1)[1], csrf) for token, csrf in open_sessions(
            db_url, [users[AGENTS[n % len(AGENTS)]] for n in range(args.agents)])]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db_url, port, args.workers)
        asyncio.run(wait_up(base))
        asyncio.run(warm_up(base, logins, calls))
        load = os.getloadavg()[0]
        peak_figures = peak(args, base, port, db_url, users, calls) if args.peak_seconds else {}
        stats, elapsed = asyncio.run(saturate(args, base, logins, calls))
        report(stats, elapsed, args, peak_figures, load)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        drop_database(db_url)


def report_peak(figures: dict, args: argparse.Namespace) -> tuple[float, float]:
    agents_part, streams_part, probe_part = figures["agents"], figures["streams"], figures["probe"]
    times = agents_part["times"]
    print(f"peak: {args.peak_agents} agents, one intake each every "
          f"{console_peak.MEAN_GAP_S / args.speedup:.0f} s on average (speedup {args.speedup:g}),"
          f" {agents_part['elapsed']:.0f} s; flows started {agents_part['flows']['started']}, "
          f"dispatched {agents_part['flows']['dispatched']}")
    print(f"peak streams: {streams_part.get('open', 0)} open ({streams_part.get('refused', 0)}"
          f" refused, {streams_part.get('closed', 0)} closed early), "
          f"{streams_part.get('events', 0)} events, {streams_part.get('bytes', 0) / 1e6:.1f} MB "
          f"received; {streams_part.get('published', 0)} floor updates published")
    print(f"{'request':<12} {'n':>7} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    every: list[float] = []
    for step, values in times.items():
        every.extend(values)
        print(f"{step:<12} {len(values):>7} {agents_part['errors'].get(step, 0):>7} "
              f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f} "
              f"{statistics.fmean(values):>8.1f}")
    probe_times = probe_part
    print(f"{'healthz':<12} {len(probe_times):>7} {'':>7} {percentile(probe_times, 50):>8.1f} "
          f"{percentile(probe_times, 99):>8.1f} {statistics.fmean(probe_times):>8.1f}")
    n = len(every)
    print(f"peak: {n} intake requests, {n / agents_part['elapsed']:.1f}/s")
    return percentile(every, 99), percentile(probe_times, 99)


def report(stats: Stats, elapsed: float, args: argparse.Namespace, peak_figures: dict,
           load: float) -> None:
    peak_p99, peak_base = report_peak(peak_figures, args) if peak_figures else (0.0, 0.0)
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
    capacity = len(stats.times["dispatch"]) / elapsed
    print(f"load average before the runs: {load:.2f}")
    print(f"RESULT peak_p99_ms={peak_p99:.1f} peak_baseline_p99_ms={peak_base:.1f} "
          f"peak_ratio={peak_p99 / peak_base if peak_base else 0:.2f} "
          f"capacity_flows_per_s={capacity:.1f} p50_ms={p50:.1f} p99_ms={p99:.1f} "
          f"baseline_p99_ms={b99:.1f} ratio={p99 / b99 if b99 else 0:.2f} requests={requests}")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls-each", type=int, default=60)
    # Each web worker's database pool holds 30 connections and a request keeps one until
    # its response is sent: more requests in flight than that would wait on the pool.
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--peak-agents", type=int, default=60)
    parser.add_argument("--peak-seconds", type=float, default=150.0,
                        help="the peak's arrivals (0: capacity only)")
    parser.add_argument("--speedup", type=float, default=3.0,
                        help="every wait of the peak divided by this (3: 7.5 floor minutes "
                             "in 150 s, at three times the floor's rate)")
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--floor-rate", type=float, default=20.0,
                        help="queue and agent updates published a second during the peak")
    parser.add_argument("--seed", type=int, default=1300)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
