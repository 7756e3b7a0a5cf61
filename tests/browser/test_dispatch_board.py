"""In chromium: a supervisor's open dispatch board shows the unit's acknowledgement as it
happens, without a reload (the board's live stream asks htmx to fetch the table again).

The console and this test share a Redis server of their own, so no other suite's
dispatch events refresh the board.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy.orm import sessionmaker

from callcenter.db import make_engine
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.delivery import enqueue
from callcenter.dispatch.models import Dispatch
from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.console_support import INTAKE
from tests.browser.console_stack import (  # noqa: F401
    complete_in_page,
    console_browser,
    console_db,
    live_redis,
    serve_console,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def board_console(console_db, live_redis) -> Iterator[str]:  # noqa: F811
    with serve_console(console_db, live_redis) as base:
        yield base


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login?lang=en")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def dispatch_a_case(browser, base: str) -> int:
    """agent1 opens a Chiang Mai case and dispatches it, as the case page would."""
    context = browser.new_context()
    agent = context.new_page()
    sign_in(agent, base, "agent1")
    agent.wait_for_url(f"{base}/agent")
    headers = {"X-CSRF-Token": agent.get_attribute("input[name=csrf_token]", "value")}
    case = agent.request.post(f"{base}/api/cases", data=INTAKE, headers=headers).json()
    sent = agent.request.post(f"{base}/api/cases/{case['id']}/dispatches", headers=headers,
                              data={"unit_brief": "หญิงบาดเจ็บ รออยู่ที่บ้าน"})
    assert sent.status == 201, sent.text()
    dispatch_id = sent.json()["id"]
    context.close()
    return dispatch_id


def test_a_units_acknowledgement_arrives_on_the_open_board_without_a_reload(request):
    browser = request.getfixturevalue("console_browser")
    base = request.getfixturevalue("board_console")
    db_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    dispatch_id = dispatch_a_case(browser, base)

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    sign_in(page, base, "supervisor")
    complete_in_page(page, "supervisor")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{base}/dispatches?lang=en")
    row = f'#dispatch-board tr[data-dispatch="{dispatch_id}"]'
    assert page.get_attribute(row, "data-status") == "created"
    reloads: list[str] = []
    page.on("load", lambda: reloads.append(page.url))
    refetched: list[str] = []
    page.on("request", lambda r: r.headers.get("hx-request") and refetched.append(r.url))

    # The unit acknowledges (on its phone, through the service), and the commit is published
    # as the console and the worker publish it.
    engine = make_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        unit_id = session.get(Dispatch, dispatch_id).unit_id
        dispatches.acknowledge(session, dispatch_id, unit_id=unit_id, actor_id=None)
        session.commit()
    publisher = redis.Redis.from_url(redis_url)
    acknowledged = f'{row}[data-status="acknowledged"]'
    # The page's stream may still be connecting: the state is published again (as a
    # reconnecting bridge would) until the board shows it, at most for 20 s.
    deadline = time.monotonic() + 20
    while not page.locator(acknowledged).count():
        assert time.monotonic() < deadline, "the acknowledgement never reached the board"
        enqueue.publish_state(publisher, dispatch_id, sessions=sessions)
        page.wait_for_timeout(500)
    publisher.close()
    engine.dispose()

    assert "Acknowledged" in page.inner_text(row)
    assert reloads == [], "the board was reloaded"
    assert any("/dispatches" in url for url in refetched)
    assert problems == []
    context.close()
