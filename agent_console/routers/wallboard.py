"""The supervisors' wallboard: live queues, agents and waiting callers, and today's numbers.

The page is rendered from the bridge's snapshot in Redis and today's call rows, then
kept live by one SSE stream per tab (the process's single Redis subscriber, see sse.py).
The browser applies the same rules as ``callcenter.queues.stats`` (static/wallboard.js)
and asks for today's totals again only when its stream (re)connects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any

import redis
import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import and_, func, or_, select
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
from agent_console.sse import read_snapshot
from agent_console.templating import templates
from callcenter.agents.models import Role
from callcenter.calls.models import Call, CallDirection, CallOutcome
from callcenter.db import default_sessionmaker
from callcenter.dispatch import notify
from callcenter.errors import Forbidden
from callcenter.queues import stats
from callcenter.queues.models import Queue

router = APIRouter()
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
supervisor_only = require(*SUPERVISORS)
LIVE_KINDS = ("queue", "agent", "call")
STREAM_PREFIXES = ("queue.", "agent.", "call.", "bridge.", "alarms.")
# A wallboard needs a few updates a second, not one write per AMI event.
BATCH_SECONDS = 0.1
BATCH_LIMIT = 512


# ---------------------------------------------------------------------------- data
def thresholds(db: Session) -> dict[str, int]:
    return dict(db.execute(select(Queue.name, Queue.service_level_seconds)).all())


def day_start(now: datetime) -> datetime:
    """Local midnight of ``now``'s day (``now`` is aware, in the hotline's zone)."""
    return datetime.combine(now.date(), time(), now.tzinfo)


def today_tallies(db: Session, now: datetime) -> dict[str, stats.Tally]:
    """Per queue, today's finished inbound calls, counted in SQL (stats.Tally rules)."""
    threshold = func.coalesce(Queue.service_level_seconds, stats.DEFAULT_THRESHOLD_SECONDS)
    answered = and_(Call.answered_at.is_not(None), Call.outcome != CallOutcome.IN_PROGRESS)
    abandoned = Call.outcome == CallOutcome.ABANDONED
    short = and_(abandoned, Call.wait_seconds.is_not(None),
                 Call.wait_seconds <= stats.SHORT_ABANDON_SECONDS)
    counted = and_(abandoned, or_(Call.wait_seconds.is_(None),
                                  Call.wait_seconds > stats.SHORT_ABANDON_SECONDS))
    talked = and_(answered, Call.talk_seconds.is_not(None))
    rows = db.execute(
        select(
            Call.queue_name,
            func.count().filter(answered),
            func.count().filter(and_(answered, func.coalesce(Call.wait_seconds, 0) <= threshold)),
            func.count().filter(counted),
            func.count().filter(short),
            func.count().filter(Call.outcome == CallOutcome.QUEUE_TIMEOUT),
            func.coalesce(func.sum(Call.wait_seconds).filter(answered), 0),
            func.coalesce(func.sum(Call.talk_seconds).filter(talked), 0),
            func.count().filter(talked),
        )
        .select_from(Call)
        .outerjoin(Queue, Queue.name == Call.queue_name)
        .where(Call.direction == CallDirection.INBOUND, Call.queue_name.is_not(None),
               Call.started_at >= day_start(now), Call.outcome != CallOutcome.IN_PROGRESS)
        .group_by(Call.queue_name)
    ).all()
    return {name: stats.Tally(*(int(v) for v in values)) for name, *values in rows}


def last_call_ends(db: Session, now: datetime) -> dict[str, datetime]:
    """When each agent's last call ended, for those who may still be in wrap-up."""
    since = now - timedelta(seconds=stats.WRAP_UP_SECONDS)
    rows = db.execute(
        select(Call.agent_interface, func.max(Call.ended_at))
        .where(Call.ended_at >= since, Call.agent_interface.is_not(None))
        .group_by(Call.agent_interface)
    ).all()
    return {iface: ended for iface, ended in rows if ended is not None}


def _load(raw: Any) -> dict[str, Any]:
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


def live_state(client: redis.Redis) -> dict[str, list[dict[str, Any]]]:
    """The bridge's snapshot: every live queue, agent and call of every node."""
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in LIVE_KINDS}
    for kind in LIVE_KINDS:
        for key in client.scan_iter(match=f"live.*.{kind}s", count=100):
            out[kind] += [_load(body) for body in client.hgetall(key).values()]
    return out


def links(client: redis.Redis) -> list[dict[str, Any]]:
    return [_load(body) for key in client.scan_iter(match="bridge.*.link", count=100)
            if (body := client.get(key)) is not None]


def link_summary(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Live only when every bridge says its AMI link is up; else since when it is not."""
    down = [link for link in found if link.get("state") != "up"]
    if found and not down:
        return {"live": True, "since": None, "nodes": [link.get("node") for link in found]}
    times = [stats.parse_time(link["since"]) for link in down if link.get("since")]
    return {"live": False, "since": min(times) if times else None,
            "nodes": [link.get("node") for link in down]}


def board_for(db: Session, client: redis.Redis, now: datetime,
              tallies: dict[str, stats.Tally]) -> tuple[stats.Board, dict[str, int]]:
    state = live_state(client)
    limits = thresholds(db)
    board = stats.build(
        queues=state["queue"], agents=state["agent"], calls=state["call"],
        today=tallies, last_call_end=last_call_ends(db, now),
        dispatch_alarms=notify.open_alarms(client), thresholds=limits, now=now,
    )
    return board, limits


def today_json(db: Session, now: datetime,
               tallies: dict[str, stats.Tally] | None = None) -> dict[str, Any]:
    tallies = today_tallies(db, now) if tallies is None else tallies
    return {
        "as_of": now.isoformat(),
        "day_start": day_start(now).isoformat(),
        "queues": {name: t.as_dict() for name, t in tallies.items()},
        "last_call_end": {k: v.isoformat() for k, v in last_call_ends(db, now).items()},
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
    tallies = today_tallies(db, now)
    board, limits = board_for(db, client, now, tallies)
    link = link_summary(links(client))
    context = page_context(request, board=board, link=link, big=view == "big", now=now,
                           queue_choices=stats.QUEUES)
    lang = context["lang"]
    context["setup"] = json.dumps({
        "today": today_json(db, now, tallies),
        "thresholds": limits,
        "catalog": {name: {"th": s.label_th, "en": s.label_en}
                    for name, s in stats.BY_NAME.items()},
        "order": [q.name for q in stats.QUEUES],
        "rules": {"short_abandon": stats.SHORT_ABANDON_SECONDS,
                  "target": stats.SERVICE_LEVEL_TARGET,
                  "min_calls": stats.SERVICE_LEVEL_ALARM_MIN_CALLS,
                  "long_wait": stats.LONG_WAIT_SECONDS, "wrap_up": stats.WRAP_UP_SECONDS,
                  "bands": stats.BANDS, "default_threshold": stats.DEFAULT_THRESHOLD_SECONDS},
        "messages": messages(lang),
        "lang": lang,
        "big": view == "big",
    }, ensure_ascii=False, default=str).replace("</", "<\\/")
    context["definition"] = stats.DEFINITION[lang]
    return templates.TemplateResponse(request, "wallboard.html", context)


MESSAGE_KEYS = (
    "wallboard.state.available", "wallboard.state.ringing", "wallboard.state.talking",
    "wallboard.state.wrap_up", "wallboard.state.paused", "wallboard.state.signed_out",
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
    return JSONResponse(today_json(db, datetime.now(request.app.state.settings.zone)))


async def stream_viewer(request: Request, roles: tuple[Role, ...]) -> Viewer:
    """Check the signed-in user without keeping a database session for the stream's life."""
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    session = factory()
    try:
        viewer = await run_in_threadpool(
            load_viewer, request, session, request.app.state.redis, csrf=None
        )
    finally:
        session.close()
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


async def snapshot(aredis: aioredis.Redis) -> list[tuple[str, str]]:
    """Bridge links first (so stale numbers are never shown as live), then live state."""
    out: list[tuple[str, str]] = []
    async for key in aredis.scan_iter(match="bridge.*.link", count=100):
        body = await aredis.get(key)
        if body is not None:
            out.append((f"{_text(key)}.updated", _text(body)))
    alarms = [_load(v) for v in (await aredis.hgetall(notify.ALARMS_SNAPSHOT)).values()]
    out.append((notify.ALARMS_TOPIC, json.dumps({"alarms": alarms}, ensure_ascii=False)))
    out += await read_snapshot(aredis, LIVE_KINDS, accepts)
    return out


async def batched(events: AsyncIterator[bytes], *, interval: float = BATCH_SECONDS,
                  limit: int = BATCH_LIMIT) -> AsyncIterator[bytes]:
    """One write per ``interval`` at most: whatever the hub had ready, in one chunk.

    A busy floor publishes hundreds of updates a second; a write per update costs the
    web process far more than the update itself. The bounded hand-over keeps the hub's
    per-topic coalescing in force while this tab waits (only the newest state of a topic
    is sent), and an idle stream still writes each update at once.
    """
    ready: asyncio.Queue[bytes] = asyncio.Queue(maxsize=limit)

    async def pump() -> None:
        async for chunk in events:
            await ready.put(chunk)

    task = asyncio.create_task(pump())
    try:
        while True:
            getter = asyncio.ensure_future(ready.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                task.result()  # the hub's stream ended: re-raise why
                return
            parts = [getter.result()]
            while not ready.empty():
                parts.append(ready.get_nowait())
            yield b"".join(parts)
            await asyncio.sleep(interval)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# The bridge's payloads carry the caller's number and name; a wall screen needs neither.
# Bodies are json.dumps output (", " and ": " separators), from the bridge or its snapshot.
PERSON_FIELDS = re.compile(rb'"(caller_number|caller_name)": "(?:[^"\\]|\\.)*"')


async def redacted(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Blank the caller's number and name in every update (one C-level pass per chunk)."""
    async for chunk in chunks:
        yield PERSON_FIELDS.sub(rb'"\1": null', chunk)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@router.get("/wallboard/stream")
async def wallboard_stream(request: Request):
    await stream_viewer(request, SUPERVISORS)
    hub = request.app.state.hub
    aredis = async_redis(request)
    return StreamingResponse(
        redacted(batched(hub.stream(accepts, lambda: snapshot(aredis)))),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
