"""The big-screen wallboard on a wall, in Chromium: it fits 1920×1080 and 1440×900 with no
column cut off, the queues, the agents and every chart on the first screen at 1920×1080,
its charts are drawn from the call records and the live board, and the alarm sounds once
per crossing unless this browser silenced it.

The PBX is not needed: the bridge's live state is written into a private Redis as the
bridge writes it, and published as it publishes, so the page's stream redraws the board.
"""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis as redis_lib

from callcenter.calls.models import CallOutcome
from callcenter.seed import DEMO_PASSWORD, seed_all
from callcenter.topics import queue_topic
from tests.agent_console import second_factor
from tests.browser.watch import PageErrors, assert_clean_log
from tests.support.builders import CallSpec, add_call
from tests.support.web_stack import WebProcess, private_redis_fixture  # noqa: F401

playwright = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NODE = "pbx1"  # the web process's configured node
SHOTS = Path("/tmp")
# The page's Web Audio, counted instead of played: each beep is two tones.
COUNT_TONES = """
window.__tones = 0;
window.AudioContext = class {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  createOscillator() { return { frequency: {}, connect() {}, stop() {},
                                start() { window.__tones += 1; } }; }
  createGain() { return { gain: {}, connect() {} }; }
  resume() {}
};
"""

# Where the wall's parts are drawn, from the top of the page as it opens (not scrolled).
BOXES = """() => Object.fromEntries(
  ['#wb-queues', '.wb-agents', '#wb-chart-calls', '#wb-chart-sl', '#wb-chart-waiting',
   '#wb-chart-agents', '#wb-chart-states'].map((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return [s, {top: r.top, bottom: r.bottom, left: r.left, right: r.right}];
  }))"""


def calls_of_today_and_last_week(session) -> None:
    """violence: 6 of 7 in time (85.7 %, flagged); trafficking: 2 abandons (0 %, not judged)."""
    now = datetime.now(UTC)
    for minutes, wait in [(20, 4), (19, 4), (18, 4), (17, 4), (16, 4), (15, 4), (14, 50)]:
        add_call(session, CallSpec(now - timedelta(minutes=minutes), wait=wait,
                                   agent="Local/agent1@agents/n"))
    for minutes in (13, 12):
        add_call(session, CallSpec(now - timedelta(minutes=minutes), CallOutcome.ABANDONED,
                                   queue="trafficking", wait=30))
    add_call(session, CallSpec(now - timedelta(days=7, minutes=20), wait=4))


def live_floor(client: redis_lib.Redis, callers: dict[str, int]) -> None:
    """The bridge's link and live state: callers waiting for so many seconds, two agents."""
    now = datetime.now(UTC)
    client.set(f"bridge.{NODE}.link", json.dumps({
        "node": NODE, "state": "up", "fault": None, "since": now.isoformat(),
        "heartbeat": now.timestamp()}), px=15000)
    waiting = [{"uniqueid": uid, "position": i + 1, "priority": 3,
                "joined_at": (now - timedelta(seconds=s)).isoformat()}
               for i, (uid, s) in enumerate(callers.items())]
    queue = {"node": NODE, "name": "violence", "waiting": waiting}
    client.hset(f"live.{NODE}.queues", "violence", json.dumps(queue))
    for interface, name, status in [("Local/agent1@agents/n", "สมหญิง ใจดี", "in_call"),
                                    ("Local/agent2@agents/n", "สมชาย ดีมาก", "paused")]:
        client.hset(f"live.{NODE}.agents", interface, json.dumps({
            "node": NODE, "interface": interface, "name": name, "status": status,
            "paused_reason": "break" if status == "paused" else None,
            "changed_at": (now - timedelta(minutes=12)).isoformat(),
            "queues": {"violence": {"paused": status == "paused",
                                    "paused_reason": "break" if status == "paused" else None}}}))
    client.publish(queue_topic("violence"), json.dumps(queue))


async def keep_link_up(client: redis_lib.Redis) -> None:
    while True:
        await asyncio.sleep(2)
        now = datetime.now(UTC)
        client.set(f"bridge.{NODE}.link", json.dumps({
            "node": NODE, "state": "up", "fault": None, "since": now.isoformat(),
            "heartbeat": now.timestamp()}), px=15000)


async def until(check, timeout: float = 20.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await check():
        if loop.time() > end:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.2)


async def drawn(page, canvas: str) -> bool:
    return await page.locator(f"#wb-chart-{canvas}[data-drawn='1']").count() == 1


async def test_the_big_wallboard_fits_the_wall_draws_its_charts_and_sounds_its_alarm(
        pg_url, committing_sessionmaker, private_redis):
    redis_url, _ = private_redis
    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        calls_of_today_and_last_week(session)
        session.commit()
    client = redis_lib.Redis.from_url(redis_url)
    live_floor(client, {"9.1": 30})
    web = await asyncio.to_thread(WebProcess(database_url=pg_url, redis_url=redis_url).start)
    heartbeat = asyncio.create_task(keep_link_up(client))
    errors = PageErrors()
    try:
        async with playwright.async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": 1920, "height": 1080})
            await context.add_init_script(COUNT_TONES)
            page = errors.watch(await context.new_page())
            await page.goto(web.url + "/login?lang=en")
            await page.fill('input[name="username"]', "supervisor")
            await page.fill('input[name="password"]', DEMO_PASSWORD)
            await page.click('button[type="submit"]')
            await second_factor.complete_in_page_async(page, "supervisor")
            await page.wait_for_url(lambda url: "/login" not in url)

            for width, height, lang in [(1920, 1080, "th"), (1440, 900, "en"),
                                        (1440, 900, "th")]:
                await page.set_viewport_size({"width": width, "height": height})
                await page.goto(f"{web.url}/wallboard?view=big&lang={lang}")
                for canvas in ("calls", "sl", "waiting", "agents", "states"):
                    await until(lambda c=canvas: drawn(page, c))
                fit = await page.evaluate("""() => ({
                    table: document.getElementById('wb-queues').scrollWidth,
                    right: document.getElementById('wb-queues').getBoundingClientRect().right,
                    page: document.documentElement.scrollWidth,
                    viewport: window.innerWidth })""")
                assert fit["viewport"] == width
                assert fit["table"] <= width and fit["right"] <= width, fit
                assert fit["page"] <= width, fit
                await page.screenshot(path=str(SHOTS / f"wallboard_wall_{width}_{lang}.png"),
                                      full_page=True)
                # One screen, no scrolling: the queues, the agents and every chart.
                boxes = await page.evaluate(BOXES)
                for name, box in boxes.items():
                    assert box["left"] >= 0 and box["right"] <= width, (width, name, box)
                    if width == 1920:
                        assert box["top"] >= 0 and box["bottom"] <= height, (name, box)

            # The charts hold the records' figures and the live board's.
            offered = await page.evaluate(
                "document.getElementById('wb-chart-calls').chart.data.datasets"
                ".map(d => d.data.reduce((n, v) => n + (v || 0), 0))")
            assert offered[0] == 9 and offered[1] == 7 and offered[2] == 2
            assert offered[3] == 1  # the same weekday last week
            level = await page.evaluate(
                "document.getElementById('wb-chart-sl').chart.data.datasets[0].data"
                ".filter(v => v !== null)")
            assert level and level[-1] == 66.7  # 6 in time of 7 answered + 2 abandoned
            states = await page.evaluate(
                "document.getElementById('wb-chart-states').chart.data.labels")
            assert sorted(states) == ["สมชาย ดีมาก", "สมหญิง ใจดี"]
            assert await page.get_attribute("#wb-chart-states", "data-bands") in (
                "ok,warn", "warn,ok")  # talking 12 min: amber; paused 12 min: not yet
            service = page.locator('#wb-queue-rows tr[data-queue="trafficking"] '
                                   'td[data-k="service_level"]')
            assert await service.get_attribute("data-flag") == \
                "· วันนี้มีน้อยกว่า 5 สาย: ยังไม่ประเมิน"

            # An alarm already showing when the page opens is not a crossing: no sound.
            tones = lambda: page.evaluate("window.__tones")  # noqa: E731
            assert await tones() == 0
            # A caller passes the queue's red wait (60 s): one beep, once.
            live_floor(client, {"9.1": 58})
            await until(lambda: page.locator('[data-alarm="long_wait:9.1"]').count())
            await until(lambda: _equals(tones, 2))
            await asyncio.sleep(1.5)
            assert await tones() == 2

            # Silenced, and still silenced after a reload: the browser remembers.
            await page.click("#wb-sound")
            assert await page.get_attribute("#wallboard-page", "data-silenced") == "1"
            await page.reload()
            assert await page.get_attribute("#wallboard-page", "data-silenced") == "1"
            assert "เปิดเสียง" in await page.inner_text("#wb-sound")
            live_floor(client, {"9.1": 70, "9.2": 58})
            await until(lambda: page.locator('[data-alarm="long_wait:9.2"]').count())
            await asyncio.sleep(1.0)
            assert await tones() == 0  # the reload started the count again, and no beep

            # Sound on again: the next crossing beeps.
            await page.click("#wb-sound")
            assert await page.get_attribute("#wallboard-page", "data-silenced") == "0"
            live_floor(client, {"9.1": 75, "9.2": 70, "9.3": 58})
            await until(lambda: page.locator('[data-alarm="long_wait:9.3"]').count())
            await until(lambda: _equals(tones, 2))
            await browser.close()
        errors.assert_none()
    finally:
        heartbeat.cancel()
        await asyncio.to_thread(web.stop)
    assert_clean_log("the console", web.log())


async def _equals(read, value) -> bool:
    return await read() == value
