"""The supervisors' wallboard: live queues, agents and waiting callers, and today's numbers.

The server draws every figure (``callcenter.queues.stats``, the one place of the rules):
the page arrives drawn, and its one SSE stream per tab carries the board drawn again
after each change (agent_console/wallboard_push.py: one drawing per update per process
and per language and view, wallboard_drawing.py, swapped in by htmx). The streams hear
changes from the process's single Redis subscriber (sse.py). A bridge that dies
publishes nothing: the process's one link watcher (``live.LinkWatcher``) tells every
stream when a node's link key expires, so no page polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

import redis
import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from agent_console.deps import (
    Viewer,
    db_session,
    page_context,
    redis_client,
    require,
    viewer_in_own_transaction,
)
from agent_console.sse import event_name, format_event, read_snapshot
from agent_console.templating import templates
from agent_console.wallboard_charts import chart_names, series_json
from agent_console.wallboard_drawing import board_context, configured_nodes, drawn_board
from agent_console.wallboard_push import BoardFeed
from callcenter import topics
from callcenter.agents.models import Role
from callcenter.errors import Forbidden
from callcenter.queues import links, live, stats
from callcenter.reports import today

router = APIRouter()
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
supervisor_only = require(*SUPERVISORS)
# records.*: call rows reached the database (today's figures are read there).
STREAM_PREFIXES = topics.prefixes(topics.QUEUE, topics.AGENT, topics.CALL, topics.BRIDGE,
                                  topics.ALARMS, topics.RECORDS, topics.MEDIA)
# A wallboard needs a few updates a second, not one write per AMI event.
BATCH_SECONDS = 0.1
# The drawn board follows a busy floor at most this often (more seldom when drawing is
# dear: wallboard_push.DRAWING_SHARE): a change reaches the wall within about this.
BOARD_SECONDS = 0.04
BATCH_LIMIT = 512


# ---------------------------------------------------------------------------- pages
@router.get("/wallboard")
def wallboard(
    request: Request,
    view: str = "desktop",
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
):
    big = view == "big"
    context = board_context(request, db, client, big=big, queue_choices=stats.QUEUES)
    lang = context["lang"]
    context["board_query"] = urlencode({"view": "big" if big else "desktop", "lang": lang})
    # What the page's own script needs beyond the drawn board.
    context["setup"] = json.dumps({"lang": lang, "names": chart_names(str(lang))},
                                  ensure_ascii=False).replace("</", "<\\/")
    return templates.TemplateResponse(request, "wallboard.html", context)


@router.get("/wallboard/board", response_class=HTMLResponse)
async def wallboard_board(request: Request, view: str = "desktop"):
    """The live part of the page, drawn now (or for the same updates, for another screen).

    The page asks for it when time alone changes the board (its ``data-due``); changes
    come on the stream. The sign-in check is one trip to the thread pool, and the drawing
    (when one is needed) another, with its own session.
    """
    await stream_viewer(request, SUPERVISORS)
    body = await drawn_board(request, request.app.state.redis, big=view == "big")
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


def today_json(now: datetime, tallies: dict[str, stats.Tally],
               ends: dict[str, datetime]) -> dict[str, object]:
    return {
        "as_of": now.isoformat(),
        "day_start": today.day_start(now).isoformat(),
        "queues": {name: t.as_dict() for name, t in tallies.items()},
        "last_call_end": {k: v.isoformat() for k, v in ends.items()},
    }


@router.get("/wallboard/today")
def wallboard_today(
    request: Request,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    """Today's finished calls per queue as JSON, for screens other than this page."""
    now = datetime.now(request.app.state.settings.zone)
    return JSONResponse(today_json(now, today.tallies(db, now), today.last_call_ends(db, now)))


@router.get("/wallboard/series")
def wallboard_series(
    request: Request,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    """Today's quarter hours against last week's, per agent today (JSON, for the charts)."""
    lang = str(page_context(request)["lang"])
    return JSONResponse(series_json(request, db, lang), headers={"Cache-Control": "no-store"})


async def stream_viewer(request: Request, roles: tuple[Role, ...]) -> Viewer:
    """Check the signed-in user without keeping a database session for the stream's life.

    The session ends here as a request's does (the idle expiry it slid is committed);
    the stream keeps only the viewer's plain values.
    """
    # One trip to the thread pool: on a busy web process each trip back to the event
    # loop waits behind every stream's writes.
    viewer = await run_in_threadpool(viewer_in_own_transaction, request)
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
        hub = request.app.state.hub
        watcher = live.LinkWatcher(request.app.state.redis, configured_nodes(request),
                                   on_change=hub.note_update if hub is not None else None)
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


# The bridge's payloads carry the caller's number and name; a wall screen needs neither.
# Bodies are json.dumps output (", " and ": " separators), from the bridge or its snapshot.
PERSON_FIELDS = re.compile(rb'"(caller_number|caller_name)": "(?:[^"\\]|\\.)*"')


@functools.lru_cache(maxsize=4096)
def redact(event: bytes) -> bytes:
    """Blank the caller's number and name in one event. Every stream of the process gets
    the same bytes for the same message (sse.format_event): the pass is made once."""
    return PERSON_FIELDS.sub(rb'"\1": null', event)


async def batched(*sources: AsyncIterator[bytes], interval: float = BATCH_SECONDS,
                  limit: int = BATCH_LIMIT,
                  stamp: Callable[[], int] | None = None) -> AsyncIterator[bytes]:
    """One write per ``interval`` at most: whatever the sources had ready, in one chunk.

    A busy floor publishes hundreds of updates a second; a write per update costs the
    web process far more than the update itself. The bounded hand-over keeps the hub's
    per-topic coalescing in force while this tab waits (only the newest state of a topic
    is sent), and an idle stream still writes each update at once. The stream ends
    (re-raising why) when any source ends.

    Each event is redacted (``redact``) on its way in. With ``stamp`` (the hub's update
    count), each event also gets that count as its SSE ``id`` when it leaves its source:
    at least the count of the update it tells of, so a drawn board whose ``data-seq``
    has reached it shows that update.
    """
    ready: asyncio.Queue[bytes] = asyncio.Queue(maxsize=limit)

    async def pump(events: AsyncIterator[bytes]) -> None:
        async for chunk in events:
            if not chunk.startswith(b":"):
                chunk = redact(chunk)
                if stamp is not None:
                    chunk = b"id: %d\n" % stamp() + chunk
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


def board_feed(request: Request, big: bool) -> BoardFeed:
    """The process's one feed of drawn boards for this request's language and view."""
    feeds = getattr(request.app.state, "wallboard_feeds", None)
    if feeds is None:
        feeds = request.app.state.wallboard_feeds = {}
    key = (str(page_context(request)["lang"]), big)
    feed = feeds.get(key)
    if feed is None:
        hub = request.app.state.hub
        watcher = link_watcher(request)
        feed = feeds[key] = BoardFeed(lambda: [hub.changes(accepts), watcher.changes()],
                                      interval=BOARD_SECONDS)
    # The drawing holds nothing of the request but its language and view: the newest
    # stream's request serves (the first one's may be long closed).
    feed.draw = lambda: drawn_board(request, request.app.state.redis, big=big)
    return feed


@router.get("/wallboard/stream")
async def wallboard_stream(request: Request, view: str | None = None):
    """The page's stream (``view`` given): its board, drawn by the server, as the ``board``
    event. Without ``view``, for screens other than the page: every update's state."""
    await stream_viewer(request, SUPERVISORS)
    if view is not None:
        return StreamingResponse(
            board_feed(request, big=view == "big").boards(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
    hub = request.app.state.hub
    aredis = async_redis(request)
    events = hub.stream(accepts, lambda: snapshot(request, aredis))
    links_changed = as_events(link_watcher(request).changes())
    return StreamingResponse(
        batched(events, links_changed, stamp=lambda: hub.sequence),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
