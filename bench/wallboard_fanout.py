"""Wallboard fan-out: 100 wall screens, two web processes, the bridge at 1,000+ AMI events/s.

Everything real but Asterisk: a Redis server of its own, two uvicorn web processes
(``agent_console.app:create_app``) on free loopback ports, the AMI bridge fed over TCP by
the simulator, and screens in two client processes (bench/wallboard_screens.py) that do
what the page does: hold the page's stream (``/wallboard/stream?view=desktop``), which
pushes the drawn board, signed in as the supervisor; no screen fetches anything.

Latency is measured from an event's arrival at the bridge (the time its bytes were read
from the socket) to the moment a screen holds a drawn board that shows the update it
caused: a board whose ``data-seq`` has reached the update's count in its web process
(``p50_ms``/``p99_ms``, what the supervisor sees). That count is the SSE ``id`` of the
event that carried the update on the entity-state stream (``/wallboard/stream``), which
one probe per web process holds; ``stream_p99_ms`` is that stream alone: the same start,
to the moment the probe parsed the event. The bridge side notes, for every full-state
body it publishes, the earliest arrival among the events of its batch (an upper bound);
the probe matches what it receives by a checksum of the body.
Clocks: time.perf_counter (CLOCK_MONOTONIC, shared by processes on Linux). One body in
eight (chosen by checksum, the same for every screen) is timed. Beside it, in the same
run, a bare Redis pub/sub round trip (publish → a plain subscriber): ``ratio`` is
``p99_ms`` ÷ its p99. ``boards_drawn_per_s`` counts the distinct drawings (update counts)
the screens were given, per web process; ``board_fetches_per_s`` is 0 (kept for
comparison with the runs before the board was pushed, when each screen fetched it).

Then the reports over one million generated call rows and 100,000 cases
(bench/reports.py's ``run``: each report's query time next to a plain count).

    .venv/bin/python bench/wallboard_fanout.py [--clients 100] [--seconds 20] [--rate 1400]
        [--skip-reports] [--report-calls 1000000] [--report-cases 100000]

Ends with ``RESULT p50_ms=… p99_ms=… stream_p99_ms=… baseline_p99_ms=… ratio=…
boards_drawn_per_s=… board_fetches_per_s=… clients=… report_max_s=… report_ratio=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from wallboard_screens import SAMPLE, checksum

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCREENS = Path(__file__).resolve().parent / "wallboard_screens.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------------------- processes
class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        binary = shutil.which("redis-server", path=str(Path(sys.executable).parent)) \
            or shutil.which("redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--client-output-buffer-limit", "pubsub", "0", "0", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.05)
        client.close()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_web(port: int, env: dict[str, str]) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "agent_console.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(200):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return process
        time.sleep(0.1)
    raise RuntimeError("web process did not start")


def sign_in(port: int) -> str:
    """The supervisor's session cookie; on the fresh database the second factor is enrolled."""
    import httpx
    import pyotp

    from agent_console import sessions
    from callcenter.seed import DEMO_PASSWORD

    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        answer = client.post("/login", data={
            "username": "supervisor", "password": DEMO_PASSWORD,
            "csrf_token": csrf(client.get("/login").text)})
        if answer.headers.get("location") == "/login/totp":
            page = client.get("/login/totp")
            secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
            client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(),
                                             "csrf_token": csrf(page.text)})
        name = next(n for n in sessions.COOKIES if n in client.cookies)
        return f"{name}={client.cookies[name]}"


def baseline_thread(url: str, stop: threading.Event, out: list[float]) -> threading.Thread:
    """A bare pub/sub round trip: publish a timestamp, a plain subscriber reads it."""
    import redis

    def run() -> None:
        sub = redis.Redis.from_url(url).pubsub()
        sub.subscribe("bench.ping")
        pub = redis.Redis.from_url(url)
        sub.get_message(timeout=1)
        while not stop.is_set():
            sent = time.perf_counter()
            pub.publish("bench.ping", repr(sent))
            message = sub.get_message(timeout=1)
            while message is not None and message["type"] != "message":
                message = sub.get_message(timeout=1)
            if message is not None:
                out.append((time.perf_counter() - float(message["data"])) * 1000)
            time.sleep(0.01)
        sub.close()
        pub.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------------------- the run
async def drive(args, redis_url: str, ports: list[int], cookie: str) -> dict:
    import redis.asyncio as aioredis

    from agent_console.routers.wallboard import PERSON_FIELDS
    from callcenter.ami.bridge.node import Bridge, NodeConfig, Timing
    from callcenter.ami.bridge.sink import RecordWriter, Sink
    from callcenter.simulators.asterisk import AmiSimulator

    aredis = aioredis.Redis.from_url(redis_url)
    sim = AmiSimulator()
    sim_port = await sim.start()
    sink = Sink("pbx1", aredis, RecordWriter("pbx1", None))
    bridge = Bridge(NodeConfig("pbx1", "127.0.0.1", sim_port, "callcenter", "hotline1300"),
                    sink, timing=Timing(ping_interval=60.0))
    origin: dict[tuple[int, int], float] = {}
    pending: list[tuple[int, int]] = []
    publish = sink._publish

    async def publish_noting(publishes, full):
        # The publisher sends every body that piled up during the last round trip.
        for p in publishes:
            body = json.dumps(p.payload, ensure_ascii=False, default=str).encode()
            key = checksum(PERSON_FIELDS.sub(rb'"\1": null', body))  # as the stream sends it
            if key[0] % SAMPLE == 0:
                pending.append(key)
        await publish(publishes, full)

    bridge_lags: list[float] = []

    def published(arrivals: list[float]) -> None:
        # Right after that pipeline: the arrival times of the events it covered.
        first = min(arrivals)
        if window_from <= first <= window_to:
            bridge_lags.append((time.perf_counter() - first) * 1000)
        for key in pending:
            origin[key] = first
        pending.clear()

    window_from = window_to = float("inf")  # set once the clients' start is known
    sink._publish = publish_noting  # type: ignore[method-assign]
    sink.on_published = published
    runner = asyncio.create_task(bridge.run())
    await asyncio.wait_for(bridge.up.wait(), 10)

    # Client processes: connect now, count from `start_at`.
    workdir = tempfile.mkdtemp(prefix="wallboard-bench-")
    start_at = time.perf_counter() + 3.0
    # Traffic starts with the clients; figures count only after the warm-up, once calls
    # overlap as they do in steady state (a simulated call lasts about 5 to 14 s).
    window_from = start_at + args.warmup
    window_to = window_from + args.seconds
    client_seconds = args.warmup + args.seconds + 1
    per_worker = [args.clients // args.workers + (1 if i < args.clients % args.workers else 0)
                  for i in range(args.workers)]
    workers = [subprocess.Popen(
        [sys.executable, str(SCREENS), ",".join(map(str, ports)), cookie, str(n),
         str(client_seconds), repr(start_at), f"{workdir}/w{i}.json",
         *(["probe"] if i == 0 else [])], cwd=ROOT)
        for i, n in enumerate(per_worker)]
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))

    stop = threading.Event()
    baseline: list[float] = []
    pinger: threading.Thread | None = None
    seen_before = events_before = 0
    queues = ["violence", "trafficking", "pregnancy", "welfare", "operator"]
    shapes = ["answered"] * 6 + ["abandoned", "queue_timeout", "ivr_hangup", "agent_hangup"]
    per_call = 24  # events of an average simulated call (see call_events.call_steps)
    calls_per_second = args.rate / per_call
    players: set[asyncio.Task] = set()
    while time.perf_counter() < window_to:
        if pinger is None and time.perf_counter() >= window_from:
            pinger = baseline_thread(redis_url, stop, baseline)
            seen_before, events_before = bridge.events_seen, bridge.counters["events"]
            began = time.perf_counter()
        call = sim.new_call(shape=random.choice(shapes), queue=random.choice(queues),
                            wait=random.uniform(0.5, 3), talk=random.uniform(2, 8))
        task = asyncio.create_task(sim.play(call))
        players.add(task)
        task.add_done_callback(players.discard)
        await asyncio.sleep(random.expovariate(calls_per_second))
    traffic_seconds = time.perf_counter() - began
    events = bridge.counters["events"] - events_before
    sent = bridge.events_seen - seen_before
    stop.set()
    await asyncio.gather(*players, return_exceptions=True)
    for worker in workers:
        await asyncio.to_thread(worker.wait, client_seconds + 60)
    if pinger is not None:
        pinger.join(5)
    with contextlib.suppress(Exception):
        await bridge.stop()
    runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner
    await sim.stop()
    await aredis.aclose()

    def since_origin(crc: int, size: int, at: float) -> float | None:
        arrived = origin.get((crc, size))
        if arrived is not None and window_from <= arrived <= window_to and at >= arrived:
            return (at - arrived) * 1000
        return None

    shown: list[float] = []
    streamed: list[float] = []
    delivered = board_bytes = 0
    samples: list[list] = []
    boards: list[list] = []
    for i in range(args.workers):
        data = json.loads(Path(f"{workdir}/w{i}.json").read_text())
        delivered += sum(data["counts"])
        board_bytes += data["board_bytes"]
        samples += data["samples"]
        boards += data["boards"]
    drawings: set[tuple[int, int]] = set()
    for port, held in boards:
        seqs = [seq for seq, _ in held]
        drawings |= {(port, seq) for seq, at in held if window_from <= at <= window_to}
        for sample_port, crc, size, seq, _ in samples:
            if sample_port != port:
                continue
            # The first board this screen held that shows the update.
            found = bisect.bisect_left(seqs, seq)
            if found < len(held):
                latency = since_origin(crc, size, held[found][1])
                if latency is not None:
                    shown.append(latency)
    for _, crc, size, _, at in samples:
        latency = since_origin(crc, size, at)
        if latency is not None:
            streamed.append(latency)
    shutil.rmtree(workdir, ignore_errors=True)
    return {"events_per_s": sent / traffic_seconds, "handled_per_s": events / traffic_seconds,
            "latencies": shown, "stream_latencies": streamed,
            "baseline": baseline, "delivered": delivered, "bridge_lags": bridge_lags,
            "deliveries_per_s": delivered / client_seconds,
            "fetches_per_s": 0.0,
            "board_kb": board_bytes / max(1, delivered) / 1024,
            "drawn_per_s": len(drawings) / args.seconds / len(ports),
            "published": sink.published}


def prepare_database(path: Path) -> str:
    from sqlalchemy.orm import Session

    from callcenter import migrate
    from callcenter.db import make_engine
    from callcenter.seed import seed_all

    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_all(session, demo_users=True)
        session.commit()
    engine.dispose()
    return url


def fanout(args) -> dict:
    redis_server = Redis()
    tmp = Path(tempfile.mkdtemp(prefix="wallboard-bench-db-"))
    webs: list[subprocess.Popen] = []
    try:
        env = {**os.environ, "CALLCENTER_DATABASE_URL": prepare_database(tmp / "bench.db"),
               "CALLCENTER_REDIS_URL": redis_server.url, "CALLCENTER_LOG_LEVEL": "WARNING",
               "CALLCENTER_SECRET_KEY": os.environ.get("CALLCENTER_SECRET_KEY",
                                                       "bench-secret-" + "x" * 40)}
        ports = [free_port(), free_port()]
        webs = [start_web(port, env) for port in ports]
        cookie = sign_in(ports[0])
        return asyncio.run(drive(args, redis_server.url, ports, cookie))
    finally:
        for web in webs:
            web.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                web.wait(10)
        redis_server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=1400.0, help="target AMI events/s")
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument("--report-calls", type=int, default=1_000_000)
    parser.add_argument("--report-cases", type=int, default=100_000)
    args = parser.parse_args()
    result = fanout(args)
    lat, streamed, base = result["latencies"], result["stream_latencies"], result["baseline"]
    if not lat or not streamed or not base:
        raise SystemExit("no latency samples: the screens showed nothing")
    p50, p99 = percentile(lat, 0.50), percentile(lat, 0.99)
    s50, s99 = percentile(streamed, 0.50), percentile(streamed, 0.99)
    b50, b99 = percentile(base, 0.50), percentile(base, 0.99)
    print(f"bridge: {result['events_per_s']:.0f} AMI events/s read from the simulator "
          f"({result['handled_per_s']:.0f}/s tracked, the rest skipped unread as noise), "
          f"{result['published']} updates "
          f"published; screens: {args.clients} on 2 web processes received "
          f"{result['delivered']} SSE messages ({result['deliveries_per_s']:.0f}/s), "
          f"boards of {result['board_kb']:.1f} kB on average, "
          f"{result['drawn_per_s']:.1f} drawings/s per web process")
    print(f"event at the bridge → update on a screen: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(lat):.1f} ms over {len(lat)} timed updates "
          f"(mean {statistics.fmean(lat):.1f} ms)")
    print(f"event at the bridge → update on the stream: p50 {s50:.1f} ms, p99 {s99:.1f} ms "
          f"over {len(streamed)} timed deliveries")
    lags = result["bridge_lags"]
    if lags:
        print(f"event at the bridge → its update published to Redis: p50 "
              f"{percentile(lags, 0.5):.1f} ms, p99 {percentile(lags, 0.99):.1f} ms "
              f"over {len(lags)} publishes")
    print(f"bare Redis pub/sub round trip, same run: p50 {b50:.2f} ms, p99 {b99:.2f} ms "
          f"over {len(base)} pings")
    report_max, report_ratio = "skipped", "skipped"
    if not args.skip_reports:
        from bench.reports import run as reports_run

        figures = reports_run(calls=args.report_calls, cases=args.report_cases, repeat=2)
        report_max, report_ratio = figures["report_max_s"], figures["report_ratio"]
    print(f"RESULT p50_ms={p50:.1f} p99_ms={p99:.1f} stream_p99_ms={s99:.1f} "
          f"baseline_p99_ms={b99:.2f} ratio={p99 / b99:.1f} "
          f"boards_drawn_per_s={result['drawn_per_s']:.1f} "
          f"board_fetches_per_s={result['fetches_per_s']:.0f} "
          f"clients={args.clients} report_max_s={report_max} "
          f"report_ratio={report_ratio}")


if __name__ == "__main__":
    main()
