"""In chromium: the effort of one domestic-violence report, from the ring to the dispatch.

The caller is the victim, a Thai woman in Chiang Mai; her husband hits her, the children
are at home, she is in danger tonight. The agent answers the screen-pop, fills the intake,
assesses the risk and sends the case to Chiang Mai's rapid-response unit. Clicks and
keystrokes are counted apart (``intake_effort.Effort``) and printed; docs/console.md,
"The intake", keeps the figures.
"""

from __future__ import annotations

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.intake_effort import Effort
from tests.browser.test_console_flow import ring, sign_in

MOST_CLICKS = 30


def test_a_domestic_violence_report_reaches_the_unit_in_at_most_30_clicks(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(
        locale="th-TH", viewport={"width": 1440, "height": 900}))
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.wait_for_selector("#agent[data-events]")
    page.wait_for_timeout(500)  # the EventSource subscribes
    ring(request.getfixturevalue("console_db"), request.getfixturevalue("live_redis"))
    page.wait_for_selector("#pop-issue", timeout=10_000)

    effort = Effort(page)  # from the screen-pop on
    effort.press("Alt+n")
    page.wait_for_url(f"{console}/cases/drafts/*")
    effort.choose("#f-target_group", "woman")
    effort.choose("#f-gbv_type", "physical_assault")
    effort.choose("#f-province_code", "TH-50")
    page.wait_for_selector("#unit:has-text('เชียงใหม่')")
    effort.choose("#f-district_code", "5001")
    effort.tick("input[name='risk.in_danger_now']")
    effort.tick("input[name='risk.perpetrator_present']")
    effort.click("#use-suggestion")
    effort.tick("input[name='persons.0.reporter_is_victim']")
    effort.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    effort.choose("#f-persons-0-gender", "female")
    effort.fill("input[name='persons.0.age_years']", "34")
    effort.choose("select[name='persons.0.nationality']", label="ไทย")
    effort.fill("input[name='persons.2.full_name']", "สมชาย ใจดี")
    effort.choose("#f-persons-2-gender", "male")
    effort.choose("select[name='persons.2.relationship_to_victim']", "spouse")
    effort.choose("#f-consent", "given")
    effort.choose("#f-legal_basis", "consent")
    effort.fill("#f-summary", "สามีทำร้ายร่างกาย ลูกสองคนอยู่ในบ้าน กลัวว่าคืนนี้จะถูกทำร้ายอีก")
    height = page.evaluate("document.documentElement.scrollHeight")
    effort.click("#open")
    page.wait_for_url(f"{console}/cases/*")
    effort.fill("#unit_brief", "หญิงถูกสามีทำร้าย เด็กอยู่ในบ้าน เสี่ยงคืนนี้")
    effort.click("#dispatch")
    page.wait_for_selector("#dispatches li")
    print(effort.report("intake, ring to dispatch"), f"intake page height={height}px")
    assert effort.clicks <= MOST_CLICKS
    context.close()
