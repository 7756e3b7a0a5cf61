"""In chromium: a supervisor merges case B into case A from A's page (finding B by its
number, seeing what moves, giving the reason); A's timeline shows B's note; searching B's
number finds A, "merged from" B; an admin undoes the merge and B's note is B's again."""

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

NOTE = "ผู้แจ้งโทรมาอีกครั้งจากเบอร์ใหม่"


def two_cases(db_url: str) -> tuple[tuple[int, str], tuple[int, str]]:
    """A and its duplicate B (with a note), opened by agent1."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        agent = session.scalar(select(User.id).where(User.login == "agent1"))
        a, b = (service.open_case(session, created_by_id=agent, province_code="TH-50")
                for _ in range(2))
        for case in (a, b):
            service.change_status(session, case, to=CaseStatus.SCREENING, actor_id=agent)
        service.add_note(session, b, body=NOTE, actor_id=agent)
        session.commit()
        ids = (a.id, a.number), (b.id, b.number)
    engine.dispose()
    return ids


def test_a_supervisor_merges_b_into_a_and_an_admin_undoes_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    (a_id, a_number), (b_id, b_number) = two_cases(request.getfixturevalue("console_db"))

    page = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(page, console, "supervisor")
    complete_in_page(page, "supervisor")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{console}/cases/{a_id}")
    page.click("#merge-link")
    page.fill("#merge-number", b_number)
    page.click("#merge-find button[type=submit]")
    assert page.locator("#merge-moves tr[data-table=case_notes] td").nth(1).inner_text() == "1"
    page.fill("#merge-reason", "ผู้แจ้งคนเดิม เรื่องเดียวกัน")
    page.click("#merge-confirm")
    page.wait_for_url(f"{console}/cases/{a_id}")
    assert NOTE in page.locator("#timeline").inner_text()
    assert b_number in page.locator(".merged-from").inner_text()

    page.goto(f"{console}/cases")
    page.fill("#case-search input[name=number]", b_number)
    page.click("#case-search button[type=submit]")
    target = page.locator(f"#results a[href='/cases/{a_id}']")
    target.wait_for()
    assert f"รวมมาจากเคส {b_number}" in page.locator("#results").inner_text()
    target.click()
    page.wait_for_url(f"{console}/cases/{a_id}")
    assert a_number in page.locator("h1").inner_text()

    admin = errors.watch_context(browser.new_context(locale="th-TH")).new_page()
    sign_in(admin, console, "admin")
    complete_in_page(admin, "admin")
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.goto(f"{console}/admin/merges")
    row = admin.locator("#merges tr", has_text=b_number)
    row.locator("input[name=reason]").fill("คนละเรื่องกัน")
    row.locator("button[type=submit]").click()
    admin.wait_for_url(f"{console}/cases/{b_id}")
    assert NOTE in admin.locator("#timeline").inner_text()
    assert "ยกเลิกการรวมเคส" in admin.locator("#timeline").inner_text()
    assert admin.locator("#merged-into").count() == 0
    admin.goto(f"{console}/cases/{a_id}")
    assert NOTE not in admin.locator("#timeline").inner_text()
