"""Onboarding in chromium, on the system as ``callcenter demo`` runs it: the admin creates
an agent with skills, issues a set-up link; the new agent opens it in a browser of their
own, chooses a password, signs in and goes ready in their queues.

The people form keeps no phone (phones have their own page): the test gives the new agent
a PJSIP endpoint in the database, as the phones page would, since signing in to queues
adds the agent's phone as the queue member.
"""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.db import make_engine
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
PHONE = "PJSIP/kanda"
WAIT_MS = 20_000


@pytest.fixture
def demo(tmp_path):
    running = DemoProcess(tmp_path)
    try:
        yield running.start()
    finally:
        running.stop()


def test_an_admin_onboards_an_agent_who_sets_a_password_and_goes_ready(demo, tmp_path):
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    errors = PageErrors()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                link, user_id = _admin_issues_a_link(browser, demo.url, errors)
                _give_a_phone(tmp_path, user_id)
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


def _admin_issues_a_link(browser, base: str, errors: PageErrors) -> tuple[str, int]:
    page = _context(browser, errors).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    complete_in_page(page, "admin")
    page.wait_for_url(lambda url: "/login" not in url)

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

    form = page.locator("#password-actions form[action$='/setup-link']")
    code = form.locator("input[name=totp_code]")
    if code.count():  # the sign-in's code is no longer fresh: a new one
        code.fill(second_factor.code_for("admin"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#setup-link")
    link = page.input_value("#setup-link")
    assert re.fullmatch(rf"{re.escape(base)}/setup/[A-Za-z0-9_-]{{40,}}", link), link
    assert NAME in page.text_content("main")
    return link, user_id


def _give_a_phone(data_dir, user_id: int) -> None:
    engine = make_engine(f"sqlite:///{(data_dir / 'callcenter.sqlite3').resolve()}")
    with Session(engine) as session:
        session.execute(update(User).where(User.id == user_id).values(phone_interface=PHONE))
        session.commit()
    engine.dispose()


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
