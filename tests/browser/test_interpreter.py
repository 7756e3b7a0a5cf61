"""In chromium, against the simulated Asterisk and a real bridge: an agent on a call adds
a Burmese interpreter, sees three on the line, drops the interpreter and keeps the caller;
the case opened from the call shows the interpreter's language and times."""

from __future__ import annotations

import json
import re

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.models import Call
from callcenter.db import make_engine
from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.console_support import INTAKE
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.support.simulated_floor import SimulatedFloor, eventually


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def _talking(redis_url: str) -> str | None:
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match="live.*.calls"):
            for body in client.hvals(key):
                call = json.loads(body)
                if call.get("state") == "talking":
                    return call["uniqueid"]
    finally:
        client.close()
    return None


def test_an_agent_adds_a_burmese_interpreter_and_drops_them(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    errors = request.getfixturevalue("page_errors")
    engine = make_engine(db_url)
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    try:
        with SimulatedFloor(redis_url, sessions=sessionmaker(engine)) as floor:
            sign_in(page, console, "agent1")
            page.wait_for_url(f"{console}/agent")
            floor.call()
            uniqueid = eventually(lambda: _talking(redis_url))

            def recorded() -> int | None:
                with Session(engine) as session:
                    return session.scalar(select(Call.id).where(Call.uniqueid == uniqueid))

            call_id = eventually(recorded)
            page.reload()  # the snapshot brings the call, now recorded, to the screen-pop
            page.wait_for_selector("#interpreter-language", timeout=15_000)
            page.select_option("#interpreter-language", "my")
            page.wait_for_selector("#interpreter-proposals li[data-interpreter]")
            assert "เมียนมา" in page.text_content("#interpreter-proposals")
            page.click("#interpreter-proposals li[data-interpreter] button")
            page.wait_for_selector('#three-way-count[data-count="3"]', timeout=15_000)
            page.wait_for_selector('#guest-rows li[data-state="in"]', timeout=15_000)
            page.click("#guest-rows li[data-state='in'] button[id^='drop-guest-']")
            page.wait_for_selector('#three-way-count[data-count="2"]', timeout=15_000)
            page.wait_for_selector('#guest-rows li[data-state="left"]')

            # The case opened from this call shows who interpreted, and when.
            csrf = re.search(r'"X-CSRF-Token": "([^"]+)"',
                             page.get_attribute("body", "hx-headers")).group(1)
            opened = page.request.post(f"{console}/api/cases", headers={"X-CSRF-Token": csrf},
                                       data={**INTAKE, "call_id": call_id})
            assert opened.status == 201, opened.text()
            case = opened.json()
            page.goto(f"{console}/cases/{case['id']}")
            page.wait_for_selector("#case-guests li[data-language='my']")
            row = page.text_content("#case-guests li[data-language='my']")
            assert "ล่าม" in row and "เมียนมา" in row
            assert page.query_selector("#case-guests .guest-in")
            assert page.query_selector("#case-guests .guest-out")
    finally:
        context.close()
        engine.dispose()
