"""In chromium: a case exists for a number; a later call from that number rings agent1;
the screen-pop lists the case, the agent attaches the call to it, the button says
"attached ✓", and the case's timeline shows the call as a contact handled by the agent."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallOutcome
from callcenter.db import utcnow
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)
from tests.browser.test_console_flow import ring, sign_in

NUMBER = "0891234567"  # the number test_console_flow.ring calls from


def first_call(db_url: str) -> int:
    """The call the case was opened from, two hours ago, as the bridge recorded it."""
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    started = utcnow() - timedelta(hours=2)
    with Session(engine) as session:
        call = Call(node="pbx1", uniqueid="1763890000.7", caller_number=NUMBER,
                    started_at=started, answered_at=started + timedelta(seconds=20),
                    ended_at=started + timedelta(minutes=6), queue_name="violence",
                    outcome=CallOutcome.ANSWERED, wait_seconds=20, talk_seconds=340)
        session.add(call)
        session.commit()
        call_id = call.id
    engine.dispose()
    return call_id


def test_an_agent_attaches_a_later_call_to_the_callers_case(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context(locale="th-TH"))
    page = context.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    csrf = json.loads(page.get_attribute("body", "hx-headers"))["X-CSRF-Token"]
    opened = page.request.post(f"{console}/api/cases", headers={"X-CSRF-Token": csrf}, data={
        "issue_area": "family_violence", "urgency": "high", "consent": "given",
        "legal_basis": "consent", "summary": "ถูกทำร้าย", "call_id": first_call(db_url)})
    assert opened.status == 201, opened.text()
    case = opened.json()

    page.wait_for_selector("#agent[data-events]")
    page.wait_for_timeout(500)  # the EventSource subscribes
    ring(db_url, request.getfixturevalue("live_redis"))
    attach = f"#attach-{case['id']}"
    page.wait_for_selector(attach, timeout=10_000)
    assert case["number"] in page.text_content(attach)
    page.click(attach)
    page.wait_for_selector(f"#attached-{case['id']}")
    assert "แนบแล้ว ✓" in page.text_content(f"#attached-{case['id']}")

    page.click(f"#open-attached-{case['id']}")
    page.wait_for_url(f"{console}/cases/{case['id']}")
    phone_contacts = page.locator("#timeline [data-channel='phone']")
    assert phone_contacts.count() == 2
    listed = page.request.get(f"{console}/api/cases/{case['id']}/contacts").json()
    # The first call opened the case; the later one is the call that rang, answered now.
    later = [c for c in listed if c["call"] and c["call"]["id"] != listed[0]["call"]["id"]]
    assert len(later) == 1 and later[0]["attached_by_id"] == case["owner_id"]
    assert later[0]["call"]["outcome"] == "in_progress"
    assert f"#{later[0]['call_id']}" in phone_contacts.nth(1).text_content()
    assert "สมหญิง ใจดี" in page.text_content("#timeline")
    context.close()
