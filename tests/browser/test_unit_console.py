"""In chromium: an agent dispatches a Chiang Mai case; ``callcenter worker`` (a real process)
delivers the console alert to the Chiang Mai unit's open page, live (once, though its
delivery is repeated), with a beep and a notification; the unit acknowledges; the Bangkok
unit sees nothing; the agent's case timeline shows the step.

The console, the worker and this test share a Redis server of their own: the shared test
Redis is flushed by other suites at will, and a worker there could run their jobs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db import make_engine
from callcenter.provinces.models import ResponseUnit
from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.console_support import INTAKE
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_redis,
    page_errors,
    serve_console,
)
from tests.browser.watch import assert_clean_log
from tests.dispatch.worker_process import WorkerProcess


@pytest.fixture(scope="module")
def unit_console(console_db, live_redis) -> Iterator[str]:  # noqa: F811
    with serve_console(console_db, live_redis) as base:
        yield base


@pytest.fixture(scope="module")
def worker(console_db, live_redis, unit_console, tmp_path_factory) -> Iterator[WorkerProcess]:  # noqa: F811
    env = {"CALLCENTER_DATABASE_URL": console_db, "CALLCENTER_REDIS_URL": live_redis,
           "CALLCENTER_CONSOLE_BASE_URL": unit_console}
    running = WorkerProcess(env, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield running
    running.stop()
    assert_clean_log("the worker", running.log_path.read_text(errors="replace"))


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def unit_page(browser, base: str, login: str, errors):
    context = errors.watch_context(browser.new_context(
        locale="th-TH", permissions=["notifications"], viewport={"width": 360, "height": 740}))
    page = context.new_page()
    sign_in(page, base, login)
    page.wait_for_url(f"{base}/unit")
    # A selector, not wait_for_function: its polling evaluates a string, which the
    # console's Content-Security-Policy (script-src 'self') refuses.
    page.wait_for_selector("#unit-live[data-live='1']")
    return context, page


def chiang_mai_unit(db_url: str) -> int:
    engine = make_engine(db_url)
    with Session(engine) as session:
        unit_id = session.scalars(select(ResponseUnit.id)
                                  .where(ResponseUnit.code == "RRU-TH-50")).one()
    engine.dispose()
    return unit_id


def test_the_unit_gets_the_alert_live_from_the_worker_and_acknowledges_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("unit_console")
    db_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    worker = request.getfixturevalue("worker")
    errors = request.getfixturevalue("page_errors")
    chiang_mai, th50 = unit_page(browser, console, "unit.th50", errors)
    bangkok, th10 = unit_page(browser, console, "unit.th10", errors)
    assert th50.is_visible("#unit-empty")

    # What the worker publishes on the unit's topic, kept to repeat it below.
    client = redis.Redis.from_url(redis_url)
    listener = client.pubsub()
    topic = f"unit.{chiang_mai_unit(db_url)}.alerts"
    listener.subscribe(topic)
    listener.get_message(timeout=1)  # the subscription's confirmation

    hotline = errors.watch_context(browser.new_context(locale="th-TH"))
    agent = hotline.new_page()
    sign_in(agent, console, "agent1")
    agent.wait_for_url(f"{console}/agent")
    headers = {"X-CSRF-Token": agent.get_attribute("input[name=csrf_token]", "value")}
    case = agent.request.post(f"{console}/api/cases", data=INTAKE, headers=headers).json()
    sent = agent.request.post(f"{console}/api/cases/{case['id']}/dispatches", headers=headers,
                              data={"unit_brief": "หญิง บาดเจ็บ อยู่บ้านตามที่อยู่"})
    assert sent.status == 201, sent.text()
    dispatch_id = sent.json()["id"]

    # The console committed and enqueued; the worker process delivers.
    message = None
    for _ in range(30):
        message = listener.get_message(timeout=1)
        if message and message["type"] == "message":
            break
    assert message is not None and message["type"] == "message", worker.log()
    payload = json.loads(message["data"])
    assert payload["dispatch_id"] == dispatch_id
    # A repeated delivery (a worker killed after sending): the same payload, the same key.
    client.publish(topic, message["data"])
    listener.close()
    client.close()

    # The alert itself arrives (its key on the card), whether or not the list showed it first.
    alert = th50.wait_for_selector(f".unit-alert[data-key='{payload['idempotency_key']}']"
                                   f":has-text('{case['number']}')", timeout=10_000)
    th50.wait_for_selector(f"#dispatch-list:has-text('{case['number']}')", timeout=10_000)
    th50.wait_for_timeout(1000)  # time for the repeated delivery to arrive, if it would show
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
    with errors.allowed("status of 404"):  # the browser's line for the refused page
        assert th10.goto(f"{console}/unit/dispatches/{dispatch_id}").status == 404

    agent.goto(f"{console}/cases/{case['id']}")
    # The hotline's page is Thai: the unit's acknowledgement is named in Thai, and how it came.
    timeline = agent.text_content("#timeline")
    assert "หน่วยรับทราบ" in timeline and "หน่วยตอบรับทาง" in timeline
    assert worker.alive, worker.log()
    for context in (chiang_mai, bangkok, hotline):
        context.close()


# Relative luminance and contrast as WCAG 2 defines them, from the computed colours: the
# text's colour against the first opaque background behind it.
CONTRAST = """(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const element = document.querySelector(selector);
  let node = element, background = null;
  while (node) {
    const [r, g, b, a] = parse(getComputedStyle(node).backgroundColor);
    if (a === undefined || a > 0) { background = [r, g, b]; break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const luminance = ([r, g, b]) => {
    const lin = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const fg = luminance(parse(getComputedStyle(element).color).slice(0, 3));
  const bg = luminance(background);
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}"""
SHOTS = Path("/tmp")
# What the field reads first and presses: AAA (7:1) for both.
MAIN = ("#unit-next-text", "#unit-next .unit-btn.go", "#call-centre", ".unit-risk")
FIELD_CASE = {**INTAKE, "do_not_call_back": True, "call_window": "หลัง 18:00 น.",
              "risk": {"weapon": True, "perpetrator_present": True}}


def contrasts(page) -> dict[str, float]:
    return {s: round(page.evaluate(CONTRAST, s), 2) for s in MAIN if page.query_selector(s)}


def test_the_unit_walks_a_dispatch_through_every_step_reading_what_to_do_next(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("unit_console")
    errors = request.getfixturevalue("page_errors")
    hotline = errors.watch_context(browser.new_context(locale="th-TH"))
    agent = hotline.new_page()
    sign_in(agent, console, "agent1")
    agent.wait_for_url(f"{console}/agent")
    headers = {"X-CSRF-Token": agent.get_attribute("input[name=csrf_token]", "value")}
    case = agent.request.post(f"{console}/api/cases", data=FIELD_CASE, headers=headers).json()
    sent = agent.request.post(f"{console}/api/cases/{case['id']}/dispatches", headers=headers,
                              data={"unit_brief": "บ้านหลังวัด ประตูสีเขียว"})
    assert sent.status == 201, sent.text()
    url = f"{console}/unit/dispatches/{sent.json()['id']}"

    phones = {}
    for scheme in ("light", "dark"):
        context = errors.watch_context(browser.new_context(
            locale="th-TH", color_scheme=scheme, viewport={"width": 390, "height": 844}))
        phones[scheme] = context.new_page()
        sign_in(phones[scheme], console, "unit.th50")
        phones[scheme].wait_for_url(f"{console}/unit")
        phones[scheme].goto(url)
    th50 = phones["light"]

    # Risks and safe contact first, then the place with its district, the brief, the actions.
    tops = [th50.locator(s).bounding_box()["y"] for s in
            ("#unit-safety", "#unit-place", "#unit-brief", "#unit-next", "#call-centre")]
    assert tops == sorted(tops)
    assert th50.locator(".unit-risk").all_text_contents() == [
        "ผู้ถูกกล่าวหาอยู่ด้วย", "มีการใช้หรือขู่ด้วยอาวุธ"]
    assert "อำเภอเมืองเชียงใหม่" in th50.text_content("#unit-district") or \
        "เมืองเชียงใหม่" in th50.text_content("#unit-district")
    assert th50.get_attribute("#call-centre", "href") == "tel:1300"
    assert "สมหญิง ใจดี" in th50.text_content("#unit-ask")
    # For a person to look at: the phone's first screen, light and dark, in Thai.
    th50.screenshot(path=str(SHOTS / "unit_field_390_th.png"))
    phones["dark"].screenshot(path=str(SHOTS / "unit_field_390_th_dark.png"), full_page=True)

    for scheme, page in phones.items():
        low = {s: c for s, c in contrasts(page).items() if c < 7}
        assert low == {}, (scheme, contrasts(page))
        assert len(contrasts(page)) == len(MAIN), (scheme, contrasts(page))

    steps = (("#do-acknowledge", "ออกเดินทางไปยังที่เกิดเหตุ"),
             ("#do-en-route", "เมื่อถึงที่เกิดเหตุ"),
             ("#do-on-scene", "ช่วยเหลือผู้ประสบปัญหา"))
    assert "กดรับทราบภายใน 10 นาที" in th50.text_content("#unit-next-text")
    for button, sentence in steps:
        th50.click(f"#unit-next {button}")
        th50.wait_for_selector(f"#unit-next-text:has-text('{sentence}')")
        assert th50.locator("#unit-next .unit-btn.go").count() == 1
        low = {s: c for s, c in contrasts(th50).items() if c < 7}
        assert low == {}, contrasts(th50)
    th50.select_option("#outcome", "helped_on_site")
    th50.click("#do-complete")
    th50.wait_for_selector("#unit-next-text:has-text('ปิดงานแล้ว')")
    assert th50.locator("#unit-next .unit-btn").count() == 0
    assert th50.evaluate("document.documentElement.scrollWidth") <= 390
    for context in [hotline, *(p.context for p in phones.values())]:
        context.close()
