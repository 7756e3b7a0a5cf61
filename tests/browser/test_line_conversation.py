"""In chromium, with every process real (simulated PBX, bridge, worker, LINE simulator,
console): a person follows the hotline on LINE, taps a topic among the greeting's quick
replies, writes in Thai and sends a picture; agent1 goes ready, is offered the chat on
the agent page, accepts it, sees the words and the picture and answers with a canned
reply that reaches LINE once; the person's next line appears without a reload; the agent
opens a case from the chat and dispatches it to Chiang Mai's unit, whose member
acknowledges it; the chat ends and the agent's chat load is 0 / 3 again. And an agent
who signs out with a chat open hands it back first in line to agent2, who reads it all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callcenter.simulators.line import person_id
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_redis,
    page_errors,
)
from tests.browser.line_stack import line_stack  # noqa: F401
from tests.browser.test_console_flow import sign_in
from tests.browser.test_web_report import the_unit_acknowledges

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

SHOTS = Path("/tmp/linee2e_shots")
FIRST = "สามีทำร้ายร่างกายดิฉันเมื่อคืนนี้ ตอนนี้อยู่บ้านที่เชียงใหม่ค่ะ"
LATER = "ตอนนี้เขาออกไปข้างนอกแล้ว คุยได้ค่ะ"
SAFE = "ตอนนี้คุณอยู่ในที่ปลอดภัยและสะดวกคุยไหมคะ"  # the shipped "safe to talk" reply
LIVE_MS = 20_000  # an offer or a message reaching an open page


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for(check, timeout: float = 20.0):
    """Poll ``check`` until it gives something true (a condition, not a fixed sleep)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def person_starts(stack, user: str, topic: str) -> None:
    """Follow, then tap the topic's quick reply among those the greeting offered."""
    stack.sim("follow", user=user)
    greeting = wait_for(lambda: [m for m in stack.sim("received", user=user)["messages"]
                                 if m.get("quickReply")])
    assert greeting, "no greeting with quick replies reached the person"
    taps = [item["action"] for item in greeting[0]["quickReply"]["items"]]
    tap = next(a for a in taps if a.get("data") == f"topic={topic}")
    assert stack.sim("choose", user=user, data=tap["data"])["webhook_status"] == 200


def agent_goes_ready(browser, errors, console: str, login: str):
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, console, login)
    page.wait_for_url(f"{console}/agent")
    page.wait_for_selector("#agent[data-events]")
    if page.locator("#sign-in").count():
        page.click("#sign-in")
    page.wait_for_selector("#agent-status[data-status='available']", timeout=LIVE_MS)
    page.wait_for_selector("#chat-load")
    return context, page


def accept_offer(page, console: str) -> int:
    offer = page.locator(".chat-offers li[data-conversation]").first
    offer.wait_for(timeout=LIVE_MS)
    conversation_id = int(offer.get_attribute("data-conversation"))
    page.click(f"#accept-{conversation_id}")
    page.wait_for_url(f"{console}/chats/{conversation_id}")
    return conversation_id


def test_a_line_chat_becomes_a_case_dispatched_to_the_unit(request):
    browser = request.getfixturevalue("console_browser")
    stack = request.getfixturevalue("line_stack")
    errors = request.getfixturevalue("page_errors")
    console = stack.web
    staff, agent = agent_goes_ready(browser, errors, console, "agent1")
    assert agent.locator("#chat-load").get_attribute("data-holding") == "0"

    user = person_id()
    person_starts(stack, user, "family_violence")
    assert stack.sim("say", user=user, text=FIRST)["webhook_status"] == 200
    assert stack.sim("image", user=user)["webhook_status"] == 200

    # The offer: a toast and the panel, then accept and on to the desk.
    agent.wait_for_selector("#toasts .toast", timeout=LIVE_MS)
    shot(agent, "01_offer_on_agent_page")
    conversation_id = accept_offer(agent, console)
    transcript = agent.locator("#chat-messages")
    agent.wait_for_selector(f"#chat-messages >> text={FIRST}", timeout=LIVE_MS)
    picture = agent.locator("#chat-messages img.chat-image").first
    picture.wait_for(timeout=LIVE_MS)
    agent.wait_for_function("img => img.complete && img.naturalWidth > 0",
                            arg=picture.element_handle())
    agent.evaluate("window.lineMark = 1")

    agent.click("button.canned-reply[data-code='safe_to_talk']")
    agent.locator("#reply-text").press("Enter")
    agent.wait_for_selector("#chat-messages li.chat-out .send-state:has-text('ส่งแล้ว')",
                            timeout=LIVE_MS)
    shot(agent, "02_desk_reply_sent")
    assert stack.sim("received", user=user)["texts"].count(SAFE) == 1

    # The person writes again: the line appears without a reload.
    stack.sim("say", user=user, text=LATER)
    agent.wait_for_selector(f"#chat-messages >> text={LATER}", timeout=LIVE_MS)
    assert agent.evaluate("window.lineMark") == 1
    assert FIRST in transcript.inner_text()

    # A case from the chat: where the person is, the matter in the agent's words, then
    # screening and the dispatch to Chiang Mai's unit.
    agent.click("#open-case")
    agent.wait_for_url(re.compile(rf"{console}/cases/\d+$"))
    case_url = agent.url
    agent.click("details:has(#rescreen) > summary")
    agent.select_option("#rescreen select[name=issue_area]", "family_violence")
    agent.select_option("#rescreen #f-province_code", "TH-50")
    agent.fill("#rescreen textarea[name=summary]",
               "ผู้หญิงถูกสามีทำร้ายร่างกาย แจ้งทางไลน์ อยู่บ้านในเชียงใหม่")
    # A chat's case opens with consent "not asked" and no legal basis: the agent records
    # the person's consent, asked in the chat, before anything else is accepted.
    agent.select_option("#rescreen select[name=consent]", "given")
    agent.select_option("#rescreen select[name=legal_basis]", "consent")
    agent.click("#rescreen button[type=submit]")
    agent.wait_for_url(case_url)
    agent.select_option("#status-choice", "screening")
    agent.click("#status-submit")
    agent.wait_for_selector("#status-choice option[value='referred']", state="attached")
    agent.fill("#unit_brief", "ผู้หญิงถูกทำร้ายร่างกายในบ้าน ติดต่อทางไลน์ ตรวจสอบด่วน")
    agent.click("#dispatch")
    agent.wait_for_selector("#dispatches li[data-dispatch]")
    case_text = agent.locator("main").inner_text()
    assert "LINE" in case_text
    timeline = agent.locator("#timeline").inner_text()
    assert FIRST in timeline and LATER in timeline and SAFE in timeline
    shot(agent, "03_case_dispatched")
    case_number = re.search(r"1300-\d{4}-\d+", agent.locator("#case-h").inner_text()).group(0)

    the_unit_acknowledges(browser, errors, console, case_number)
    agent.goto(case_url)
    assert "หน่วยรับทราบ" in agent.locator("#dispatches").inner_text()

    # The chat ends with the closing reply; the place is free again.
    agent.goto(f"{console}/chats/{conversation_id}")
    agent.click("details.chat-actions > summary")
    agent.click("#end")
    agent.wait_for_url(f"{console}/chats")
    closing = wait_for(lambda: [t for t in stack.sim("received", user=user)["texts"]
                                if t.startswith("ขอบคุณที่ติดต่อ")])
    assert len(closing) == 1
    agent.goto(f"{console}/agent")
    load = agent.locator("#chat-load")
    load.wait_for()
    assert load.get_attribute("data-holding") == "0"
    assert "0 / 3" in load.inner_text()
    shot(agent, "04_agent_free_again")
    assert stack.sim("received", user=user)["texts"].count(SAFE) == 1
    staff.close()
    assert not stack.problems()


def test_a_chat_of_an_agent_who_signs_out_goes_first_to_the_next_agent(request):
    browser = request.getfixturevalue("console_browser")
    stack = request.getfixturevalue("line_stack")
    errors = request.getfixturevalue("page_errors")
    console = stack.web
    first, agent1 = agent_goes_ready(browser, errors, console, "agent1")
    second, agent2 = agent_goes_ready(browser, errors, console, "agent2")

    user = person_id()
    person_starts(stack, user, "welfare")
    stack.sim("say", user=user, text=FIRST)
    conversation_id = accept_offer(agent1, console)
    agent1.wait_for_selector(f"#chat-messages >> text={FIRST}", timeout=LIVE_MS)

    agent1.goto(f"{console}/agent")
    agent1.click("#sign-out")
    agent1.wait_for_selector("#agent-status[data-status='logged_out']", timeout=LIVE_MS)

    # agent2 is offered it (first in line) and reads the whole transcript.
    agent2.wait_for_selector(f".chat-offers li[data-conversation='{conversation_id}']",
                             timeout=LIVE_MS)
    shot(agent2, "05_offer_to_agent2")
    assert accept_offer(agent2, console) == conversation_id
    text = agent2.locator("#chat-messages").inner_text()
    assert FIRST in text
    assert "กลับเข้าคิว: เจ้าหน้าที่ออกจากคิว" in text  # the system's line, in Thai
    shot(agent2, "06_agent2_reads_transcript")
    first.close()
    second.close()
    assert not stack.problems()
