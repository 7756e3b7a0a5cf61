"""The wallboard's live part, drawn on the server once per update per web process.

Every open wallboard hears the same stream events at the same moment and asks for the
board again; a hundred wall screens must not mean a hundred reads of Redis and the
database and a hundred renderings. So the drawing of each (language, view) is kept for
``FRESH_SECONDS``: the first request of a burst draws it (the others wait for that one,
not beside it) and every screen of the process gets the same bytes. It holds nothing
personal (no CSRF token, no name), which is what makes sharing it safe.

The page then looks again on its own only when time alone changes the board
(``stats.seconds_to_next_change``, a heartbeat going stale, midnight) — never by polling.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import redis
from fastapi import Request
from sqlalchemy.orm import Session

from agent_console.deps import page_context
from agent_console.templating import templates
from callcenter.dispatch import notify
from callcenter.queues import links, live, stats
from callcenter.reports import today

# Shorter than the page's one-second throttle: a screen that asks again has always
# heard of a newer event than the drawing it would be given.
FRESH_SECONDS = 0.25
# A new stream says "not yet" while the process's subscriber connects: only a
# subscriber that stays away for this long makes the figures stale.
HUB_GRACE_SECONDS = 3.0


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
    now = datetime.now(request.app.state.settings.zone)
    tallies, ends = today.tallies(db, now), today.last_call_ends(db, now)
    board, _, link = board_for(db, client, now, tallies, ends, configured_nodes(request))
    link, grace = hub_liveness(request, link, now)
    context = page_context(request, **values)
    context.update(board=board, link=link, now=now, due=due_in(board, link, now, grace),
                   catalog=stats.BY_NAME, long_wait=stats.LONG_WAIT_SECONDS,
                   definition=stats.DEFINITION[str(context["lang"])])
    return context


@dataclass
class Drawings:
    """The process's latest drawing of each (language, view), and the lock that makes one
    request draw it while the others of the same burst wait."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    drawn: dict[tuple[str, bool], tuple[float, bytes]] = field(default_factory=dict)

    def get(self, key: tuple[str, bool], draw: Any) -> bytes:
        with self.lock:
            kept = self.drawn.get(key)
            if kept is not None and time.monotonic() - kept[0] < FRESH_SECONDS:
                return kept[1]
            body = draw()
            self.drawn[key] = (time.monotonic(), body)
            return body


def drawings(request: Request) -> Drawings:
    found = getattr(request.app.state, "wallboard_drawings", None)
    if found is None:
        found = request.app.state.wallboard_drawings = Drawings()
    return found


def drawn_board(request: Request, db: Session, client: redis.Redis, *, big: bool) -> bytes:
    """The board's HTML for this request's language and view, drawn at most once a burst."""
    lang = str(page_context(request)["lang"])

    def draw() -> bytes:
        context = board_context(request, db, client, big=big)
        return templates.get_template("wallboard/board.html").render(context).encode()

    return drawings(request).get((lang, big), draw)
