"""The supervisors' wallboard: live queues, agents and waiting callers, and today's numbers.

The page is rendered from the bridge's snapshot in Redis and today's call rows, then
kept live by one SSE stream per tab (the process's single Redis subscriber, see sse.py).
The browser applies the same rules as ``callcenter.queues.stats`` (static/wallboard.js)
and asks for today's totals again only when its stream (re)connects. A bridge that dies
publishes nothing: the process's one link watcher (``live.LinkWatcher``) tells every
stream when a node's link key expires, so no page polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import redis
import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from agent_console.deps import (
    Viewer,
    db_session,
    load_viewer,
    page_context,
    redis_client,
    require,
)
from agent_console.i18n import translator
from agent_console.sse import event_name, format_event, read_snapshot
from agent_console.templating import templates
from callcenter import topics
from callcenter.agents.models import Role
from callcenter.db import default_sessionmaker
from callcenter.dispatch import notify
from callcenter.errors import Forbidden
from callcenter.queues import links, live, stats
from callcenter.reports import today
from callcenter.taxonomy import IssueArea

router = APIRouter()
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
supervisor_only = require(*SUPERVISORS)
STREAM_PREFIXES = topics.prefixes(topics.QUEUE, topics.AGENT, topics.CALL, topics.BRIDGE,
                                  topics.ALARMS)
# A wallboard needs a few updates a second, not one write per AMI event.
BATCH_SECONDS = 0.1
BATCH_LIMIT = 512


# ---------------------------------------------------------------------------- data
def configured_nodes(request: Request) -> tuple[str, ...]:
    return tuple(node.name for node in request.app.state.settings.ami_nodes)


def board_for(db: Session, client: redis.Redis, now: datetime,
              tallies: dict[str, stats.Tally], ends: dict[str, datetime],
              nodes: tuple[str, ...] = (),
              ) -> tuple[stats.Board, dict[str, int], links.Liveness]:
    """The board at ``now``; with Redis away, today's numbers and nothing live."""
    try:
        found = live.read(client, configured=nodes, now=now)
        alarms = notify.open_alarms(client)
    except redis.RedisError:
        # Redis holds the live state: nothing is live, at least from now on.
        found, alarms = live.Live(liveness=links.Liveness(False, now, ())), []
    limits = today.thresholds(db)
    board = stats.build(
        queues=found.state["queue"], agents=found.state["agent"], calls=found.state["call"],
        today=tallies, last_call_end=ends,
        dispatch_alarms=alarms, thresholds=limits, now=now,
    )
    return board, limits, found.liveness


def today_json(now: datetime, tallies: dict[str, stats.Tally],
               ends: dict[str, datetime]) -> dict[str, Any]:
    return {
        "as_of": now.isoformat(),
        "day_start": today.day_start(now).isoformat(),
        "queues": {name: t.as_dict() for name, t in tallies.items()},
        "last_call_end": {k: v.isoformat() for k, v in ends.items()},
    }


# ---------------------------------------------------------------------------- pages
@router.get("/wallboard")
def wallboard(
    request: Request,
    view: str = "desktop",
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
):
    now = datetime.now(request.app.state.settings.zone)
    tallies, ends = today.tallies(db, now), today.last_call_ends(db, now)
    board, limits, link = board_for(db, client, now, tallies, ends, configured_nodes(request))
    context = page_context(request, board=board, link=link, big=view == "big", now=now,
                           queue_choices=stats.QUEUES)
    lang = context["lang"]
    context["setup"] = json.dumps({
        "today": today_json(now, tallies, ends),
        "thresholds": limits,
        "catalog": {name: {"th": s.label_th, "en": s.label_en}
                    for name, s in stats.BY_NAME.items()},
        "order": [q.name for q in stats.QUEUES],
        "rules": {"short_abandon": stats.SHORT_ABANDON_SECONDS,
                  "target": stats.SERVICE_LEVEL_TARGET,
                  "min_calls": stats.SERVICE_LEVEL_ALARM_MIN_CALLS,
                  "long_wait": stats.LONG_WAIT_SECONDS, "wrap_up": stats.WRAP_UP_SECONDS,
                  "bands": stats.BANDS, "default_threshold": stats.DEFAULT_THRESHOLD_SECONDS,
                  "stale_after": links.STALE_AFTER_SECONDS,
                  "dead_devices": sorted(stats.DEAD_DEVICES)},
        "messages": messages(lang),
        "issue_areas": {area.value: translator(lang)(f"issue_area.{area.value}")
                        for area in IssueArea},
        "lang": lang,
        "big": view == "big",
    }, ensure_ascii=False, default=str).replace("</", "<\\/")
    context["definition"] = stats.DEFINITION[lang]
    return templates.TemplateResponse(request, "wallboard.html", context)


MESSAGE_KEYS = (
    "wallboard.state.available", "wallboard.state.ringing", "wallboard.state.talking",
    "wallboard.state.wrap_up", "wallboard.state.paused", "wallboard.state.signed_out",
    "wallboard.state.unavailable",
    "wallboard.alarm.long_wait", "wallboard.alarm.service_level", "wallboard.alarm.dispatch",
    "wallboard.unavailable", "wallboard.unavailable_never", "wallboard.silent",
    "wallboard.listen", "wallboard.whisper", "wallboard.barge", "wallboard.pause",
    "wallboard.sign_out", "wallboard.move", "wallboard.move_to", "wallboard.no_alarms",
    "wallboard.nobody_waiting", "wallboard.sent", "wallboard.failed", "wallboard.confirm_sign_out",
)


def messages(lang: str) -> dict[str, str]:
    gettext = translator(lang)
    return {key.removeprefix("wallboard."): gettext(key) for key in MESSAGE_KEYS}


@router.get("/wallboard/today")
def wallboard_today(
    request: Request,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    """Today's finished calls per queue; the page asks once per stream (re)connection."""
    now = datetime.now(request.app.state.settings.zone)
    return JSONResponse(today_json(now, today.tallies(db, now), today.last_call_ends(db, now)))


async def stream_viewer(request: Request, roles: tuple[Role, ...]) -> Viewer:
    """Check the signed-in user without keeping a database session for the stream's life.

    The session ends here as a request's does (the idle expiry it slid is committed);
    the stream keeps only the viewer's plain values.
    """
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    session = factory()
    try:
        viewer = await run_in_threadpool(load_viewer, request, session, csrf=None)
        await run_in_threadpool(session.commit)
    finally:
        await run_in_threadpool(session.close)
    if viewer.role not in roles:
        raise Forbidden("your role may not do this")
    return viewer


def async_redis(request: Request) -> aioredis.Redis:
    """One asyncio Redis client per process for the streams' snapshots."""
    client = getattr(request.app.state, "wallboard_aredis", None)
    if client is None:
        client = aioredis.Redis.from_url(request.app.state.settings.redis_url)
        request.app.state.wallboard_aredis = client
    return client


def accepts(topic: str) -> bool:
    return topic.startswith(STREAM_PREFIXES)


def link_watcher(request: Request) -> live.LinkWatcher:
    """The process's one watcher of the bridges' links (created on first use)."""
    watcher = getattr(request.app.state, "wallboard_links", None)
    if watcher is None:
        watcher = live.LinkWatcher(request.app.state.redis, configured_nodes(request))
        request.app.state.wallboard_links = watcher
    return watcher


def _current_links(client: redis.Redis, nodes: tuple[str, ...]) -> list[links.NodeLink]:
    now = datetime.now(UTC)
    return live.read_links(client, live.known_nodes(client, nodes), now=now)


async def snapshot(request: Request, aredis: aioredis.Redis) -> list[tuple[str, str]]:
    """Every node's link first (so stale numbers are never shown as live), then live state.

    A node whose link key has expired is sent as ``lost`` with its last heartbeat.
    """
    found = await asyncio.to_thread(_current_links, request.app.state.redis,
                                    configured_nodes(request))
    out = [(topics.link_topic(n.node), json.dumps(n.as_dict())) for n in found]
    alarms = [json.loads(v) for v in (await aredis.hgetall(topics.ALARMS_SNAPSHOT_KEY)).values()]
    out.append((topics.ALARMS_TOPIC, json.dumps({"alarms": alarms}, ensure_ascii=False)))
    out += await read_snapshot(aredis, live.KINDS, accepts)
    return out


async def as_events(pairs: AsyncIterator[tuple[str, str]]) -> AsyncIterator[bytes]:
    async for topic, body in pairs:
        yield format_event(event_name(topic), body)


async def batched(*sources: AsyncIterator[bytes], interval: float = BATCH_SECONDS,
                  limit: int = BATCH_LIMIT) -> AsyncIterator[bytes]:
    """One write per ``interval`` at most: whatever the sources had ready, in one chunk.

    A busy floor publishes hundreds of updates a second; a write per update costs the
    web process far more than the update itself. The bounded hand-over keeps the hub's
    per-topic coalescing in force while this tab waits (only the newest state of a topic
    is sent), and an idle stream still writes each update at once. The stream ends
    (re-raising why) when any source ends.
    """
    ready: asyncio.Queue[bytes] = asyncio.Queue(maxsize=limit)

    async def pump(events: AsyncIterator[bytes]) -> None:
        async for chunk in events:
            await ready.put(chunk)

    tasks = {asyncio.create_task(pump(events)) for events in sources}
    try:
        while True:
            getter = asyncio.ensure_future(ready.get())
            done, _ = await asyncio.wait({getter, *tasks}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                for task in done:
                    task.result()  # a source ended: re-raise why
                return
            parts = [getter.result()]
            while not ready.empty():
                parts.append(ready.get_nowait())
            yield b"".join(parts)
            await asyncio.sleep(interval)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


# The bridge's payloads carry the caller's number and name; a wall screen needs neither.
# Bodies are json.dumps output (", " and ": " separators), from the bridge or its snapshot.
PERSON_FIELDS = re.compile(rb'"(caller_number|caller_name)": "(?:[^"\\]|\\.)*"')


async def redacted(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Blank the caller's number and name in every update (one C-level pass per chunk)."""
    async for chunk in chunks:
        yield PERSON_FIELDS.sub(rb'"\1": null', chunk)


@router.get("/wallboard/stream")
async def wallboard_stream(request: Request):
    await stream_viewer(request, SUPERVISORS)
    hub = request.app.state.hub
    aredis = async_redis(request)
    events = hub.stream(accepts, lambda: snapshot(request, aredis))
    return StreamingResponse(
        redacted(batched(events, as_events(link_watcher(request).changes()))),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
