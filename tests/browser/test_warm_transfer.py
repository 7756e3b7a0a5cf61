"""In chromium, against the simulated Asterisk and the real AMI bridge: a caller reaches
agent1, who writes the case's draft, consults agent2 with a warm transfer and completes
it. Asterisk's side is played out as recorded (the colleague's phone rings through the
warm-transfer context and answers, AttendedTransfer hands the caller over); agent2's
screen-pop shows the call handed over with agent1's draft, agent2 opens the case, its
timeline records the hand-over, and the call's legs in the database are agent1's then
agent2's. A consultation cancelled leaves the caller with agent1."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.calls.models import Call, CallLeg
from callcenter.seed import DEMO_PASSWORD
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.pbx_stack import sim_pbx  # noqa: F401


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")
    page.wait_for_selector("#agent[data-events]")
    page.wait_for_timeout(500)  # the EventSource subscribes


def until(check, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in time: {what}")
        time.sleep(0.2)


def legs_of(db_url: str, uniqueid: str) -> list[tuple]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with Session(engine) as session:
            call = session.scalar(select(Call).where(Call.uniqueid == uniqueid))
            if call is None or call.ended_at is None:
                return []
            rows = session.scalars(select(CallLeg).where(CallLeg.call_id == call.id)
                                   .order_by(CallLeg.seq))
            return [(leg.seq, leg.queue_name, leg.agent_interface, leg.ended_how)
                    for leg in rows]
    finally:
        engine.dispose()


def user_id(db_url: str, login: str) -> int:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with Session(engine) as session:
            return session.scalar(select(User.id).where(User.login == login))
    finally:
        engine.dispose()


def consult(page, agent2_id: int, reason: str) -> None:
    """agent1 consults agent2 from the call's controls; agent2's phone rings, answers."""
    # The controls redraw once the bridge says agent1 is on the call: then they work.
    page.wait_for_selector("#cc-warm-target:enabled", timeout=10_000)
    page.keyboard.press("Alt+w")  # Alt+W: the consult list has the focus
    assert page.evaluate("document.activeElement.id") == "cc-warm-target"
    # agent2 is offered because the bridge says they are free.
    page.wait_for_selector(f"#cc-warm-target option[value='agent:{agent2_id}']",
                           state="attached", timeout=10_000)
    page.select_option("#cc-warm-target", f"agent:{agent2_id}")
    page.fill("#cc-warm-reason", reason)
    page.click("#cc-warm")
    page.wait_for_selector("#cc-consulting")
    assert page.get_attribute("#cc-hangup", "disabled") is not None  # not while consulting


def test_a_warm_transfer_hands_the_call_and_its_draft_to_the_colleague(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    pbx = request.getfixturevalue("sim_pbx")
    errors = request.getfixturevalue("page_errors")
    agent2_id = user_id(db_url, "agent2")

    first = errors.watch_context(browser.new_context(locale="th-TH"))
    page = first.new_page()
    page.on("dialog", lambda d: d.accept())
    sign_in(page, console, "agent1")
    second = errors.watch_context(browser.new_context(locale="th-TH"))
    colleague = second.new_page()
    sign_in(colleague, console, "agent2")

    call = pbx.call_to("agent1", caller="0891234567")
    page.wait_for_selector("#pop-caller", timeout=15_000)
    assert page.text_content("#pop-caller") == "0891234567"
    page.keyboard.press("Alt+n")  # agent1 starts the case's draft from the call
    page.wait_for_url(f"{console}/cases/drafts/*")
    page.select_option("#f-urgency", "high")
    page.select_option("#f-target_group", "woman")
    page.select_option("#f-province_code", "TH-50")
    page.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    page.select_option("#f-consent", "given")
    page.select_option("#f-legal_basis", "consent")
    with page.expect_response(lambda r: "/cases/drafts/" in r.url
                              and "summary=%E0" in (r.request.post_data or "")):
        page.fill("#f-summary", "ถูกสามีทำร้าย ขอส่งต่อผู้เชี่ยวชาญ")

    page.goto(f"{console}/agent")  # back to the call: its controls
    consult(page, agent2_id, "ขอคำปรึกษาเรื่องแรงงานเด็ก")
    # Asterisk: agent1 on hold, the consultation rings agent2's phone, which answers.
    until(lambda: any(e.get("Event") == "DialEnd" and e.get("DialStatus") == "ANSWER"
                      and e.get("DestChannel", "").startswith("PJSIP/agent2-")
                      for e in pbx.events()), "agent2 answers the consultation")
    page.wait_for_selector("#cc-hold[data-on-hold=yes]", timeout=10_000)
    page.screenshot(path=str(request.getfixturevalue("tmp_path") / "warm-consulting.png"))
    page.keyboard.press("Alt+c")  # complete the transfer
    page.wait_for_selector("#cc-consulting", state="detached")
    until(lambda: any(e.get("Event") == "AttendedTransfer" for e in pbx.events()),
          "the attended transfer")
    first.close()

    # agent2's page hears of it and shows the call handed over, with the draft.
    colleague.wait_for_selector("#cc-handed-over", timeout=10_000)
    assert "ส่งต่อสายนี้ให้คุณ" in colleague.text_content("#cc-handed-over")
    # The call is agent2's now: the caller's screen-pop as agent1 saw it, and its
    # controls work for them (hang up, hold, transfer).
    colleague.wait_for_selector("#cc-hangup:not([disabled])", timeout=10_000)
    assert colleague.text_content("#pop-caller") == "0891234567"
    colleague.click("#cc-draft")
    colleague.wait_for_url(f"{console}/cases/drafts/*")
    assert colleague.input_value("#f-summary") == "ถูกสามีทำร้าย ขอส่งต่อผู้เชี่ยวชาญ"
    colleague.click("#open")
    colleague.wait_for_url(f"{console}/cases/*")
    handover = colleague.text_content("#timeline .tl-handover")
    assert "ส่งต่อสายให้" in handover and "ขอคำปรึกษาเรื่องแรงงานเด็ก" in handover
    second.close()

    # The caller hangs up: the call's legs are agent1's (transferred) then agent2's.
    pbx.caller_hangs_up(call)
    assert until(lambda: legs_of(db_url, call.uniqueid), "the call's legs") == [
        (1, "violence", "PJSIP/agent1", "transferred"),
        (2, None, "PJSIP/agent2", "answered")]
    assert until(lambda: not pbx.engaged(), "both phones free again") is True


def test_a_cancelled_consultation_leaves_the_caller_with_agent1(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    pbx = request.getfixturevalue("sim_pbx")
    errors = request.getfixturevalue("page_errors")
    agent2_id = user_id(db_url, "agent2")

    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    sign_in(page, console, "agent1")
    call = pbx.call_to("agent1", caller="0897654321")
    page.wait_for_selector("#pop-caller", timeout=15_000)
    assert page.text_content("#pop-caller") == "0897654321"
    consult(page, agent2_id, "ขอคำปรึกษา")
    until(lambda: "PJSIP/agent2" in pbx.engaged(), "agent2's phone rung")
    page.wait_for_selector("#cc-hold[data-on-hold=yes]", timeout=10_000)
    page.click("#cc-cancel")
    page.wait_for_selector("#cc-consulting", state="detached")
    # Back with the caller: off hold, the call's controls still agent1's, agent2 free.
    page.wait_for_selector("#cc-hold[data-on-hold=no]", timeout=10_000)
    assert page.get_attribute("#cc-hangup", "disabled") is None
    assert until(lambda: "PJSIP/agent2" not in pbx.engaged(), "agent2 free again")
    assert not any(e.get("Event") == "AttendedTransfer" and
                   e.get("TransfereeUniqueid") == call.uniqueid for e in pbx.events())
    page.screenshot(path=str(request.getfixturevalue("tmp_path") / "warm-cancelled.png"))
    context.close()

    pbx.caller_hangs_up(call)
    assert until(lambda: legs_of(db_url, call.uniqueid), "the call's legs") == [
        (1, "violence", "PJSIP/agent1", "answered")]
