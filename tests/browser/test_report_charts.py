"""Report pages in Chromium: the chart is drawn by the locally served Chart.js."""

import asyncio
from datetime import UTC, datetime

import pytest

from callcenter.calls.models import Call, CallLeg, CallOutcome, LegEnd
from callcenter.seed import DEMO_PASSWORD, seed_all
from callcenter.thaidate import BANGKOK
from tests.agent_console import second_factor
from tests.browser.watch import PageErrors, assert_clean_log
from tests.support.web_stack import WebProcess, private_redis_fixture  # noqa: F401

playwright = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


async def test_a_report_is_charted_on_the_page_and_a_reversed_range_explained(
        pg_url, committing_sessionmaker, private_redis):
    redis_url, _ = private_redis
    noon = datetime.now(BANGKOK).replace(hour=12, minute=0, second=0, microsecond=0)
    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        for i, outcome in enumerate([CallOutcome.ANSWERED] * 3 + [CallOutcome.ABANDONED]):
            answered_at = noon if outcome == CallOutcome.ANSWERED else None
            call = Call(node="pbx1", uniqueid=f"c.{i}", started_at=noon.astimezone(UTC),
                        queue_name="violence", outcome=outcome, wait_seconds=8,
                        answered_at=answered_at)
            session.add(call)
            session.flush()
            # Its queue visit, as the bridge writes it: calls by queue counts these.
            session.add(CallLeg(call_id=call.id, seq=1, queue_name="violence",
                                wait_seconds=8, answered_at=answered_at,
                                ended_how=LegEnd(outcome.value)))
        session.commit()
    day = f"{noon.day}/{noon.month}/{noon.year + 543}"
    web = await asyncio.to_thread(WebProcess(database_url=pg_url, redis_url=redis_url).start)
    errors = PageErrors()
    try:
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
            await page.goto(web.url + "/reports?lang=en")
            await page.select_option('select[name="report"]', "calls_by_queue")
            await page.fill('input[name="start"]', day)
            await page.fill('input[name="end"]', day)
            await page.click('form.report-form button[type="submit"]')
            # A selector, not wait_for_function: its polling evaluates a string, which
            # the console's Content-Security-Policy (script-src 'self') refuses.
            await page.wait_for_selector("#report-chart[data-drawn='1']", timeout=10000)
            labels = await page.evaluate(
                "document.getElementById('report-chart').chart.data.labels")
            assert labels == ["violence"]
            series = await page.evaluate(
                "document.getElementById('report-chart').chart.data.datasets"
                ".map(d => [d.label, d.data[0]])")
            assert ["Offered", 4] in series and ["Answered", 3] in series

            await page.fill('input[name="start"]', "10/11/2569")
            await page.fill('input[name="end"]', "1/11/2569")
            # The refused range is answered with a 4xx page, which the browser notes.
            with errors.allowed(r"status of 4\d\d"):
                await page.click('form.report-form button[type="submit"]')
                alert = page.locator("#range-error")
                assert "is before the start" in await alert.inner_text()
            assert await page.get_attribute('input[name="end"]', "aria-invalid") == "true"
            await browser.close()
        errors.assert_none()  # a chart refused by the Content-Security-Policy among them
    finally:
        await asyncio.to_thread(web.stop)
    assert_clean_log("the console", web.log())
