"""AMI ingest benchmark: the whole bridge against a bare framing loop, then latency.

    .venv/bin/python bench/ami_ingest.py [--events 120000] [--database-url URL]

A sender process (plain sockets, so it does not share the bridge's CPU) serves a stream
of simulated 1300 calls in the shapes of the recorded transcripts over loopback TCP.
1. bare: a loop that only splits the bytes into messages (CRLF CRLF);
2. bridge: the real bridge (panoramisk connection, framing, tracker, call rows written
   to the database, state published to Redis), measured until the last record is written;
3. steady: the same traffic paced at 2,000 events/s; the time from an event's arrival
   on the bridge's socket to the end of the Redis publish of its batch, p50 and p99.
Database: as in production, PostgreSQL: a throwaway database created on the server of
--pg-admin-url, migrated to head and dropped at the end (or --database-url to use one as
it is). Redis: --redis-url (db 10 by default; only the benchmark's own keys are deleted).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing as mp
import os
import random
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callcenter import topics
from callcenter.ami.framing import Framer
from callcenter.simulators.asterisk.call_events import SimAgent, SimCall, call_steps, encode

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
SHAPES = ["answered"] * 6 + ["abandoned", "queue_timeout", "ivr_hangup", "agent_hangup"]
QUEUES = {"violence": 2, "trafficking": 2, "pregnancy": 1, "welfare": 1, "operator": 1}


def make_stream(min_events: int, seed: int = 1300) -> tuple[bytes, int, int]:
    """Overlapping simulated calls, merged by time; returns (bytes, events, calls)."""
    rng = random.Random(seed)
    steps: list[tuple[float, int, bytes]] = []
    calls = 0
    events = 0
    start = 0.0
    agent_no = 0
    while events < min_events:
        calls += 1
        queue = rng.choice(list(QUEUES))
        agent_no = agent_no % 20 + 1
        call = SimCall(seq=calls, epoch=1795345559 + int(start), caller=f"08{calls:08d}",
                       queue=queue, shape=rng.choice(SHAPES),
                       agent=SimAgent(f"Local/agent{agent_no}@agents/n", f"Agent {agent_no}"),
                       talk=rng.uniform(5, 120), wait=rng.uniform(1, 30))
        for at, headers in call_steps(call):
            steps.append((start + at, len(steps), encode(headers)))
            events += 1
        start += rng.expovariate(5.0)
    steps.sort()
    return b"".join(s[2] for s in steps), events, calls


def _reply(conn: socket.socket, headers: dict[str, str]) -> None:
    conn.sendall(encode(headers))


def sender(port_out: mp.Queue, mode: str, data: bytes, rate: float) -> None:
    """Serve one connection: bare blast, or an Asterisk-like session then the stream."""
    server = socket.create_server(("127.0.0.1", 0))
    port_out.put(server.getsockname()[1])
    conn, _ = server.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.sendall(BANNER)
    if mode == "bare":
        conn.sendall(data)
        conn.close()
        return
    framer = Framer(_expect_banner=False)
    answered = 0
    while answered < 3:  # Login, QueueStatus, CoreShowChannels
        chunk = conn.recv(65536)
        if not chunk:
            return
        for msg in framer.feed(chunk)[0]:
            aid = msg.get("ActionID")
            action = msg.get("Action")
            if action == "Login":
                _reply(conn, {"Response": "Success", "ActionID": aid,
                              "Message": "Authentication accepted"})
            elif action in ("QueueStatus", "CoreShowChannels"):
                _reply(conn, {"Response": "Success", "ActionID": aid, "EventList": "start",
                              "Message": "will follow"})
                _reply(conn, {"Event": f"{action}Complete", "ActionID": aid,
                              "EventList": "Complete", "ListItems": "0"})
            else:
                _reply(conn, {"Response": "Success", "ActionID": aid, "Ping": "Pong"})
            answered += 1
    if rate <= 0:
        conn.sendall(data)
    else:
        messages = [m + b"\r\n\r\n" for m in data.split(b"\r\n\r\n") if m]
        per_tick = max(1, int(rate / 200))  # a write every 5 ms
        begin = time.perf_counter()
        for i in range(0, len(messages), per_tick):
            due = begin + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            conn.sendall(b"".join(messages[i:i + per_tick]))
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(65536):
        pass


def start_sender(mode: str, data: bytes, rate: float = 0.0) -> tuple[mp.Process, int]:
    ctx = mp.get_context("fork")
    port_q: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=sender, args=(port_q, mode, data, rate), daemon=True)
    proc.start()
    return proc, port_q.get(timeout=10)


def bare_loop(data: bytes) -> tuple[float, int]:
    proc, port = start_sender("bare", data)
    sock = socket.create_connection(("127.0.0.1", port))
    buf = b""
    count = 0
    begin = time.perf_counter()
    while chunk := sock.recv(65536):
        buf += chunk
        parts = buf.split(b"\r\n\r\n")
        buf = parts.pop()
        count += len(parts)
    elapsed = time.perf_counter() - begin
    proc.join()
    return elapsed, count


async def run_bridge(data: bytes, events: int, *, rate: float, database_url: str,
                     redis_url: str) -> tuple[float, list[float], int, int]:
    import redis.asyncio as aioredis
    from sqlalchemy import func, select
    from sqlalchemy.orm import sessionmaker

    from callcenter.ami.bridge.node import Bridge, NodeConfig, Timing
    from callcenter.ami.bridge.sink import RecordWriter, Sink
    from callcenter.calls.models import Call
    from callcenter.db import make_engine

    proc, port = start_sender("session", data, rate)
    engine = make_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    node = f"bench{random.randrange(10**6)}"
    redis = aioredis.Redis.from_url(redis_url)
    bridge = Bridge(NodeConfig(node, "127.0.0.1", port, "bench", "bench"),
                    Sink(node, redis, RecordWriter(node, sessions)),
                    timing=Timing(ping_interval=3600, action_timeout=30))
    latencies: list[float] = []
    first: list[float] = []

    def published(arrivals: list[float]) -> None:
        if not first:
            first.append(arrivals[0])
        done = time.perf_counter()
        latencies.extend(done - arrived for arrived in arrivals)

    bridge.sink.on_published = published
    task = asyncio.create_task(bridge.run())
    while bridge.events_seen < events + 2:  # + the two …Complete events of resync
        await asyncio.sleep(0.002)
    await bridge.drain(timeout=120)
    elapsed = time.perf_counter() - first[0]
    with sessions() as s:
        rows = s.scalar(select(func.count()).select_from(Call).where(Call.node == node)) or 0
    await bridge.stop()
    task.cancel()
    for kind in (topics.CALL, topics.QUEUE, topics.AGENT):
        await redis.delete(topics.live_key(node, kind))
    await redis.delete(topics.link_key(node))
    await redis.aclose()
    engine.dispose()
    proc.terminate()
    return elapsed, latencies, rows, bridge.sink.published


def main() -> None:
    # The sender closes after its stream; the bridge's reconnect attempts are expected.
    logging.basicConfig(level=logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=120_000)
    parser.add_argument("--steady-rate", type=float, default=2000.0)
    parser.add_argument("--steady-seconds", type=float, default=10.0)
    parser.add_argument("--database-url")
    parser.add_argument("--pg-admin-url", default=os.environ.get(
        "CALLCENTER_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()

    data, events, calls = make_stream(args.events)
    print(f"stream: {events} events, {calls} calls, {len(data) / 1e6:.1f} MB")

    throwaway = args.database_url is None
    database_url = args.database_url or throwaway_database(args.pg_admin_url)
    try:
        measure(args, data, events, calls, database_url)
    finally:
        if throwaway:
            drop_database(args.pg_admin_url, database_url)


def throwaway_database(admin_url: str) -> str:
    from sqlalchemy import create_engine, text

    from callcenter import migrate

    name = f"callcenter_bench_{os.getpid()}_{random.randrange(16**6):06x}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    migrate.upgrade(url)
    return url


def drop_database(admin_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def measure(args: argparse.Namespace, data: bytes, events: int, calls: int,
            database_url: str) -> None:

    # A fraction of a second per run: the median of five runs steadies it.
    runs = [bare_loop(data) for _ in range(5)]
    assert all(count == events for _, count in runs), (runs, events)
    bare_s = statistics.median(seconds for seconds, _ in runs)
    bare_eps = events / bare_s
    print(f"bare loop: {bare_eps:,.0f} events/s ({bare_s:.2f} s)")

    cpu_before = time.process_time()
    bridge_s, _, rows, published = asyncio.run(run_bridge(
        data, events, rate=0, database_url=database_url, redis_url=args.redis_url))
    cpu = time.process_time() - cpu_before
    bridge_eps = events / bridge_s
    print(f"bridge: {bridge_eps:,.0f} events/s ({bridge_s:.2f} s), {rows} call rows "
          f"(expected {calls}), {published} publishes")
    # The wall-clock rate depends on what else the machine runs; CPU time much less so.
    print(f"bridge CPU: {events / cpu:,.0f} events per CPU-second of the bridge process "
          f"(load average {os.getloadavg()[0]:.1f})")
    assert rows == calls, "every call must leave exactly one row"

    steady_data, steady_events, _ = make_stream(int(args.steady_rate * args.steady_seconds),
                                                seed=1301)
    _, latencies, _, _ = asyncio.run(run_bridge(
        steady_data, steady_events, rate=args.steady_rate, database_url=database_url,
        redis_url=args.redis_url))
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"steady {args.steady_rate:.0f} events/s: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"over {len(ms)} events")
    print(f"RESULT bridge_eps={bridge_eps:.0f} bare_eps={bare_eps:.0f} "
          f"ratio={bridge_eps / bare_eps:.3f} p50_ms={p50:.2f} p99_ms={p99:.2f} "
          f"events={events}")


if __name__ == "__main__":
    main()
