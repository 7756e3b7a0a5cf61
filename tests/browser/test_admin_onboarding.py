"""Onboarding in chromium, on the system as ``callcenter demo`` runs it: the admin creates
an agent with skills, gives them a phone on the phones page (a realtime PJSIP endpoint,
which the simulated PBX reads as Asterisk would), issues a set-up link; the new agent
opens it in a browser of their own, chooses a password, signs in and goes ready in their
queues. Without the phone the PBX would add the member as an invalid device, never rung.
"""

from __future__ import annotations

import re
import shutil

import pytest

from callcenter.seed import DEMO_PASSWORD
from tests.agent_console import second_factor
from tests.agent_console.second_factor import complete_in_page
from tests.browser.console_stack import CHROMIUM, CHROMIUM_ARGS
from tests.browser.demo_stack import DemoProcess
from tests.browser.watch import PageErrors, assert_clean_log, problems_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LOGIN = "kanda.j"
NAME = "กานดา ใจงาม"
PASSWORD = "ดอกคูณบานเต็มต้นที่ขอนแก่น"
ENDPOINT = "agent.kanda"
WAIT_MS = 20_000


@pytest.fixture
def demo(tmp_path):
    running = DemoProcess(tmp_path)
    try:
        yield running.start()
    finally:
        running.stop()


def test_an_admin_onboards_an_agent_who_sets_a_password_and_goes_ready(demo):
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    errors = PageErrors()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                link = _admin_onboards(browser, demo.url, errors)
                _agent_sets_a_password_and_goes_ready(browser, demo.url, link, errors)
            except Exception as exc:
                raise AssertionError(f"{exc}\n--- errors the demo's processes logged ---\n"
                                     + "\n".join(problems_in(demo.log()))) from exc
            finally:
                browser.close()
        errors.assert_none()
        demo.stop()
        assert_clean_log("the demo's processes", demo.log())
        assert link.rsplit("/", 1)[1] not in demo.log()  # the link never reached a log
    finally:
        demo.stop()


def _context(browser, errors: PageErrors):
    made = errors.watch_context(browser.new_context(locale="th-TH"))
    made.set_default_timeout(WAIT_MS)
    return made


def _fresh_code_if_asked(form) -> None:
    code = form.locator("input[name=totp_code]")
    if code.count():  # the sign-in's code is no longer fresh: a new one
        code.fill(second_factor.code_for("admin"))


def _admin_onboards(browser, base: str, errors: PageErrors) -> str:
    page = _context(browser, errors).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    complete_in_page(page, "admin")
    page.wait_for_url(lambda url: "/login" not in url)

    # A refused form says why, in the page's language (a toast), and keeps what was typed.
    page.goto(f"{base}/admin/people/new")
    page.fill("input[name=login]", "agent1")
    page.fill("input[name=display_name]", NAME)
    page.select_option("select[name=role]", "agent")
    with errors.allowed("status of 409"):  # the browser's own line for the refusal
        page.click("form.person-form button[type=submit]")
        page.wait_for_selector("#toasts .toast.error")
    assert page.input_value("input[name=display_name]") == NAME

    page.goto(f"{base}/admin/people/new")
    page.fill("input[name=login]", LOGIN)
    page.fill("input[name=display_name]", NAME)
    page.select_option("select[name=role]", "agent")
    page.locator("select[name=skill_queue]").nth(0).select_option("violence")
    page.locator("select[name=skill_queue]").nth(1).select_option("urgent")
    page.locator("select[name=skill_penalty]").nth(1).select_option("1")
    page.click("form.person-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/people/\d+"))
    user_id = int(re.search(r"/admin/people/(\d+)", page.url).group(1))

    # The person's page links to the phones page with them chosen.
    page.click(f"a[href='/admin/phones?user={user_id}']")
    form = page.locator("form[action='/admin/phones']")
    assert form.locator("select[name=user_id]").input_value() == str(user_id)
    form.locator("input[name=endpoint]").fill(ENDPOINT)
    _fresh_code_if_asked(form)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#phone-password")  # shown once, for the desk phone's set-up
    assert len(page.text_content("#phone-password").strip()) >= 20

    page.goto(f"{base}/admin/people/{user_id}")
    assert f"PJSIP/{ENDPOINT}" in page.text_content("main")
    form = page.locator("#password-actions form[action$='/setup-link']")
    _fresh_code_if_asked(form)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#setup-link")
    link = page.input_value("#setup-link")
    assert re.fullmatch(rf"{re.escape(base)}/setup/[A-Za-z0-9_-]{{40,}}", link), link
    assert NAME in page.text_content("main")
    return link


def _agent_sets_a_password_and_goes_ready(browser, base: str, link: str,
                                          errors: PageErrors) -> None:
    page = _context(browser, errors).new_page()  # another person's browser
    page.goto(link)
    assert LOGIN in page.text_content("main") and NAME in page.text_content("main")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("p.notice:has-text('ตั้งรหัสผ่านเรียบร้อยแล้ว')")

    page.click("a[href='/login']")
    page.fill("input[name=username]", LOGIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")
    page.wait_for_selector("#agent[data-events]")
    page.click("#sign-in")
    # Ready in the queues; the simulated traffic may already be ringing the new phone.
    page.wait_for_selector("#agent-status[data-status='available'], "
                           "#agent-status[data-status='ringing'], "
                           "#agent-status[data-status='in_call']")
