"""The board pushed on the page's stream: one drawing per change for every screen of a kind."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

from agent_console.wallboard_push import BoardFeed, board_event


class Changes:
    """A source of updates the test sets off by hand."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[None] = asyncio.Queue()

    async def __call__(self) -> AsyncIterator[None]:
        while True:
            yield await self.queue.get()


def counting_feed(changes: Changes) -> tuple[BoardFeed, list[bytes]]:
    drawn: list[bytes] = []
    feed = BoardFeed(lambda: [changes()], interval=0.01)

    async def draw() -> bytes:
        drawn.append(b"<div>board %d</div>" % (len(drawn) + 1))
        return drawn[-1]

    feed.draw = draw
    return feed, drawn


def test_a_board_is_one_sse_event_whose_data_lines_join_back_into_the_html():
    event = board_event(b"<div>\n  <p>1</p>\n</div>")
    assert event == b"event: board\ndata: <div>\ndata:   <p>1</p>\ndata: </div>\n\n"
    lines = [line.removeprefix(b"data: ") for line in event.split(b"\n")[1:-2]]
    assert b"\n".join(lines) == b"<div>\n  <p>1</p>\n</div>"


def test_every_screen_gets_the_same_bytes_from_one_drawing_per_change():
    async def run() -> tuple[list[list[bytes]], list[bytes]]:
        changes = Changes()
        feed, drawn = counting_feed(changes)
        streams = [feed.boards() for _ in range(50)]
        first = await asyncio.gather(*(anext(s) for s in streams))
        changes.queue.put_nowait(None)
        second = await asyncio.gather(*(anext(s) for s in streams))
        for stream in streams:
            await stream.aclose()
        return [first, second], drawn

    (first, second), drawn = asyncio.run(run())
    assert set(first) == {board_event(drawn[0])}
    assert set(second) == {board_event(drawn[-1])}
    # Fifty screens, two changes (their joining, then one update): two drawings.
    assert len(drawn) == 2
    assert len({id(event) for event in second}) == 1  # one bytes object for every screen


def test_a_screen_that_falls_behind_gets_the_newest_board_only():
    async def run() -> tuple[list[bytes], list[bytes]]:
        changes = Changes()
        feed, drawn = counting_feed(changes)
        slow = feed.boards()
        got = [await anext(slow)]
        for _ in range(5):  # five changes, each drawn, while the screen reads nothing
            changes.queue.put_nowait(None)
            await asyncio.sleep(0.03)
        got.append(await anext(slow))
        await slow.aclose()
        return got, drawn

    got, drawn = asyncio.run(run())
    assert len(drawn) == 6
    assert got == [board_event(drawn[0]), board_event(drawn[-1])]


def test_the_feed_stops_drawing_when_its_last_screen_leaves():
    async def run() -> tuple[bool, int]:
        changes = Changes()
        feed, drawn = counting_feed(changes)
        stream = feed.boards()
        await anext(stream)
        await stream.aclose()
        await asyncio.sleep(0.05)
        changes.queue.put_nowait(None)
        await asyncio.sleep(0.05)
        return feed._task is not None and feed._task.done(), len(drawn)

    stopped, drawings = asyncio.run(run())
    assert stopped and drawings == 1


def test_a_dear_drawing_spaces_the_next_ones_out():
    """Updates that never stop, drawings that take 50 ms: at most a quarter of the time
    goes to drawing (the feed's ``drawing_share``), whatever the interval asked for."""
    async def run() -> tuple[list[float], int]:
        changes = Changes()
        feed = BoardFeed(lambda: [changes()], interval=0.01, drawing_share=0.25)
        loop = asyncio.get_running_loop()
        starts: list[float] = []

        async def draw() -> bytes:
            starts.append(loop.time())
            await asyncio.sleep(0.05)
            return b"<div>board</div>"

        feed.draw = draw
        stream = feed.boards()
        reader = asyncio.ensure_future(anext(stream))  # a screen holds the stream
        end = loop.time() + 0.9
        while loop.time() < end:
            changes.queue.put_nowait(None)
            await asyncio.sleep(0.005)
        await reader
        await stream.aclose()
        return starts, len(starts)

    starts, drawings = asyncio.run(run())
    # Each drawing began at least 4 × 50 ms after the one before (0.9 s: five at most).
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(starts))
    assert 2 <= drawings <= 5
