"""In chromium: the place pickers narrow as the agent types, and the choice is saved."""

from __future__ import annotations

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in


def test_an_agent_picks_province_district_and_sub_district_by_typing(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    page = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.goto(f"{console}/cases/new")
    page.wait_for_url(f"{console}/cases/drafts/*")
    page.select_option("#f-province_code", "TH-50")
    page.wait_for_selector("#f-district_code option[value='5001']", state="attached")
    page.fill("#q-district", "สันทราย")
    # Not wait_for_function: the page's CSP refuses eval.
    page.wait_for_selector("#f-district_code option[value='5001']", state="detached")
    assert page.text_content("#f-district_code option[value='5014']").strip() == "สันทราย"
    page.fill("#q-district", "")
    page.wait_for_selector("#f-district_code option[value='5001']", state="attached")
    page.select_option("#f-district_code", "5001")
    page.wait_for_selector("#f-subdistrict_code option[value='500101']", state="attached")
    page.fill("#q-subdistrict", "พระสิงห์")
    page.wait_for_selector("#f-subdistrict_code option[value='500101']", state="detached")
    with page.expect_response(lambda r: "/cases/drafts/" in r.url
                              and "subdistrict_code=500102" in (r.request.post_data or "")):
        page.select_option("#f-subdistrict_code", "500102")
    page.reload()  # the choice was saved with the draft, the filter text was not
    assert page.input_value("#f-district_code") == "5001"
    assert page.input_value("#f-subdistrict_code") == "500102"
    assert "พระสิงห์ 50200" in page.text_content("#f-subdistrict_code option[value='500102']")
