"""In chromium: an agent records a walk-in from the navigation, picks the OSCC where it
was taken by searching its Thai name, and the case opened shows the channel walk-in and
the place."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in

# The demo directory's example OSCC in Chiang Mai (callcenter/cases/agency_examples.py).
OSCC = "ศูนย์พึ่งได้ โรงพยาบาลเชียงใหม่ตัวอย่าง"


def test_an_agent_records_a_walk_in_taken_at_an_oscc(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.click("#nav-walk-in")
    page.wait_for_url(f"{console}/cases/drafts/*")
    assert "รับแจ้ง walk-in" in page.locator("h1").inner_text()
    page.select_option("#f-province_code", "TH-50")
    page.fill("#walk-in-q", "พึ่งได้ เชียงใหม่")
    # The search's answer swapped in: the one matching centre (and "not listed").
    expect(page.locator("#f-walk_in_agency_id option")).to_have_count(2)
    option = page.locator("#f-walk_in_agency_id option", has_text=OSCC)
    page.select_option("#f-walk_in_agency_id", option.get_attribute("value"))
    page.fill("#f-walk_in_place", "ห้องให้คำปรึกษา")
    page.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    page.select_option("#f-issue_area", "family_violence")
    page.select_option("#f-urgency", "high")
    page.select_option("#f-consent", "given")
    page.select_option("#f-legal_basis", "consent")
    page.fill("#f-summary", "มาแจ้งที่ศูนย์พึ่งได้ด้วยตนเอง")
    page.click("#open")
    page.wait_for_url(f"{console}/cases/*")
    assert page.locator("#case-channel").inner_text() == "walk-in (มาด้วยตนเอง)"
    place = page.locator("#walk-in-place").inner_text()
    assert OSCC in place and "ห้องให้คำปรึกษา" in place
    context.close()
