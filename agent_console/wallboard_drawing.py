"""The wallboard's live part, drawn on the server once per update per web process.

Every open wallboard needs the board again after the same change (pushed on its stream
by wallboard_push.py, or fetched when time alone changes it); a hundred wall screens
must not mean a hundred reads of Redis and the database and a hundred renderings. The
process's live-update hub counts the updates it has heard of (``Hub.sequence``); a
drawing made once the count reached N shows the first N updates, says so (``data-seq``)
and serves every screen of the process that asks while the count is still N. One drawing
of each (language, view) is made at a time: the screens that ask meanwhile wait for it,
or, when an update came after it started, for the one drawing made next. It holds
nothing personal (no CSRF token, no name), which is what makes sharing it safe.

The page then looks again on its own only when time alone changes the board
(``stats.seconds_to_next_change``, a heartbeat going stale, midnight) — never by
polling; a drawing is not reused past that moment either.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from agent_console import wallboard_charts, wallboard_rows, wallboard_tables
from agent_console.deps import page_context
from agent_console.templating import templates
from callcenter.agents import muting
from callcenter.agents.supervision import DEFAULT_PAUSE_REASON
from callcenter.db import default_sessionmaker
from callcenter.dispatch import notify
from callcenter.queues import links, live, stats
from callcenter.queues.live_mirror import LiveMirror
from callcenter.reports import today

# The template's indentation and blank lines: half of a busy board's bytes, sent to every
# screen several times a second. A run of white space renders as one space whatever it
# holds (the board has no <pre> and no <textarea>), so a newline stands for it.
INDENTATION = re.compile(r"\n[ \t\r\n]+")

# A new stream says "not yet" while the process's subscriber connects: only a
# subscriber that stays away for this long makes the figures stale.
HUB_GRACE_SECONDS = 3.0


def configured_nodes(request: Request) -> tuple[str, ...]:
    return tuple(node.name for node in request.app.state.settings.ami_nodes)


def board_for(client: redis.Redis, now: datetime, tables: wallboard_tables.Tables,
              nodes: tuple[str, ...] = (), held: LiveMirror | None = None,
              ) -> tuple[stats.Board, dict[str, int], links.Liveness]:
    """The board at ``now``; with Redis away, today's numbers and nothing live.

    ``held``: the process's copy of the live state, used while its hub is subscribed."""
    try:
        found = live.read(client, configured=nodes, now=now, held=held)
        alarms = notify.open_alarms(client)
        mutes = muting.read(client)
    except redis.RedisError:
        # Redis holds the live state: nothing is live, at least from now on.
        found, alarms = live.Live(liveness=links.Liveness(False, now, ())), []
        mutes = {}
    rules = tables.rules
    board = stats.build(
        queues=found.state["queue"], agents=found.state["agent"], calls=found.state["call"],
        today=tables.tallies, last_call_end=tables.ends,
        dispatch_alarms=alarms, settings=rules, now=now,
        muted=[str(a.get("interface")) for a in found.state["agent"]
               if muting.muted(a, mutes)],
    )
    return board, stats.thresholds_of(rules), found.liveness


def hub_liveness(request: Request, link: links.Liveness, now: datetime
                 ) -> tuple[links.Liveness, float | None]:
    """The link as the page should show it, given this process's live-update subscriber.

    Figures read now are right, but with the subscriber away no change will reach the
    page: past the grace they are shown as not live. Also returns in how many seconds
    the grace ends (None: nothing pending).
    """
    hub = getattr(request.app.state, "hub", None)
    state = request.app.state
    if hub is None or hub.connected or not hub.client_count:
        state.wallboard_hub_lost = None
        return link, None
    lost = getattr(state, "wallboard_hub_lost", None)
    if lost is None:
        lost = state.wallboard_hub_lost = (time.monotonic(), now)
    waited = time.monotonic() - lost[0]
    if waited < HUB_GRACE_SECONDS:
        return link, HUB_GRACE_SECONDS - waited
    since = min(t for t in (link.since, lost[1]) if t is not None)
    return links.Liveness(False, since, link.nodes), None


def seconds_to_midnight(now: datetime) -> float:
    """Today's figures start again from zero at local midnight."""
    midnight = today.day_start(now) + timedelta(days=1)
    return (midnight - now).total_seconds() + 1


def due_in(board: stats.Board, link: links.Liveness, now: datetime,
           *extra: float | None) -> int | None:
    """Whole seconds until the page should look again with no event (None: never)."""
    found = [d for d in (stats.seconds_to_next_change(board),
                         links.seconds_to_stale(link, now), seconds_to_midnight(now), *extra)
             if d is not None]
    return max(1, int(min(found) + 0.999)) if found else None


def board_context(request: Request, db: Session, client: redis.Redis,
                  **values: Any) -> dict[str, Any]:
    """Everything the board's template needs, read and computed now."""
    # Counted before anything is read: the reads then show at least these updates.
    seq, started = update_sequence(request), time.monotonic()
    written = request.app.state.hub.rows_written if seq is not None else None
    now = datetime.now(request.app.state.settings.zone)
    tables = kept_tables(request).get(
        written, lambda counted, chats_of: wallboard_tables.read(
            db, client, now, counted, chats_of))
    board, _, link = board_for(client, now, tables, configured_nodes(request),
                               held_state(request))
    link, grace = hub_liveness(request, link, now)
    chats = tables.chats
    context = page_context(request, **values)
    context.update(board=board, link=link, now=now,
                   due=due_in(board, link, now, grace, chats.redraw_in), chats=chats,
                   seq=seq, started=started,
                   catalog=stats.BY_NAME, queue_labels=queue_labels(board, context["lang"]),
                   reason_label={
                       # A pause a supervisor made before reasons were picked from the
                       # list carries this code: named, never shown as a code.
                       DEFAULT_PAUSE_REASON: context["_"]("wallboard.reason_supervisor"),
                       **{code: pair[context["lang"] == "en"]
                          for code, pair in tables.reasons.items()}},
                   definition=stats.DEFINITION[str(context["lang"])],
                   cases_by_channel=tables.cases_by_channel,
                   chart_live=wallboard_charts.live_figures(board, link.live),
                   bands=stats.BANDS)
    context["rows"] = wallboard_rows.Rows(
        str(context["lang"]), bool(values.get("big")), context["_"], context["queue_labels"],
        context["reason_label"], {q.name: q.rules.wait_alarm for q in board.queues})
    return context


def queue_labels(board: stats.Board, lang: object) -> dict[str, str]:
    """Each queue's label as an admin set it, in the page's language (catalog otherwise)."""
    labels = {name: spec.label_en if lang == "en" else spec.label_th
              for name, spec in stats.BY_NAME.items()}
    labels.update({q.name: q.label_en if lang == "en" else q.label_th for q in board.queues})
    return labels


def held_state(request: Request) -> LiveMirror | None:
    """The process's copy of the live state, while its hub hears every change."""
    hub = getattr(request.app.state, "hub", None)
    return hub.mirror if hub is not None and hub.connected else None


def update_sequence(request: Request) -> int | None:
    """The process's count of live updates, when every change of the board is counted.

    That needs the hub subscribed and the link watcher running (it sees link keys that
    expire without a word). Otherwise (no live page open here, Redis away) nothing says
    when a drawing grows old: None, and every request draws.
    """
    hub = getattr(request.app.state, "hub", None)
    watcher = getattr(request.app.state, "wallboard_links", None)
    if hub is None or not hub.connected or watcher is None or not watcher.watching:
        return None
    return hub.sequence


@dataclass(frozen=True)
class Drawing:
    body: bytes
    sequence: int | None  # the updates it shows (None: not counted)
    expires: float | None  # time.monotonic() at which time alone changes it


class Drawings:
    """The process's latest drawing of each (language, view) and the one being made.

    A drawing is reused for requests that heard of no update newer than it, until time
    alone changes it. Only one drawing per key is made at a time: a request that needs
    a newer one waits for the drawing under way and, if that one is still too old for it,
    the first waiting request draws again for them all (its count, read when it starts,
    has reached every waiting request's). The waiting is done on the event loop: a
    hundred requests parked in threads would wake together and queue for the GIL.
    """

    def __init__(self) -> None:
        self._kept: dict[Any, Drawing] = {}
        self._under_way: dict[Any, asyncio.Future[None]] = {}
        self.drawn = 0  # drawings made, for the tests

    async def get(self, key: Any, sequence: int | None, draw: Callable[[], Drawing]) -> bytes:
        if sequence is None:
            self.drawn += 1
            return (await run_in_threadpool(draw)).body
        while True:
            kept = self._kept.get(key)
            if kept is not None and fresh(kept, sequence):
                return kept.body
            under_way = self._under_way.get(key)
            if under_way is None:
                break
            await asyncio.shield(under_way)
        done = self._under_way[key] = asyncio.get_running_loop().create_future()
        try:
            drawing = await run_in_threadpool(draw)
            if drawing.sequence is not None:
                self._kept[key] = drawing
            return drawing.body
        finally:
            self.drawn += 1
            del self._under_way[key]
            done.set_result(None)


def fresh(drawing: Drawing, sequence: int) -> bool:
    """Whether the drawing shows every update counted up to ``sequence``, now."""
    return (drawing.sequence is not None and drawing.sequence >= sequence
            and (drawing.expires is None or time.monotonic() < drawing.expires))


def kept_tables(request: Request) -> wallboard_tables.KeptTables:
    found = getattr(request.app.state, "wallboard_tables", None)
    if found is None:
        found = request.app.state.wallboard_tables = wallboard_tables.KeptTables()
    return found


def drawings(request: Request) -> Drawings:
    found = getattr(request.app.state, "wallboard_drawings", None)
    if found is None:
        found = request.app.state.wallboard_drawings = Drawings()
    return found


async def drawn_board(request: Request, client: redis.Redis, *, big: bool) -> bytes:
    """The board's HTML for this request's language and view, drawn once per update."""
    lang = str(page_context(request)["lang"])
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()

    def draw() -> Drawing:
        with factory() as db:  # reads only: closed, never committed
            context = board_context(request, db, client, big=big)
        html = templates.get_template("wallboard/board.html").render(context)
        body = INDENTATION.sub("\n", html).encode()
        due = context["due"]
        return Drawing(body, context["seq"],
                       None if due is None else context["started"] + due)

    return await drawings(request).get((lang, big), update_sequence(request), draw)
