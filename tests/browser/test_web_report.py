"""In chromium: a person files a report in Thai on a phone-sized screen and gets a code;
an agent opens a case from it on /web-reports; the person checks the status with the
code and adds information, which the case's timeline shows; the agent screens the case
and dispatches it to Chiang Mai's rapid-response unit, whose member acknowledges it on
the unit's page; the person's status then reads "passed on" in plain words, never the
case's content. The quick exit leaves and Back does not come back to the form."""

from __future__ import annotations

import re

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "th-TH", "is_mobile": True,
         "has_touch": True}
NEUTRAL = "https://www.google.com/"
WHAT = "ได้ยินเสียงเด็กร้องขอความช่วยเหลือจากบ้านข้าง ๆ ทุกคืน"
MORE = "คืนนี้มีคนเห็นผู้ใหญ่ในบ้านนั้นดื่มเหล้าแล้วตะโกน"


def _neutral_site(context) -> None:
    """The quick exit's site, answered here: the test machine has no Internet."""
    context.route(f"{NEUTRAL}**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Google</title><p>neutral</p>"))


def track(page, console: str, code: str) -> str:
    """The status the person reads on the tracking page, their code typed in lower case."""
    page.goto(f"{console}/report/track")
    page.fill("#f-code", code.lower())
    page.click("#look")
    return page.locator("#report-status").inner_text().strip()


def dispatch_to_the_unit(agent, case_url: str) -> None:
    """Screening first (a new case cannot be dispatched), then the unit's brief and send."""
    agent.goto(case_url)
    agent.select_option("#status-choice", "screening")
    agent.click("#status-submit")
    agent.wait_for_selector("#status-choice option[value='referred']", state="attached")
    agent.fill("#unit_brief", "เด็กร้องขอความช่วยเหลือ บ้านข้างเคียง ตรวจสอบด่วน")
    agent.click("#dispatch")
    agent.wait_for_selector("#dispatches li[data-dispatch]")


def the_unit_acknowledges(browser, errors, console: str, case_number: str) -> None:
    """Chiang Mai's unit member sees the dispatch on the unit's page and acknowledges it."""
    unit = errors.watch_context(browser.new_context(**PHONE))
    page = unit.new_page()
    sign_in(page, console, "unit.th50")
    page.wait_for_url(f"{console}/unit")
    card = page.locator(f"#dispatch-list a.unit-card:has-text('{case_number}')")
    card.click()
    page.wait_for_url(re.compile(rf"{console}/unit/dispatches/\d+$"))
    page.click("#do-acknowledge")
    page.wait_for_selector("#dispatch-status:has-text('รับเรื่องแล้ว')")
    unit.close()


def test_a_report_from_a_phone_becomes_a_case_and_its_sender_follows_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    person = errors.watch_context(browser.new_context(**PHONE))
    page = person.new_page()
    page.goto(f"{console}/report")
    assert page.get_attribute("html", "lang") == "th"
    assert page.locator("#quick-exit").is_visible()
    page.get_by_label("เกิดอะไรขึ้น").fill(WHAT)
    page.select_option("#f-province_code", "TH-50")
    # The district list follows the province (the page's own script asks the server).
    page.wait_for_selector("#f-district_code option[value='5001']", state="attached")
    page.select_option("#f-district_code", "5001")
    page.check("#f-contact_way-none")
    page.check("#f-consent")
    page.click("#send")
    page.wait_for_url(f"{console}/report/done?lang=th")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert code not in page.url

    staff = errors.watch_context(browser.new_context(locale="th-TH"))
    agent = staff.new_page()
    sign_in(agent, console, "agent1")
    agent.wait_for_url(f"{console}/agent")
    agent.goto(f"{console}/web-reports")
    # The queue shows priority, place and age; the words only to the agent who takes it.
    assert WHAT not in agent.content()
    agent.locator("#web-reports tbody tr").last.get_by_role("button", name="รับเรื่อง").click()
    agent.wait_for_url(re.compile(rf"{console}/web-reports/\d+$"))
    assert WHAT in agent.locator("#report-text").inner_text()
    agent.click("#open-case")
    agent.wait_for_url(re.compile(rf"{console}/cases/\d+$"))
    case_url = agent.url

    assert track(page, console, code) == "เจ้าหน้าที่กำลังดำเนินการ"
    assert WHAT not in page.content()
    page.fill("#f-body", MORE)
    page.click("#add")
    page.wait_for_selector("#added")

    agent.goto(case_url)
    assert MORE in agent.locator("#timeline").inner_text()
    case_number = agent.locator("#case-h").inner_text()
    case_number = re.search(r"1300-\d{4}-\d+", case_number).group(0)

    dispatch_to_the_unit(agent, case_url)
    the_unit_acknowledges(browser, errors, console, case_number)
    agent.goto(case_url)
    assert "หน่วยรับทราบ" in agent.locator("#dispatches").inner_text()  # acknowledged

    assert track(page, console, code) == "ส่งต่อหน่วยงานที่ช่วยเหลือแล้ว"
    shown = page.content()
    for secret in (WHAT, MORE, case_number, "บ้านข้างเคียง"):
        assert secret not in shown
    person.close()
    staff.close()


def test_the_quick_exit_leaves_and_back_does_not_return_to_the_form(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(**PHONE))
    _neutral_site(context)
    page = context.new_page()
    page.goto(f"{console}/report")
    page.get_by_label("เกิดอะไรขึ้น").fill("ยังเขียนไม่เสร็จ")
    page.click("#quick-exit")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert page.url == "about:blank"  # the entry before the form: the form is gone

    # Esc pressed twice leaves as well.
    page.goto(f"{console}/report?lang=en")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert page.url == "about:blank"  # the entry before the form: the form is gone
    context.close()
