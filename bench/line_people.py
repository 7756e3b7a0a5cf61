"""LINE's side of ``bench/line_webhook.py``, in a process of its own.

The simulator (LINE's API, which receives the console's answers) and the people who
write. Kept apart from the console, the workers and the simulated agents so that the
load generator's own CPU does not show up as the webhook's latency.

The people write as people do (an open loop): each follows, picks a topic and writes a
line every few seconds, whatever the console answers, so the rate is the real one
(``people / gap`` events a second) and a slow answer cannot slow the load down and hide
itself. One person's events still go in order (LINE sends them so). Each webhook's time
is measured by the sender, from the request leaving to the answer read.

The parent drives it through a pipe (``LineSide``): start, run the people against a
webhook address, measure the webhook's capacity, hand over what LINE received, stop.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import threading
import time
from dataclasses import dataclass

import httpx

from callcenter.simulators.line import LineSimulator, person_id, sign

# An idle connection is dropped before uvicorn's keep-alive (5 s) would close it under a
# request on its way, which the sender would see as an error that is not the webhook's.
LIMITS = httpx.Limits(max_connections=400, keepalive_expiry=2.0)
LINES = ("สวัสดีค่ะ", "มีเรื่องอยากปรึกษา", "ที่บ้านมีปัญหา", "ขอบคุณค่ะ")


@dataclass
class Load:
    """What one run of the people measured."""

    times: list[float]  # seconds, one per webhook
    refused: int  # answers other than 200
    seconds: float  # from the first event to the last answer

    @property
    def events_per_s(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def step_event(sim: LineSimulator, user: str, step: int) -> dict:
    """A person's ``step``-th event: follow, the topic, then their lines."""
    if step == 0:
        return sim.event("follow", user, follow={"isUnblocked": False})
    if step == 1:
        return sim.event("postback", user, postback={"data": "topic=family_violence"})
    index = step - 2
    message = {"id": str(random.randrange(10**17, 10**18)), "type": "text",
               "text": f"{LINES[index % len(LINES)]} ({index})"}
    return sim.event("message", user, message=message)


def verify_call(sim: LineSimulator) -> tuple[bytes, dict[str, str]]:
    return signed(sim, None)


def signed(sim: LineSimulator, event: dict | None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event] if event else []},
                      ensure_ascii=False).encode()
    return body, {"Content-Type": "application/json", "X-Line-Signature": sign(sim.secret, body)}


async def post(client: httpx.AsyncClient, url: str, body: bytes,
               headers: dict[str, str]) -> int:
    """The answer's status; 0 when none came (counted as refused, and the event as lost)."""
    try:
        return (await client.post(url, content=body, headers=headers)).status_code
    except httpx.TransportError:
        return 0


async def people(sim: LineSimulator, url: str, count: int, messages: int,
                 gap: float, seed: int = 1300) -> Load:
    """``count`` people, each writing ``messages`` lines about every ``gap`` seconds."""
    times: list[float] = []
    refused = 0
    async with httpx.AsyncClient(timeout=30, limits=LIMITS) as client:
        # LINE's "verify" call (no events) first, as when the channel is set up: the
        # app's first request builds its routing tables, a cost no later request pays.
        await post(client, url, *verify_call(sim))
        loop = asyncio.get_running_loop()
        began = loop.time()

        async def person(number: int) -> None:
            nonlocal refused
            rng = random.Random(seed + number)
            user, due = person_id(), began + rng.uniform(0, gap)
            for step in range(messages + 2):
                await asyncio.sleep(max(0.0, due - loop.time()))
                body, headers = signed(sim, step_event(sim, user, step))
                started = time.perf_counter()
                status = await post(client, url, body, headers)
                times.append(time.perf_counter() - started)
                refused += status != 200
                due += gap * rng.uniform(0.5, 1.5)  # people do not type on a clock

        await asyncio.gather(*(person(n) for n in range(count)))
        return Load(times, refused, loop.time() - began)


async def capacity(sim: LineSimulator, url: str, seconds: float, concurrency: int) -> Load:
    """Events a second the webhook answers with ``concurrency`` senders never pausing."""
    times: list[float] = []
    refused = 0
    async with httpx.AsyncClient(timeout=30, limits=LIMITS) as client:
        loop = asyncio.get_running_loop()
        began = loop.time()

        async def sender() -> None:
            nonlocal refused
            user, step = person_id(), 2
            while loop.time() - began < seconds:
                body, headers = signed(sim, step_event(sim, user, step))
                started = time.perf_counter()
                status = await post(client, url, body, headers)
                times.append(time.perf_counter() - started)
                refused += status != 200
                step += 1

        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return Load(times, refused, loop.time() - began)


def _serve(conn, secret: str, token: str) -> None:  # pragma: no cover - child process
    sim = LineSimulator(channel_secret=secret, channel_token=token).start()
    conn.send(sim.url)
    while True:
        command, *args = conn.recv()
        if command == "people":
            url, count, messages, gap, outage_after = args
            # LINE fails 30 calls in a row part-way through: a short outage.
            timer = threading.Timer(outage_after, lambda: sim.fail_next(30, status=500))
            timer.start()
            conn.send(asyncio.run(people(sim, url, count, messages, gap)))
            timer.cancel()
        elif command == "capacity":
            conn.send(asyncio.run(capacity(sim, *args)))
        elif command == "received":
            conn.send([(r.to, m.get("text")) for r in sim.received() for m in r.messages])
        else:
            sim.stop()
            conn.send("stopped")
            return


class LineSide:
    """The child process, driven from the parent: each call waits for its answer."""

    def __init__(self, secret: str, token: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, secret, token),
                                        daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def _ask(self, *command):
        self._conn.send(command)
        return self._conn.recv()

    def people(self, url: str, count: int, messages: int, gap: float,
               outage_after: float = 3.0) -> Load:
        return self._ask("people", url, count, messages, gap, outage_after)

    def capacity(self, url: str, seconds: float, concurrency: int) -> Load:
        return self._ask("capacity", url, seconds, concurrency)

    def received(self) -> list[tuple[str, str | None]]:
        return self._ask("received")

    def stop(self) -> None:
        if self._process.is_alive():
            self._ask("stop")
        self._process.join(10)
