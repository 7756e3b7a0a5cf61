"""The hotline's peak as an open-loop load on the console: bench/console_load.py's parts.

Three processes beside the console's own, so that no load generator shares the server's
event loop or our own timers' loop with another:

- ``agents``: 60 agents, each starting a whole intake flow at random (exponential gaps,
  one every 3 minutes on average, whatever the earlier flows are doing: open loop), each
  on connections of its own as its browser's would be. A
  flow is what an agent does on a call: open the call's draft, autosave as they type
  (the page saves 600 ms after the typing stops: a save every few seconds), open the
  case, add a note, dispatch. Between steps the agent thinks and types; between flows
  they talk. Every time is divided by ``speedup`` (the run is then that many times the
  real rate: stricter, never laxer).
- ``streams``: 100 streams held open and read, as the pages hold them: half the
  wallboard page's stream (the drawn board, as the supervisors' screens), half the agent
  page's (``/agent/events``); and the floor's own traffic published on the bus (queue and
  agent states, as the bridge publishes them) so the streams have something to carry.
- ``probe``: ``/healthz`` every 50 ms on a connection of its own: the baseline, under
  the same load, in the same run.

Each process returns its figures through a ``multiprocessing`` queue.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time

import httpx

INTAKE = {
    "issue_area": "family_violence", "target_group": "woman", "province_code": "TH-50",
    "urgency": "high", "consent": "given", "legal_basis": "consent",
    "summary": "ถูกทำร้ายร่างกาย ต้องการความช่วยเหลือ", "persons.0.full_name": "มาลี ใจดี",
    "persons.0.phone": "0812345678", "risk.in_danger_now": "on",
}
MEAN_GAP_S = 180.0  # one intake per agent every 3 minutes at the hotline's peak
AUTOSAVES = 6
THINK_S = (5.0, 15.0)  # typing between two autosaves, and before opening the case
CLICK_S = (2.0, 6.0)  # reading the case before the note, and the note before dispatch
WALLBOARD_STREAM = "/wallboard/stream?view=desktop&lang=th"
AGENT_STREAM = "/agent/events"
FLOOR_QUEUES = ("violence", "trafficking", "pregnancy", "welfare", "operator")


def longest_flow_s(speedup: float) -> float:
    """The longest a flow's pauses can make it: the last flows run on after the arrivals."""
    return ((AUTOSAVES + 1) * THINK_S[1] + 2 * CLICK_S[1]) / speedup


# --- agents --------------------------------------------------------------------------------
async def _agents(base: str, logins: list[tuple[str, str, str]], calls: list[list[int]],
                  seconds: float, speedup: float, seed: int) -> dict:
    rng = random.Random(seed)
    times: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    flows = {"started": 0, "dispatched": 0}
    # Each agent's browser keeps connections of its own (six at most, as a browser does
    # per site), so the agents' requests spread over the console's processes as the
    # floor's do; one pool shared by all kept a few connections, all on one process.
    limits = httpx.Limits(max_connections=6, max_keepalive_connections=6)
    browsers = [httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0, pool=None))
                for _ in logins]

    async def timed(client: httpx.AsyncClient, headers: dict, step: str, method: str,
                    url: str, want: int, **kw):
        t0 = time.perf_counter()
        try:
            response = await client.request(method, base + url, headers=headers, **kw)
            ok = response.status_code == want
        except httpx.HTTPError as exc:
            response, ok = httpx.Response(599, text=type(exc).__name__), False
        times.setdefault(step, []).append((time.perf_counter() - t0) * 1000)
        if not ok:
            errors[step] = errors.get(step, 0) + 1
            if errors[step] <= 3:
                print(f"{step}: {response.status_code} {response.text[:200]}", file=sys.stderr)
        return response

    async def pause(span: tuple[float, float]) -> None:
        await asyncio.sleep(rng.uniform(*span) / speedup)

    async def flow(client: httpx.AsyncClient, headers: dict, call_id: int) -> None:
        flows["started"] += 1
        draft = await timed(client, headers, "open_draft", "POST", "/api/drafts", 200,
                            json={"call_id": call_id})
        if draft.status_code != 200:
            return
        key = draft.json()["key"]
        for _ in range(AUTOSAVES):
            await pause(THINK_S)
            await timed(client, headers, "save_draft", "PUT", f"/api/drafts/{key}", 200,
                        json={"data": INTAKE})
        await pause(THINK_S)
        case = await timed(client, headers, "open_case", "POST", f"/api/drafts/{key}/case", 201)
        if case.status_code != 201:
            return
        case_id = case.json()["id"]
        await pause(CLICK_S)
        await timed(client, headers, "add_note", "POST", f"/api/cases/{case_id}/notes", 201,
                    json={"body": "ติดตามผลภายใน 24 ชั่วโมง"})
        await pause(CLICK_S)
        done = await timed(client, headers, "dispatch", "POST", f"/api/cases/{case_id}/dispatches",
                           201, json={"unit_brief": "ไปที่บ้านตามที่อยู่"})
        flows["dispatched"] += done.status_code == 201

    async def agent(client: httpx.AsyncClient, cookie: str, csrf: str, own: list[int],
                    stop_at: float) -> None:
        headers = {"Cookie": cookie, "X-CSRF-Token": csrf}
        running: list[asyncio.Task] = []
        # Open loop: the next intake starts on schedule, finished or not the last one.
        at = time.perf_counter() + rng.expovariate(speedup / MEAN_GAP_S)
        for call_id in own:
            if at >= stop_at:
                break
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            running.append(asyncio.create_task(flow(client, headers, call_id)))
            at += rng.expovariate(speedup / MEAN_GAP_S)
        await asyncio.gather(*running)

    started = time.perf_counter()
    stop_at = started + seconds
    try:
        await asyncio.gather(*(agent(browsers[n], cookie, csrf, calls[n], stop_at)
                               for n, (cookie, csrf, _) in enumerate(logins)))
    finally:
        for browser in browsers:
            await browser.aclose()
    return {"times": times, "errors": errors, "flows": flows,
            "elapsed": time.perf_counter() - started}


def agents(out, base: str, logins, calls, seconds: float, speedup: float, seed: int) -> None:
    out.put(("agents", asyncio.run(_agents(base, logins, calls, seconds, speedup, seed))))


# --- streams -------------------------------------------------------------------------------
async def _hold(port: int, path: str, cookie: str, until: float, counts: dict) -> None:
    """One page's stream, read raw (little Python per message: the reader is not the load)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                  "Accept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        counts["refused"] = counts.get("refused", 0) + 1
        writer.close()
        return
    counts["open"] = counts.get("open", 0) + 1
    while time.perf_counter() < until:
        try:
            data = await asyncio.wait_for(reader.read(65536), 1)
        except TimeoutError:
            continue
        if not data:
            counts["closed"] = counts.get("closed", 0) + 1
            break
        counts["bytes"] = counts.get("bytes", 0) + len(data)
        counts["events"] = counts.get("events", 0) + data.count(b"\nevent: ") \
            + data.startswith(b"event: ")
    writer.close()


async def _floor(redis_url: str, rate: float, interfaces: list[str], until: float) -> int:
    """The bridge's traffic on the bus: queue and agent states at ``rate`` a second, in the
    bridge's shapes and through its publisher (the hashes written, then the message)."""
    from datetime import UTC, datetime, timedelta

    import redis.asyncio as aioredis

    from callcenter import topics
    from callcenter.ami.bridge.sink import RecordWriter, Sink
    from callcenter.ami.effects import Publish

    client = aioredis.Redis.from_url(redis_url)
    sink = Sink("pbx1", client, RecordWriter("pbx1", None))
    publisher = asyncio.ensure_future(sink.run())
    rng = random.Random(7)
    sent = 0
    while time.perf_counter() < until:
        now = datetime.now(UTC)
        if sent % 2:
            name = rng.choice(FLOOR_QUEUES)
            waiting = [{"uniqueid": f"1796600000.{rng.randint(1, 9999)}", "position": n + 1,
                        "joined_at": (now - timedelta(seconds=rng.randint(0, 90))).isoformat(),
                        "caller_number": None, "priority": None}
                       for n in range(rng.randint(0, 6))]
            body = {"name": name, "node": "pbx1", "waiting": waiting, "members": [],
                    "logged_in": 0, "available": 0, "paused": 0}
            await sink.apply([Publish(topics.queue_topic(name), body)])
        else:
            interface = rng.choice(interfaces)
            status = rng.choice(("available", "in_call", "ringing", "paused"))
            body = {"node": "pbx1", "interface": interface, "name": interface,
                    "status": status, "paused_reason": None, "ringing_call": None,
                    "current_call": None, "changed_at": now.isoformat(),
                    "queues": {rng.choice(FLOOR_QUEUES): {
                        "paused": status == "paused", "paused_reason": None, "penalty": 0,
                        "in_call": status == "in_call", "device_state": "not_in_use"}}}
            await sink.apply([Publish(topics.agent_topic(interface), body)])
        sent += 1
        await asyncio.sleep(rng.expovariate(rate))
    await sink.flush()
    publisher.cancel()
    await client.aclose()
    return sent


async def _streams(port: int, supervisor: str, agent_cookies: list[str], count: int,
                   redis_url: str, rate: float, interfaces: list[str], seconds: float) -> dict:
    until = time.perf_counter() + seconds
    counts: dict[str, int] = {}
    holders = [_hold(port, WALLBOARD_STREAM, supervisor, until, counts)
               if n % 2 == 0 else
               _hold(port, AGENT_STREAM, agent_cookies[n % len(agent_cookies)], until, counts)
               for n in range(count)]
    floor = asyncio.ensure_future(_floor(redis_url, rate, interfaces, until))
    await asyncio.gather(*holders)
    counts["published"] = await floor
    return counts


def streams(out, port: int, supervisor: str, agent_cookies: list[str], count: int,
            redis_url: str, rate: float, interfaces: list[str], seconds: float) -> None:
    out.put(("streams", asyncio.run(_streams(port, supervisor, agent_cookies, count,
                                              redis_url, rate, interfaces, seconds))))


# --- the baseline ----------------------------------------------------------------------------
async def _probe(base: str, seconds: float) -> list[float]:
    times: list[float] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    stop_at = time.perf_counter() + seconds
    async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                ok = (await client.get(base + "/healthz")).status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                times.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.05)
    return times


def probe(out, base: str, seconds: float) -> None:
    out.put(("probe", asyncio.run(_probe(base, seconds))))
