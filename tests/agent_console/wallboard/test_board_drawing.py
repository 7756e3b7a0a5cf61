"""The board the server draws for the live page: its fragment, the toasts of the forms,
and one drawing per burst of requests in a process."""

import asyncio
import re
import threading
import time

from agent_console import wallboard_drawing
from callcenter.queues import links

from .conftest import NODE
from .test_pages import AGENT, live_floor, row, supervisor_token

HTMX = {"HX-Request": "true"}


def test_the_page_fetches_the_drawn_board_without_the_page_around_it(
        supervisor_client, redis_client):
    live_floor(redis_client)
    board = supervisor_client.get("/wallboard/board?view=desktop&lang=en", headers=HTMX)
    assert board.status_code == 200
    assert "<html" not in board.text and board.text.lstrip().startswith('<div id="wallboard"')
    assert row(board.text, "violence")["waiting"] == "1"
    # Times that grow by themselves carry their value for the page's ticker.
    assert re.search(r'<td data-k="longest_wait" data-seconds="7\d">', board.text)
    assert 'data-action="listen"' in board.text
    assert 'hx-post="/supervisor/agents/listen"' in board.text
    big = supervisor_client.get("/wallboard/board?view=big&lang=en", headers=HTMX).text
    assert "wallboard big" in big and "hx-post" not in big, "no buttons on a wall screen"
    assert "0800000000" not in board.text + big, "no caller number on a wall screen"


def test_the_page_is_told_when_time_alone_changes_the_board(supervisor_client, redis_client):
    # A talking agent (amber at 600 s), a caller already alarmed, and a heartbeat written
    # now: the first change is that heartbeat going stale if no newer one comes.
    live_floor(redis_client)
    board = supervisor_client.get("/wallboard/board?lang=en", headers=HTMX).text
    due = int(re.search(r'data-due="(\d+)"', board).group(1))
    assert links.STALE_AFTER_SECONDS - 2 <= due <= links.STALE_AFTER_SECONDS


def test_an_action_from_the_page_answers_with_a_toast_in_the_pages_language(
        supervisor_client, redis_client, fake_bridge):
    live_floor(redis_client)
    answer = supervisor_client.post(
        "/supervisor/agents/pause?lang=en", data={"interface": AGENT, "node": NODE},
        headers={**supervisor_token(supervisor_client), **HTMX})
    assert answer.status_code == 200
    assert re.fullmatch(r'<div class="toast" role="status">[^<]+</div>\s*', answer.text)
    refused = supervisor_client.post(
        "/supervisor/calls/move?lang=en", data={"uniqueid": "9.1", "node": NODE,
                                                "queue": "nowhere"},
        headers={**supervisor_token(supervisor_client), **HTMX})
    assert refused.status_code == 400
    assert '<div class="toast error" role="alert">' in refused.text
    assert "no such queue" in refused.text


def test_a_burst_of_screens_gets_one_drawing_per_language_and_view():
    drawings = wallboard_drawing.Drawings()
    drawn = []

    def at(sequence):
        def draw():
            drawn.append(1)
            return wallboard_drawing.Drawing(f"drawing {len(drawn)}".encode(), sequence, None)
        return draw

    async def asks():
        return [
            await drawings.get(("th", False), 7, at(7)),
            await drawings.get(("th", False), 7, at(7)),
            await drawings.get(("en", False), 7, at(7)),
            # A screen that heard of a newer update gets a drawing that shows it.
            await drawings.get(("th", False), 8, at(8)),
            # Nothing counts updates (no live page here): every request draws.
            await drawings.get(("th", False), None, at(None)),
            await drawings.get(("th", False), None, at(None)),
            await drawings.get(("th", False), 8, at(8)),
        ]

    assert asyncio.run(asks()) == [b"drawing 1", b"drawing 1", b"drawing 2", b"drawing 3",
                                   b"drawing 4", b"drawing 5", b"drawing 3"]


def test_time_alone_ends_a_drawing_with_no_new_update():
    drawings = wallboard_drawing.Drawings()
    made = iter([b"before", b"after"])

    def draw():
        return wallboard_drawing.Drawing(next(made), 3, time.monotonic() + 0.1)

    async def asks():
        first = [await drawings.get("th", 3, draw), await drawings.get("th", 3, draw)]
        await asyncio.sleep(0.15)
        return [*first, await drawings.get("th", 3, draw)]

    assert asyncio.run(asks()) == [b"before", b"before", b"after"]


def test_a_hundred_screens_asking_after_one_update_get_one_drawing():
    drawings = wallboard_drawing.Drawings()

    def slow_draw():
        time.sleep(0.2)  # every request comes in while the first one draws
        return wallboard_drawing.Drawing(b"board 12", 12, None)

    async def asks():
        return await asyncio.gather(*(drawings.get(("th", True), 12, slow_draw)
                                      for _ in range(100)))

    assert set(asyncio.run(asks())) == {b"board 12"}
    assert drawings.drawn == 1


def test_screens_that_heard_of_an_update_during_a_drawing_share_the_next_one():
    drawings = wallboard_drawing.Drawings()
    sequence = [5]
    first_started = threading.Event()

    def draw():
        seen = sequence[0]  # counted when the drawing starts, as board_context does
        if seen == 5:
            first_started.set()
            time.sleep(0.2)
        return wallboard_drawing.Drawing(f"board {seen}".encode(), seen, None)

    async def asks():
        early = asyncio.ensure_future(drawings.get("th", 5, draw))
        await asyncio.to_thread(first_started.wait, 5)
        sequence[0] = 6  # an update arrives while the drawing of 5 is under way
        late = [drawings.get("th", 6, draw) for _ in range(20)]
        return await early, set(await asyncio.gather(*late))

    early, late = asyncio.run(asks())
    assert early == b"board 5"
    assert late == {b"board 6"}, "never the drawing begun before the update"
    assert drawings.drawn == 2
