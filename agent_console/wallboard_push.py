"""The drawn wallboard pushed on the page's stream: one drawing loop per (language, view).

A wall screen fetching the board on each change costs the web process an HTTP request
(its middleware and sign-in check) per screen per change. Instead each web process keeps
one ``BoardFeed`` per (language, view) while any page of that kind is open: it hears the
same updates as the streams, draws the board once (``wallboard_drawing.drawn_board``, at
most once per ``interval``) and hands the same bytes, as one SSE ``board`` event, to every
stream of that kind, which htmx swaps in (``sse-swap``). A stream whose socket is slow
skips to the newest board: each stream holds one board at most, never a queue of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from callcenter import topics

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS = 15.0
# The share of a web process's time one feed may spend drawing when updates never stop.
DRAWING_SHARE = 0.4


@functools.lru_cache(maxsize=16)
def board_event(body: bytes) -> bytes:
    """One drawing as an SSE event (htmx joins the data lines again with newlines).

    Every stream of a feed gets the same bytes object: the first one pays."""
    name = topics.BOARD.encode()
    return b"event: " + name + b"\ndata: " + body.replace(b"\n", b"\ndata: ") + b"\n\n"


@dataclass(eq=False)
class Screen:
    """One stream's slot: the newest board it has not sent yet."""

    ready: asyncio.Event = field(default_factory=asyncio.Event)
    board: bytes | None = None
    sent: bytes | None = None

    def offer(self, board: bytes) -> None:
        if board is not self.sent:
            self.board = board
            self.ready.set()


class BoardFeed:
    """Draws one (language, view) of the board when something changed, for all its screens.

    ``changes`` are the sources of updates (the hub's and the link watcher's), started
    with the first screen and stopped with the last. ``draw`` (set by the router) makes
    or reuses a drawing for the process's current update count.
    """

    draw: Callable[[], Awaitable[bytes]]

    def __init__(self, changes: Callable[[], list[AsyncIterator[object]]],
                 interval: float, drawing_share: float = DRAWING_SHARE) -> None:
        self.changes = changes
        self.interval = interval
        self.drawing_share = drawing_share
        self._screens: set[Screen] = set()
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def boards(self) -> AsyncIterator[bytes]:
        """This screen's SSE bytes: the board at once, then each newer one, with keep-alives."""
        screen = Screen()
        self._screens.add(screen)
        self._dirty.set()  # a new screen gets a board of its own now
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="wallboard-feed")
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(screen.ready.wait(), KEEP_ALIVE_SECONDS)
                if not screen.ready.is_set():
                    yield b": keep-alive\n\n"
                    continue
                screen.ready.clear()
                board, screen.board = screen.board, None
                if board is not None:
                    screen.sent = board
                    yield board_event(board)
        finally:
            self._screens.discard(screen)
            if not self._screens and self._task is not None:
                self._task.cancel()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        pumps = [asyncio.create_task(self._pump(source)) for source in self.changes()]
        try:
            while True:
                await self._dirty.wait()
                self._dirty.clear()
                started = loop.time()
                try:
                    board = await self.draw()
                except Exception as exc:
                    # The database or Redis away: the next update tries again, and the
                    # drawing's own liveness check shows the screens what is lost. Logged
                    # by type only, like every fault that may carry a query's values.
                    log.warning("wallboard.not_drawn error=%s", type(exc).__name__)
                else:
                    for screen in tuple(self._screens):
                        screen.offer(board)
                # A busy floor changes hundreds of times a second; a screen needs a few
                # boards a second. Updates heard meanwhile make the next drawing, one
                # interval after this one began (its own time is not waited twice), or
                # later when drawing grows dear (a loaded machine, a huge floor): drawing
                # takes at most ``drawing_share`` of the process's time, whatever the load.
                took = loop.time() - started
                await asyncio.sleep(max(self.interval, took / self.drawing_share) - took)
        finally:
            for pump in pumps:
                pump.cancel()
            for pump in pumps:
                with contextlib.suppress(asyncio.CancelledError):
                    await pump

    async def _pump(self, source: AsyncIterator[object]) -> None:
        async for _ in source:
            self._dirty.set()
