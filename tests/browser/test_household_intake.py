"""In chromium: on the intake form, ticking "the reporter is the victim" folds the
reporter's block away and the case opens with one person, a victim who reported; the
nationality is picked by its Thai name."""

from __future__ import annotations

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in


def test_the_reporter_switch_folds_the_reporter_block_and_opens_one_person(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.goto(f"{console}/cases/new")
    page.wait_for_url(f"{console}/cases/drafts/*")
    reporter_name = page.locator(".person-reporter input[name='persons.1.full_name']")
    assert reporter_name.is_visible()
    page.check("input[name='persons.0.reporter_is_victim']")
    assert not reporter_name.is_visible()
    assert page.locator(".reporter-is-victim-note").is_visible()
    page.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    page.fill("input[name='persons.0.birth_year']", "2530")
    page.select_option("select[name='persons.0.nationality']", label="กัมพูชา")
    page.select_option("#f-issue_area", "family_violence")
    page.select_option("#f-urgency", "high")
    page.select_option("#f-consent", "given")
    page.select_option("#f-legal_basis", "consent")
    page.fill("#f-summary", "ถูกทำร้าย")
    page.click("#open")
    page.wait_for_url(f"{console}/cases/*")
    persons = page.locator("#persons > li").all_text_contents()
    assert len(persons) == 1
    assert "เป็นผู้แจ้งด้วย" in persons[0] and "เกิดปี 2530" in persons[0]
    assert "กัมพูชา" in persons[0]
    context.close()
