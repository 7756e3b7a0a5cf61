"""In chromium: the effort of one domestic-violence report, from the ring to the dispatch.

The caller is the victim, a Thai woman in Chiang Mai; her husband hits her, the children
are at home, she is in danger tonight. The agent answers the screen-pop, fills the intake,
assesses the risk and sends the case to Chiang Mai's rapid-response unit. Clicks and
keystrokes are counted apart (``intake_effort.Effort``) and printed; docs/console.md,
"The intake", keeps the figures, with the one-column form's before them.
"""

from __future__ import annotations

import pytest
import redis

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
SUMMARY = "สามีทำร้ายร่างกาย ลูกสองคนอยู่ในบ้าน กลัวว่าคืนนี้จะถูกทำร้ายอีก"
BRIEF = "หญิงถูกสามีทำร้าย เด็กอยู่ในบ้าน เสี่ยงคืนนี้"


def _screen_pop(request, uniqueid: str, viewport=(1440, 900)):
    """An agent signed in (at 1440×900 unless told) whose phone rings; the page shows the
    screen-pop."""
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(
        locale="th-TH", viewport={"width": viewport[0], "height": viewport[1]}))
    live = redis.Redis.from_url(request.getfixturevalue("live_redis"))
    live.delete("live.pbx1.calls", "live.pbx1.agents")  # the other test's call has ended
    live.close()
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.wait_for_selector("#agent[data-events]")
    page.wait_for_timeout(500)  # the EventSource subscribes
    ring(request.getfixturevalue("console_db"), request.getfixturevalue("live_redis"),
         uniqueid=uniqueid)
    page.wait_for_selector("#pop-issue", timeout=10_000)
    return context, page, console


def _dispatched(page, console: str) -> dict:
    """The case the flow ended on, as the API gives it, once its dispatch is listed."""
    page.wait_for_url(f"{console}/cases/*")
    page.wait_for_selector("#dispatches li")
    case_id = page.url.rstrip("/").rsplit("/", 1)[1]
    return page.request.get(f"{console}/api/cases/{case_id}").json()


def _assert_the_report(case: dict, page) -> None:
    assert case["issue_area"] == "family_violence" and case["province_code"] == "TH-50"
    assert case["target_group"] == "woman" and case["gbv_type"] == "physical_assault"
    assert case["risk"] == {"in_danger_now": True, "perpetrator_present": True}
    assert case["urgency"] == "immediate"  # in danger now: the risks' suggestion, used
    assert case["consent"] == "given" and case["legal_basis"] == "consent"
    assert case["status"] == "dispatched"
    persons = page.text_content("main")  # the case file lists its persons
    assert "มาลี ใจดี" in persons and "สมชาย ใจดี" in persons


def test_by_keyboard_a_domestic_violence_report_reaches_the_unit_in_at_most_30_clicks(request):
    context, page, console = _screen_pop(request, "1763900100.1")
    effort = Effort(page)  # from the screen-pop on
    effort.press("Alt+n")
    page.wait_for_url(f"{console}/cases/drafts/*")
    page.wait_for_selector("#intake-shortcuts")
    effort.press("Alt+t")  # the issue area, from the IVR; then the target group
    effort.press("Tab")
    effort.press("ArrowDown")
    effort.press("ArrowDown")  # woman
    effort.press("Tab")
    effort.press("Tab")  # past the CHI category (children only) to the GBVIMS type
    for _ in range(3):
        effort.press("ArrowDown")  # physical assault
    effort.press("Alt+v")  # the victim: first "the caller is the victim"
    effort.press("Space")
    effort.press("Tab")
    effort.type("มาลี ใจดี")
    effort.press("Tab")
    effort.press("ArrowDown")  # female
    effort.press("Tab")
    effort.type("34")
    effort.choose("select[name='persons.0.nationality']", label="ไทย")
    effort.fill("input[name='persons.2.full_name']", "สมชาย ใจดี")
    effort.press("Tab")
    effort.press("ArrowDown")
    effort.press("ArrowDown")  # male
    effort.choose("select[name='persons.2.relationship_to_victim']", "spouse")
    effort.press("Alt+l")
    effort.choose("#f-province_code", "TH-50")
    page.wait_for_selector("#unit:has-text('เชียงใหม่')")
    effort.choose("#f-district_code", "5001")
    effort.press("Alt+k")  # the risk grid: yes, yes, the rest unanswered
    effort.press("y")
    effort.press("y")
    effort.press("Alt+u")
    effort.press("Tab")
    effort.press("Enter")  # use the suggested urgency
    effort.press("Tab")
    effort.press("ArrowDown")  # consent given: the legal basis follows
    assert page.input_value("#f-legal_basis") == "consent"
    effort.press("Alt+w")
    effort.type(SUMMARY)
    effort.press("Alt+b")
    effort.type(BRIEF)
    height = page.evaluate("document.documentElement.scrollHeight")
    effort.press("Alt+g")  # open and dispatch
    case = _dispatched(page, console)
    print(effort.report("intake by keyboard, ring to dispatch"),
          f"intake page height={height}px")
    _assert_the_report(case, page)
    assert effort.clicks <= MOST_CLICKS
    context.close()


@pytest.mark.parametrize(("viewport", "uniqueid"), [
    ((1440, 900), "1763900100.2"), ((390, 844), "1763900100.3")], ids=["wide", "phone"])
def test_by_mouse_the_same_report_still_needs_at_most_30_clicks(request, viewport, uniqueid):
    context, page, console = _screen_pop(request, uniqueid, viewport)
    effort = Effort(page)
    effort.click("#open-case")  # the screen-pop's button
    page.wait_for_url(f"{console}/cases/drafts/*")
    left = page.locator("#sec-screening").bounding_box()["x"]
    right = page.locator("#sec-place").bounding_box()["x"]
    assert (right > left) == (viewport[0] > 1000)  # two columns, one on a phone
    effort.choose("#f-target_group", "woman")
    effort.choose("#f-gbv_type", "physical_assault")
    effort.tick("input[name='persons.0.reporter_is_victim']")
    assert page.input_value("input[name='persons.0.phone']") == "0891234567"  # the caller's
    effort.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    effort.choose("#f-persons-0-gender", "female")
    effort.fill("input[name='persons.0.age_years']", "34")
    effort.choose("select[name='persons.0.nationality']", label="ไทย")
    effort.fill("input[name='persons.2.full_name']", "สมชาย ใจดี")
    effort.choose("#f-persons-2-gender", "male")
    effort.choose("select[name='persons.2.relationship_to_victim']", "spouse")
    effort.choose("#f-province_code", "TH-50")
    page.wait_for_selector("#unit:has-text('เชียงใหม่')")
    effort.choose("#f-district_code", "5001")
    effort.tick("input[name='risk.in_danger_now']")
    effort.tick("input[name='risk.perpetrator_present']")
    effort.click("#use-suggestion")
    effort.choose("#f-consent", "given")
    effort.fill("#f-summary", SUMMARY)
    effort.fill("#f-unit_brief", BRIEF)
    effort.click("#open-dispatch")
    case = _dispatched(page, console)
    print(effort.report(f"intake by mouse at {viewport[0]}x{viewport[1]}, ring to dispatch"))
    _assert_the_report(case, page)
    assert effort.clicks <= MOST_CLICKS
    context.close()
