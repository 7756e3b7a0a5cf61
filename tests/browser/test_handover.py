"""In chromium: a supervisor hands agent1's open cases over to agent2 in bulk on the
hand-over page; agent2, with the agent page open in another browser, sees a toast for
each case at once and finds them in "my cases"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.cases import service
from callcenter.cases.models import CaseStatus
from callcenter.db import make_engine
from tests.browser.console_stack import (  # noqa: F401
    complete_in_page,
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import sign_in


def open_cases_of(db_url: str, login: str, count: int) -> tuple[int, list[str]]:
    """``count`` screened cases owned by ``login``; their owner's id and numbers."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        owner = session.scalar(select(User.id).where(User.login == login))
        numbers = []
        for _ in range(count):
            case = service.open_case(session, created_by_id=owner)
            service.change_status(session, case, to=CaseStatus.SCREENING, actor_id=owner)
            numbers.append(case.number)
        session.commit()
    engine.dispose()
    return owner, numbers


def test_a_supervisor_hands_agent1s_cases_to_agent2_who_is_told_live(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    agent1, numbers = open_cases_of(request.getfixturevalue("console_db"), "agent1", 2)

    # agent2 at work: the agent page open, its live stream listening.
    agent2 = errors.watch_context(browser.new_context(locale="th-TH"))
    desk = agent2.new_page()
    sign_in(desk, console, "agent2")
    desk.wait_for_url(f"{console}/agent")
    desk.wait_for_selector("#agent[data-events]")  # not wait_for_function: CSP refuses eval
    desk.wait_for_timeout(500)  # the EventSource subscribes

    lead = errors.watch_context(browser.new_context(locale="th-TH"))
    page = lead.new_page()
    sign_in(page, console, "supervisor")
    complete_in_page(page, "supervisor")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{console}/handover")
    page.select_option("#worker-choice", str(agent1))
    page.click("#handover-worker button[type=submit]")
    page.wait_for_selector("#handover-rows")
    for box in page.locator("#handover-rows input[name=case]").all():
        box.check()
    page.check("#next-shift input[data-login=agent2]")
    assert page.input_value("#handover-reason") == "ส่งเวร"
    page.click("#handover-submit")
    page.wait_for_selector("#handover-done")
    assert "ส่งต่อแล้ว 2 เคส" in page.inner_text("#handover-done")
    assert page.locator("#handover-none").count() == 1

    # agent2 is told of each case, with a link to it.
    for number in numbers:
        toast = desk.locator(f"#toasts .toast:has-text('{number}')")
        toast.wait_for(timeout=10_000)
        assert "คุณได้รับเคส" in toast.inner_text()
        assert toast.locator("a").get_attribute("href").startswith("/cases/")
    desk.goto(f"{console}/cases/mine")
    mine = desk.inner_text("#my-open")
    assert all(number in mine for number in numbers)
    lead.close()
    agent2.close()
