"""In chromium: an agent dispatches a Chiang Mai case; the Chiang Mai unit's open page gets
the alert live (once, though its delivery is retried), with a beep and a notification, and
acknowledges it; the Bangkok unit sees nothing; the agent's case timeline shows the step."""

from __future__ import annotations

import json

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db import make_engine
from callcenter.dispatch import jobs
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.dispatch.models import Alert
from callcenter.provinces.models import ResponseUnit
from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.console_support import INTAKE
from tests.browser.console_stack import console_browser, console_db, live_console  # noqa: F401
from tests.conftest import REDIS_URL


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def unit_page(browser, base: str, login: str):
    context = browser.new_context(locale="th-TH", permissions=["notifications"],
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, base, login)
    page.wait_for_url(f"{base}/unit")
    # A selector, not wait_for_function: its polling evaluates a string, which the
    # console's Content-Security-Policy (script-src 'self') refuses.
    page.wait_for_selector("#unit-live[data-live='1']")
    return context, page


def deliver_console_alert(db_url: str, dispatch_id: int) -> str:
    """Run the worker's delivery job in-process; return what the unit's topic carried."""
    engine = make_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    client = redis.Redis.from_url(REDIS_URL)
    with Session(engine) as session:
        alert_id = session.scalars(select(Alert.id).where(Alert.dispatch_id == dispatch_id)).one()
        unit_id = session.scalars(select(ResponseUnit.id)
                                  .where(ResponseUnit.code == "RRU-TH-50")).one()
    listener = client.pubsub()
    listener.subscribe(f"unit.{unit_id}.alerts")
    listener.get_message(timeout=1)  # the subscription's confirmation
    ctx = jobs.Context(get_dispatch_settings(), sessions, client)
    assert jobs.deliver(ctx, alert_id) == "delivered"
    message = listener.get_message(timeout=5)
    assert message is not None and message["type"] == "message"
    # A retried delivery (a worker killed after sending): the same payload, the same key.
    client.publish(f"unit.{unit_id}.alerts", message["data"])
    listener.close()
    client.close()
    engine.dispose()
    return message["data"].decode()


def test_the_unit_gets_the_alert_live_and_acknowledges_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    chiang_mai, th50 = unit_page(browser, console, "unit.th50")
    bangkok, th10 = unit_page(browser, console, "unit.th10")
    assert th50.is_visible("#unit-empty")

    hotline = browser.new_context(locale="th-TH")
    agent = hotline.new_page()
    sign_in(agent, console, "agent1")
    agent.wait_for_url(f"{console}/agent")
    headers = {"X-CSRF-Token": agent.get_attribute("input[name=csrf_token]", "value")}
    case = agent.request.post(f"{console}/api/cases", data=INTAKE, headers=headers).json()
    sent = agent.request.post(f"{console}/api/cases/{case['id']}/dispatches", headers=headers)
    assert sent.status == 201, sent.text()
    dispatch_id = sent.json()["id"]

    payload = json.loads(deliver_console_alert(db_url, dispatch_id))
    assert payload["dispatch_id"] == dispatch_id
    # The alert itself arrives (its key on the card), whether or not the list showed it first.
    alert = th50.wait_for_selector(f".unit-alert[data-key='{payload['idempotency_key']}']"
                                   f":has-text('{case['number']}')", timeout=10_000)
    th50.wait_for_selector(f"#dispatch-list:has-text('{case['number']}')", timeout=10_000)
    th50.wait_for_timeout(1000)  # time for the retried delivery to arrive, if it would show
    assert th50.locator(".unit-alert").count() == 1
    live = th50.locator("#unit-live")
    assert live.get_attribute("data-alerts") == "1"
    assert live.get_attribute("data-beeps") == "1"
    assert live.get_attribute("data-notified") == "1"

    alert.query_selector("a").click()
    th50.wait_for_url(f"{console}/unit/dispatches/{dispatch_id}")
    assert "มาลี ใจดี" not in th50.content()  # the visit gets no full name
    th50.click("#do-acknowledge")
    th50.wait_for_selector("#dispatch-status:has-text('รับเรื่องแล้ว')")
    assert th50.is_visible("#do-on-scene")
    # 360 px wide: nothing sideways to scroll.
    assert th50.evaluate("document.documentElement.scrollWidth") <= 360

    assert th10.locator(".unit-alert").count() == 0
    assert th10.locator("#unit-live").get_attribute("data-beeps") == "0"
    th10.reload()
    assert case["number"] not in th10.text_content("#dispatch-list")
    assert th10.goto(f"{console}/unit/dispatches/{dispatch_id}").status == 404

    agent.goto(f"{console}/cases/{case['id']}")
    assert "acknowledged" in agent.text_content("#timeline")
    for context in (chiang_mai, bangkok, hotline):
        context.close()
