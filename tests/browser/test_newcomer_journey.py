"""The newcomer's journey, on the system as ``callcenter demo`` runs it (embedded SQLite
and Redis, the simulated Asterisk, the IVR, the worker, the bridge, the console), in
chromium as people use it:

the supervisor passes the second factor and opens the wallboard and the dispatch board;
agent1 goes ready, the simulated traffic rings their phone, they open a case from the
screen-pop and dispatch it to the Chiang Mai unit; the unit acknowledges on a phone-sized
page; the supervisor's pages follow every step without a reload. No page reports an
error, and no process logs a traceback or an ERROR line.
"""

from __future__ import annotations

import re
import shutil

import pytest

from callcenter.seed import DEMO_PASSWORD
from tests.agent_console.second_factor import complete_in_page
from tests.browser.console_stack import CHROMIUM, CHROMIUM_ARGS
from tests.browser.demo_stack import DemoProcess
from tests.browser.watch import PageErrors, assert_clean_log, problems_in

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

AGENT_PHONE = "PJSIP/agent1"  # the seeded agent1's phone, the queue member it signs in
RING_TIMEOUT_MS = 150_000  # the simulated traffic reaches agent1's queues within this
LIVE_TIMEOUT_MS = 20_000  # a change on a live page, without a reload


@pytest.fixture
def demo(tmp_path):
    running = DemoProcess(tmp_path)
    try:
        yield running.start()
    finally:
        running.stop()


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def mark_loaded(page) -> None:
    """Mark the loaded document: ``still_loaded`` is true until the page is reloaded."""
    page.evaluate("window.journeyMark = 1")


def shown_messages(browser) -> list[str]:
    """Each open page's address and the alerts and field errors it shows."""
    shown = []
    for made in browser.contexts:
        for page in made.pages:
            texts = page.locator("[role=alert], .error, .field-error").all_inner_texts()
            wrong = [page.locator("[aria-invalid=true]").nth(i).get_attribute("name")
                     for i in range(page.locator("[aria-invalid=true]").count())]
            shown.append(f"{page.url}: {[t.strip() for t in texts if t.strip()]} {wrong}")
    return shown


def still_loaded(page) -> bool:
    return page.evaluate("window.journeyMark") == 1


def test_a_newcomer_walks_the_demo_from_a_ringing_call_to_the_unit_on_scene(demo):
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    errors = PageErrors()
    base = demo.url
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                walk(browser, base, errors)
            except Exception as exc:
                # A step that failed is most often explained by what a process logged, or
                # by the message a page shows.
                raise AssertionError(f"{exc}\n--- what the pages show ---\n"
                                     + "\n".join(shown_messages(browser))
                                     + "\n--- errors the demo's processes logged ---\n"
                                     + "\n".join(problems_in(demo.log()))
                                     + "\n--- their warnings ---\n"
                                     + "\n".join(line for line in demo.log().splitlines()
                                                 if " WARNING " in line)) from exc
            finally:
                browser.close()
        errors.assert_none()
    finally:
        demo.stop()
    assert_clean_log("the demo's processes", demo.log())


def walk(browser, base: str, errors: PageErrors) -> None:
    def context(**options):
        made = errors.watch_context(browser.new_context(locale="th-TH", **options))
        made.set_default_timeout(LIVE_TIMEOUT_MS)
        return made

    # The supervisor: password, then the authenticator app enrolled at the first sign-in.
    boss = context(viewport={"width": 1440, "height": 900})
    wallboard = boss.new_page()
    sign_in(wallboard, base, "supervisor")
    complete_in_page(wallboard, "supervisor")
    wallboard.wait_for_url(lambda url: "/login" not in url)
    wallboard.goto(f"{base}/wallboard")
    board = boss.new_page()
    board.goto(f"{base}/dispatches")
    for page in (wallboard, board):
        mark_loaded(page)
    agent_row = wallboard.locator(f'#wb-agent-rows tr[data-agent="{AGENT_PHONE}"]')

    # agent1 goes ready: the wallboard shows them at once.
    hotline = context()
    agent = hotline.new_page()
    sign_in(agent, base, "agent1")
    agent.wait_for_url(f"{base}/agent")
    agent.wait_for_selector("#agent[data-events]")
    agent.click("#sign-in")
    agent.wait_for_selector("#agent-status[data-status='available']")
    agent_row.wait_for()
    ready_class = agent_row.get_attribute("class")

    # The simulated traffic rings agent1's phone: the screen-pop shows the call.
    agent.wait_for_selector("#screenpop .pop", timeout=RING_TIMEOUT_MS)
    assert agent.text_content("#pop-caller").strip()
    # The supervisor sees agent1 leave "available" for the call, live.
    wallboard.wait_for_selector(f'#wb-agent-rows tr[data-agent="{AGENT_PHONE}"]'
                                f':not([class="{ready_class}"])')

    # A case from the screen-pop, then a dispatch to the Chiang Mai unit.
    agent.click("#open-case")
    agent.wait_for_url(re.compile(r"/cases/drafts/"))
    # What the caller chose in the IVR fills the issue area, when they chose: this one
    # is about violence at home, whatever the IVR said.
    agent.select_option("select[name=issue_area]", "family_violence")
    agent.select_option("select[name=target_group]", "woman")
    agent.select_option("select[name=province_code]", "TH-50")
    agent.wait_for_selector("#unit:has-text('เชียงใหม่')")
    agent.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    # Urgency and consent start unset and are chosen; "normal" alerts the unit's console
    # only, so the acknowledgement below is the unit's own.
    agent.select_option("select[name=urgency]", "normal")
    agent.select_option("select[name=consent]", "given")
    agent.select_option("select[name=legal_basis]", "consent")
    agent.fill("textarea[name=summary]", "ถูกสามีทำร้าย ต้องการความช่วยเหลือ")
    agent.click("#open")
    agent.wait_for_url(re.compile(r"/cases/\d+$"))
    heading = re.search(r"1300-\d{4}-\d{6}", agent.text_content("#case-h"))
    assert heading, "the case page names the case by its number"
    number = heading.group(0)
    # The Chiang Mai unit is on duty with its page open, as units are: a "normal" alert then
    # counts as delivered on the console. A unit that is not there gets its duty phone rung
    # at once, and the simulated duty phone would acknowledge before the page could.
    unit = context(viewport={"width": 390, "height": 844}, permissions=["notifications"])
    phone = unit.new_page()
    sign_in(phone, base, "unit.th50")
    phone.wait_for_url(f"{base}/unit")
    phone.wait_for_selector("[data-live='1']")  # its stream is open: the unit is present
    dispatch_form = agent.locator("form[action$='/dispatch']")
    # What the unit needs to act, written at dispatch (the case's narrative stays here).
    dispatch_form.locator("textarea").fill("หญิงถูกทำร้ายในบ้าน ต้องการเจ้าหน้าที่ไปพบ")
    agent.click("#dispatch")
    agent.wait_for_selector("#dispatches li")

    # The dispatch board lists it without a reload.
    row = board.locator("#dispatch-board tr[data-dispatch]", has_text=number)
    row.wait_for()
    dispatch_id = row.get_attribute("data-dispatch")

    # The unit, on a phone: the alert arrives on the page they keep open; they open it
    # and acknowledge.
    phone.wait_for_selector(f"#dispatch-list:has-text('{number}')")
    phone.goto(f"{base}/unit/dispatches/{dispatch_id}")
    assert "มาลี ใจดี" not in phone.content()  # the unit gets no full name
    phone.click("#do-acknowledge")
    phone.wait_for_selector("#dispatch-status:has-text('รับเรื่องแล้ว')")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The supervisor's board follows, still without a reload.
    board.locator(f"#dispatch-board tr[data-dispatch='{dispatch_id}']"
                  "[data-status='acknowledged']").wait_for()
    assert still_loaded(board) and still_loaded(wallboard)
    for made in (boss, hotline, unit):
        made.close()
