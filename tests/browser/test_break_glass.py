"""In chromium: agent2 searches for agent1's case, sees only its reduced row, opens it
with a reason and reads it; the supervisor then finds the opening in the review list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.cases import service
from callcenter.db import make_engine
from callcenter.taxonomy import Urgency
from tests.browser.console_stack import (  # noqa: F401
    complete_in_page,
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in

REASON = "ผู้โทรสอบถามเรื่องเคสนี้ เจ้าของเคสไม่อยู่เวร"
SUMMARY = "สามีทำร้ายร่างกาย ที่บ้านเชียงใหม่"


def agent1s_case(db_url: str) -> tuple[int, str]:
    """A case agent1 opened, of no team: agent2 may not read it."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        agent1 = session.scalar(select(User.id).where(User.login == "agent1"))
        case = service.open_case(session, created_by_id=agent1, province_code="TH-50",
                                 urgency=Urgency.HIGH, summary=SUMMARY)
        found = case.id, case.number
        session.commit()
    engine.dispose()
    return found


def test_an_agent_opens_another_agents_case_with_a_reason_and_the_supervisor_sees_it(
        request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    case_id, number = agent1s_case(request.getfixturevalue("console_db"))

    agent = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(agent, console, "agent2")
    agent.wait_for_url(f"{console}/agent")
    agent.goto(f"{console}/cases")
    agent.fill("input[name=number]", number)
    row = agent.wait_for_selector(f"tr[data-case-hidden='{case_id}']")
    assert number in row.inner_text() and SUMMARY not in agent.content()
    row.query_selector("a").click()
    agent.wait_for_url(f"{console}/cases/{case_id}/break-glass")
    assert SUMMARY not in agent.content()
    agent.fill("textarea[name=reason]", REASON)
    agent.click("#break-glass button[type=submit]")
    agent.wait_for_url(f"{console}/cases/{case_id}")
    assert agent.locator("#case-access-grant").is_visible()
    assert SUMMARY in agent.content()

    boss = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(boss, console, "supervisor")
    complete_in_page(boss, "supervisor")
    boss.wait_for_url(lambda url: "/login" not in url)
    boss.click("a[href='/access-reviews']")
    boss.wait_for_url(f"{console}/access-reviews")
    opening = boss.locator("#access-reviews tbody tr").first
    assert number in opening.inner_text() and REASON in opening.inner_text()
    opening.locator("input[name=note]").fill("เหมาะสม")
    opening.locator("button[type=submit]").click()
    boss.wait_for_url(f"{console}/access-reviews")
    assert "ตรวจแล้วโดย" in boss.locator("#access-reviews tbody tr").first.inner_text()
