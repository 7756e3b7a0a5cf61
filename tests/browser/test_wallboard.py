"""The supervisor watches a simulated caller queue and be answered, live, in Chromium.

Real parts end to end: the simulated Asterisk over TCP, the AMI bridge with its PBX
command server, Redis, PostgreSQL, a uvicorn web process, and Debian's Chromium.
"""

import asyncio
import dataclasses
import json
import re
import time
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.ami.bridge.command_server import CommandServer
from callcenter.ami.bridge.node import Bridge, NodeConfig, Timing
from callcenter.ami.bridge.sink import RecordWriter, Sink
from callcenter.audit import AuditEvent
from callcenter.seed import DEMO_PASSWORD, seed_all
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.call_events import SimAgent
from tests.agent_console import second_factor
from tests.browser.watch import PageErrors, assert_clean_log
from tests.support.audit_trail import audited, user_id
from tests.support.web_stack import WebProcess, private_redis_fixture  # noqa: F401

playwright = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AGENT = SimAgent("Local/agent1@agents/n", "สมหญิง ใจดี")
AGENTS = {"violence": [AGENT]}


def cell(page, queue: str, key: str):
    return page.locator(f'#wb-queue-rows tr[data-queue="{queue}"] td[data-k="{key}"]')


async def until(check, timeout: float = 15.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        if await check():
            return
        if loop.time() > end:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.1)


async def test_supervisor_watches_a_caller_queue_and_be_answered_and_listens_in(
        pg_url, committing_sessionmaker, private_redis):
    redis_url, _ = private_redis
    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        session.scalar(select(User).where(User.login == "supervisor")).phone_interface = \
            "PJSIP/sup1"
        session.commit()
    aredis = aioredis.Redis.from_url(redis_url)
    sim = AmiSimulator(agents=AGENTS)
    port = await sim.start()
    bridge = Bridge(NodeConfig("pbx1", "127.0.0.1", port, "callcenter", "hotline1300"),
                    Sink("pbx1", aredis, RecordWriter("pbx1", committing_sessionmaker)),
                    timing=Timing(action_timeout=3.0, ping_interval=30.0))
    tasks = [asyncio.create_task(bridge.run()),
             asyncio.create_task(CommandServer(bridge, aredis).run())]
    web = await asyncio.to_thread(
        WebProcess(database_url=pg_url, redis_url=redis_url).start)
    errors = PageErrors()
    try:
        await asyncio.wait_for(bridge.up.wait(), 10)
        async with playwright.async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
            page = errors.watch(await browser.new_page())
            await page.goto(web.url + "/login?lang=en")
            await page.fill('input[name="username"]', "supervisor")
            await page.fill('input[name="password"]', DEMO_PASSWORD)
            await page.click('button[type="submit"]')
            # Supervisors pass a second factor, enrolling on first use.
            await second_factor.complete_in_page_async(page, "supervisor")
            await page.wait_for_url(lambda url: "/login" not in url)
            await page.goto(web.url + "/wallboard?lang=en")
            assert await cell(page, "violence", "waiting").inner_text() == "0"
            assert await cell(page, "violence", "answered").inner_text() == "0"
            assert await page.locator("#wb-link").is_hidden()

            call = dataclasses.replace(sim.new_call(shape="answered", queue="violence"),
                                       agent=AGENT, wait=3.0, talk=6.0)
            playing = asyncio.create_task(sim.play(call))
            # The caller joins the queue: the number changes without a reload.
            await until(lambda: _text_is(cell(page, "violence", "waiting"), "1"))
            waiting = page.locator(f'#wb-waiting-rows tr[data-call="{call.uniqueid}"]')
            await until(lambda: _present(waiting))
            # The agent answers: talking, nobody waiting.
            await until(lambda: _text_is(cell(page, "violence", "talking"), "1"))
            assert await cell(page, "violence", "waiting").inner_text() == "0"
            row = page.locator(f'#wb-agent-rows tr[data-agent="{AGENT.interface}"]')
            assert "Talking" in await row.inner_text()

            # Listen in: the bridge rings the supervisor's phone into ChanSpy on the agent.
            await row.locator('button[data-action="listen"]').click()
            await until(lambda: _present(page.locator("#toasts .toast")))
            assert "listen" in (await page.locator("#toasts .toast").first.inner_text())
            originate = [m for m in sim.received if m.get("Action") == "Originate"]
            assert originate, "no Originate reached the PBX"
            assert originate[-1].get("Channel") == "PJSIP/sup1"
            assert originate[-1].get("Application") == "ChanSpy"
            # The agent's own leg of this call, exactly (u), never a name prefix
            # that ChanSpy would also match against agent10's calls.
            assert re.fullmatch(r"Local/agent1@agents-[0-9a-f]{8};1,qEu",
                                originate[-1].get("Data")), originate[-1].get("Data")

            await playing
            # The call ends: answered today goes up, the agent wraps up then is available.
            await until(lambda: _text_is(cell(page, "violence", "answered"), "1"))
            assert await cell(page, "violence", "service_level").inner_text() == "100 %"

            # The bridge goes away: the page says since when, and shows no stale figures.
            await bridge.stop()
            banner = page.locator("#wb-link")
            await until(lambda: banner.is_visible())
            assert "Live data unavailable since" in await banner.inner_text()
            assert await cell(page, "violence", "waiting").inner_text() == "–"
            assert await cell(page, "violence", "answered").inner_text() == "1"

            # A bridge that is killed says nothing: its last refresh of the link simply
            # expires. Here one comes back up for a moment, then dies that way.
            await aredis.set("bridge.pbx1.link", json.dumps({
                "node": "pbx1", "state": "up", "since": datetime.now(UTC).isoformat(),
                "fault": None, "heartbeat": time.time()}), px=4000)
            await until(lambda: banner.is_hidden())
            assert await cell(page, "violence", "waiting").inner_text() == "0"
            await until(lambda: banner.is_visible())
            assert "Live data unavailable since" in await banner.inner_text()
            assert await cell(page, "violence", "waiting").inner_text() == "–"
            await browser.close()
        errors.assert_none()
        with committing_sessionmaker() as session:
            listened = session.scalars(select(AuditEvent).where(
                AuditEvent.action == "agent.listen")).all()
            assert [e.entity_id for e in listened] == [AGENT.interface]
            audited(session, "agent.listen", actor_id=user_id(session, "supervisor"),
                    entity_type="agent", entity_id=AGENT.interface)
    finally:
        await asyncio.to_thread(web.stop)
        await bridge.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await sim.stop()
        await aredis.aclose()
    assert_clean_log("the console", web.log())


async def _text_is(locator, text: str) -> bool:
    try:
        return (await locator.inner_text(timeout=500)).strip() == text
    except Exception:
        return False


async def _present(locator) -> bool:
    return await locator.count() > 0
