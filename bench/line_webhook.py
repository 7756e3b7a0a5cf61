"""LINE webhook: 200 simulated people chatting with 20 agents through the console's webhook.

The real path: LINE's side (``bench/line_people.py``, a process of its own: the
simulator and the people) signs and POSTs each person's events to the console (a
uvicorn process), which stores them and answers; ``rq worker`` processes apply them and
send the answers back to the simulator through the outbox, with the relay running. The
console's agent-side chat is not built yet, so the 20 agents are simulated here: 20
threads take waiting conversations and answer each message through the same outbox
(``service.queue_outbound`` + the send job), as the console will. Part-way through, LINE
fails 30 calls in a row (a short outage).

The people write at the pace people write (open loop, ``--gap`` seconds between a
person's events on average: 200 people, 3.5 s, about 57 events a second), and each
webhook's time is measured by its sender. Then, briefly, senders that never pause give
the webhook's capacity on this machine; then the same people's load goes to a bare
endpoint that only checks the signature and returns (the baseline).

Needs PostgreSQL (CALLCENTER_TEST_PG_ADMIN_URL, as the tests) and redis-server on PATH.
Ends with: RESULT webhook_p99_ms=… delivered=… duplicates=… lost=… baseline_p99_ms=…
ratio=… events_per_s=…
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.line_people import LineSide  # noqa: E402
from callcenter import migrate  # noqa: E402
from callcenter.chat import jobs, service  # noqa: E402
from callcenter.chat.config import LineSettings  # noqa: E402
from callcenter.chat.models import (  # noqa: E402
    ChatMessage,
    Conversation,
    ConversationStatus,
    Direction,
    LineWebhookEvent,
    MessageKind,
    SendState,
)
from callcenter.db import make_engine, session_scope, utcnow  # noqa: E402
from tests.dispatch.redis_server import RedisServer  # noqa: E402
from tests.support.rq_worker import RqWorker  # noqa: E402
from tests.support.web_stack import WebProcess, free_port  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET, TOKEN = "bench-line-secret", "bench-line-token"
BASELINE_APP = f'''
import base64, hashlib, hmac
from fastapi import FastAPI, Request, Response
app = FastAPI()
@app.post("/line/webhook")
async def hook(request: Request):
    body = await request.body()
    good = base64.b64encode(hmac.new({SECRET!r}.encode(), body, hashlib.sha256).digest())
    ok = hmac.compare_digest(good, request.headers.get("x-line-signature", "").encode())
    return Response("{{}}", status_code=200 if ok else 401, media_type="application/json")
'''


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


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


def agent(agent_id: int, sessions, client: redis.Redis, stop: threading.Event) -> None:
    """Take a waiting conversation, answer every message not answered yet."""
    answered: set[int] = set()
    mine: set[int] = set()
    while not stop.is_set():
        with session_scope(sessions) as session:
            taken = session.execute(
                update(Conversation).where(Conversation.id == select(Conversation.id).where(
                    Conversation.status == ConversationStatus.WAITING)
                    .order_by(Conversation.waiting_since).limit(1)
                    .with_for_update(skip_locked=True).scalar_subquery())
                .values(status=ConversationStatus.ACTIVE, waiting_since=None)
                .returning(Conversation.id)).scalar()
            if taken is not None:
                mine.add(taken)
            owed = session.scalars(select(ChatMessage).where(
                ChatMessage.conversation_id.in_(mine), ChatMessage.direction == Direction.IN,
                ChatMessage.kind == MessageKind.TEXT)).all() if mine else []
            new_ids = []
            for message in owed:
                if message.id in answered:
                    continue
                answered.add(message.id)
                conversation = session.get(Conversation, message.conversation_id)
                new_ids.append(service.queue_outbound(
                    session, conversation, f"agent {agent_id} answers {message.id}",
                    now=utcnow()).id)
        if new_ids:
            jobs.after_commit_sends(client, new_ids)
        # As a person reads and types: a poll a second (the console will push instead).
        stop.wait(1.0)


def serve_baseline(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", BASELINE_APP + "\nimport uvicorn\nuvicorn.run(app, host="
         f"'127.0.0.1', port={port}, log_level='warning')"], env={**os.environ})
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--messages", type=int, default=4)
    parser.add_argument("--gap", type=float, default=3.5,
                        help="seconds between a person's events, on average")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--capacity-seconds", type=float, default=5.0)
    parser.add_argument("--capacity-senders", type=int, default=16)
    args = parser.parse_args()

    url = create_database()
    workdir = Path(tempfile.mkdtemp(prefix="line-bench-"))
    redis_server = RedisServer(workdir).start()
    line = LineSide(SECRET, TOKEN)
    line_env = {"CALLCENTER_LINE_CHANNEL_SECRET": SECRET, "CALLCENTER_LINE_CHANNEL_TOKEN": TOKEN,
                "CALLCENTER_LINE_API_BASE_URL": line.url,
                "CALLCENTER_LINE_DATA_API_BASE_URL": line.url,
                "CALLCENTER_LINE_RETRY_BASE_SECONDS": "0.3",
                "CALLCENTER_LINE_RETRY_MAX_SECONDS": "1", "CALLCENTER_DATA_DIR": str(workdir),
                "CALLCENTER_LOG_LEVEL": "WARNING"}
    stop = threading.Event()
    web = baseline_server = None
    workers: list[RqWorker] = []
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        client = redis.Redis.from_url(redis_server.url)
        web = WebProcess(database_url=url, redis_url=redis_server.url, env=line_env).start()
        env = {"CALLCENTER_DATABASE_URL": url, "CALLCENTER_REDIS_URL": redis_server.url,
               **line_env}
        workers = [RqWorker(redis_server.url, env, queues=(jobs.QUEUE_NAME,)).start()
                   for _ in range(args.workers)]
        ctx = jobs.Context(LineSettings(_env_file=None, line_relay_interval_seconds=0.5),
                           sessions, client, workdir)
        threads = [threading.Thread(target=jobs.run, args=(ctx, stop), daemon=True)]
        threads += [threading.Thread(target=agent, args=(n, sessions, client, stop),
                                     daemon=True) for n in range(args.agents)]
        for thread in threads:
            thread.start()
        load = line.people(web.url + "/line/webhook", args.people, args.messages, args.gap)

        def settled() -> bool:
            with sessions() as session:
                owed = session.scalar(select(ChatMessage.id).where(
                    ChatMessage.send_state.in_((SendState.PENDING, SendState.SENDING)))
                    .limit(1))
                waiting = session.scalar(select(Conversation.id).where(
                    Conversation.status == ConversationStatus.WAITING).limit(1))
                answers = session.scalar(select(ChatMessage.id).where(
                    ChatMessage.direction == Direction.IN, ChatMessage.kind == MessageKind.TEXT)
                    .order_by(ChatMessage.id.desc()).limit(1))
            return owed is None and waiting is None and answers is not None

        waited, calm = time.monotonic(), False
        while not calm and time.monotonic() < waited + 180:
            time.sleep(2)
            if settled():
                time.sleep(2)  # the agents' last answers
                calm = settled()
        # Unsettled, what is still owed counts as lost below: the line says which it was.
        waited = time.monotonic() - waited
        stop.set()
        with sessions() as session:
            expected = Counter((to, body) for to, body in session.execute(
                select(Conversation.line_user_id, ChatMessage.text)
                .join(Conversation, Conversation.id == ChatMessage.conversation_id)
                .where(ChatMessage.direction == Direction.OUT)))
            inbound = session.scalar(select(text("count(*)")).select_from(ChatMessage)
                                     .where(ChatMessage.direction == Direction.IN))
            # Every event stored must have been applied (once: the claim is in the job's
            # transaction, and a person's line is kept once by its LINE message id).
            unapplied = session.scalar(select(text("count(*)")).select_from(LineWebhookEvent)
                                       .where(LineWebhookEvent.processed_at.is_(None)))
        received = Counter(line.received())
        duplicates = sum(max(0, n - expected[k]) for k, n in received.items())
        lost = sum(max(0, n - received[k]) for k, n in expected.items())
        delivered = sum(min(n, expected[k]) for k, n in received.items())
        sent_messages = args.people * args.messages
        lost += max(0, sent_messages - inbound) + unapplied  # the people's own words
        duplicates += max(0, inbound - sent_messages)
        # At capacity, after the checks (its events are not counted above): senders that
        # never pause, for the webhook's ceiling on this machine.
        ceiling = line.capacity(web.url + "/line/webhook", args.capacity_seconds,
                                args.capacity_senders)

        port = free_port()
        baseline_server = serve_baseline(port)
        baseline = line.people(f"http://127.0.0.1:{port}/line/webhook", args.people,
                               args.messages, args.gap, outage_after=3600)
        times = load.times
        p99, base99 = percentile(times, 99) * 1000, percentile(baseline.times, 99) * 1000
        ms = {name: percentile(values, p) * 1000 for name, values, p in (
            ("p50", times, 50), ("p90", times, 90), ("base_p50", baseline.times, 50))}
        print(f"# webhook p50={ms['p50']:.1f}ms p90={ms['p90']:.1f}ms "
              f"max={max(times) * 1000:.1f}ms; baseline p50={ms['base_p50']:.1f}ms")
        print(f"# {len(times)} webhooks from {args.people} people in {load.seconds:.1f} s, "
              f"open loop (an event per person every {args.gap:g} s on average): "
              f"{load.events_per_s:.1f} events/s; LINE and the people in a process of their "
              f"own; refused {load.refused + baseline.refused}")
        print(f"# agents simulated ({args.agents} threads answering through the outbox); "
              f"inbound kept {inbound}/{sent_messages}; outage of 30 LINE calls; "
              f"{'settled' if calm else 'NOT settled'} {waited:.0f} s after the last event")
        print(f"# capacity: {ceiling.events_per_s:.0f} events/s with "
              f"{args.capacity_senders} senders never pausing (p50 "
              f"{percentile(ceiling.times, 50) * 1000:.1f} ms, refused {ceiling.refused})")
        print(f"RESULT webhook_p99_ms={p99:.1f} delivered={delivered} duplicates={duplicates} "
              f"lost={lost} baseline_p99_ms={base99:.1f} ratio={p99 / base99:.2f} "
              f"events_per_s={load.events_per_s:.1f}")
    finally:
        stop.set()
        if baseline_server is not None:
            baseline_server.terminate()
            baseline_server.wait(10)
        for worker in workers:
            worker.stop()
        if web is not None:
            web.stop()
        line.stop()
        redis_server.stop()
        drop_database(url)


if __name__ == "__main__":
    main()
