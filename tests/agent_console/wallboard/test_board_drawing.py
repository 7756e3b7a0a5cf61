"""The board the server draws for the live page: its fragment, the toasts of the forms,
and one drawing per burst of requests in a process."""

import re
import time

from agent_console import wallboard_drawing
from callcenter.queues import links
from tests.agent_console.wallboard.test_pages import AGENT, live_floor, row, supervisor_token

from .conftest import NODE

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

    def draw():
        drawn.append(1)
        return f"drawing {len(drawn)}".encode()

    assert drawings.get(("th", False), draw) == b"drawing 1"
    assert drawings.get(("th", False), draw) == b"drawing 1"
    assert drawings.get(("en", False), draw) == b"drawing 2"
    time.sleep(wallboard_drawing.FRESH_SECONDS + 0.05)
    assert drawings.get(("th", False), draw) == b"drawing 3"
