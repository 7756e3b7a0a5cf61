"""In chromium: an agent signs in, a call rings, the screen-pop shows the IVR's choice,
the agent opens a case from it, saves it and dispatches it; the unit of that province
sees the dispatch and a unit of another province does not."""

from __future__ import annotations

import json
import time

import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from callcenter.calls import service as calls
from callcenter.seed import DEMO_PASSWORD
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)

UNIQUEID = "1763900000.41"
AGENT = "Local/agent1@agents/n"


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def ring(db_url: str, redis_url: str, *, uniqueid: str = UNIQUEID) -> None:
    """Publish what the AMI bridge would: the call row, its live state, the agent ringing.

    While it rings the call names no agent (the tracker sets ``agent_interface`` on
    AgentConnect): only the agent's own state says the call rings on their phone.
    """
    now = time.time()
    record = {"uniqueid": uniqueid, "started_at": _iso(now - 40), "queued_at": _iso(now - 25),
              "caller_number": "0891234567", "ivr_language": "th", "ivr_choice": "1",
              "issue_area": "family_violence", "priority": 5, "silent": False,
              "queue_name": "violence", "agent_interface": None, "outcome": "in_progress"}
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session:
        from datetime import datetime

        row = {k: datetime.fromisoformat(v) if k.endswith("_at") else v
               for k, v in record.items()}
        calls.record(session, node="pbx1", record=_Record(**row))
        session.commit()
    engine.dispose()
    client = redis.Redis.from_url(redis_url)
    call = {**record, "node": "pbx1", "state": "ringing"}
    agent = {"node": "pbx1", "interface": AGENT, "name": "agent1", "status": "ringing",
             "ringing_call": uniqueid, "current_call": None, "paused_reason": None,
             "queues": {"violence": {"paused": False}}}
    client.hset("live.pbx1.calls", uniqueid, json.dumps(call))
    client.publish(f"call.{uniqueid}.updated", json.dumps(call))
    client.hset("live.pbx1.agents", AGENT, json.dumps(agent))
    client.publish(f"agent.{AGENT}.updated", json.dumps(agent))
    client.close()


class _Record(dict):
    def __getattr__(self, name):
        return self[name]


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat()


def test_an_agent_takes_a_call_opens_a_case_and_dispatches_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    errors = request.getfixturevalue("page_errors")
    agent = errors.watch_context(browser.new_context(locale="th-TH"))
    page = agent.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    page.wait_for_selector("#agent[data-events]")  # not wait_for_function: CSP refuses eval
    page.wait_for_timeout(500)  # the EventSource subscribes
    ring(db_url, request.getfixturevalue("live_redis"))
    page.wait_for_selector("#pop-issue", timeout=10_000)
    assert page.text_content("#pop-issue").strip() == "ความรุนแรงในครอบครัว"
    assert page.text_content("#pop-caller").strip() == "0891234567"
    page.keyboard.press("Alt+n")  # one key opens a case from the call
    page.wait_for_url(f"{console}/cases/drafts/*")
    assert page.input_value("#f-issue_area") == "family_violence"  # pre-filled from the IVR
    # A priority-5 call: nothing chosen for the agent, the caller is the reporter.
    assert page.input_value("#f-urgency") == "" and page.input_value("#f-consent") == ""
    assert page.input_value("input[name='persons.1.phone']") == "0891234567"
    page.select_option("#f-urgency", "high")
    page.select_option("#f-target_group", "woman")
    page.select_option("#f-province_code", "TH-50")
    page.wait_for_selector("#unit:has-text('เชียงใหม่')")
    page.fill("input[name='persons.0.full_name']", "มาลี ใจดี")
    page.select_option("#f-consent", "given")
    page.select_option("#f-legal_basis", "consent")
    with page.expect_response(lambda r: "/cases/drafts/" in r.url  # saved as it is typed
                              and "summary=%E0" in (r.request.post_data or "")):
        page.fill("#f-summary", "ถูกสามีทำร้าย ต้องการความช่วยเหลือด่วน")
    assert "บันทึกร่างแล้ว" in page.text_content("#saved")
    page.reload()  # nothing typed is lost
    assert page.input_value("#f-summary") == "ถูกสามีทำร้าย ต้องการความช่วยเหลือด่วน"
    page.click("#open")
    page.wait_for_url(f"{console}/cases/*")
    number = page.text_content("#case-h")
    assert "1300-" in number
    # The unit's text starts empty: the agent writes it (the unit never sees the summary).
    assert page.input_value("#unit_brief") == ""
    page.keyboard.press("Alt+d")  # the unit's text is empty: Alt+D takes the agent to it
    assert page.evaluate("document.activeElement.id") == "unit_brief"
    page.fill("#unit_brief", "หญิง บาดเจ็บ อยู่บ้านตามที่อยู่")
    page.keyboard.press("Alt+d")  # written: Alt+D sends the dispatch
    page.wait_for_selector("#dispatches li")
    assert "#" in page.text_content("#dispatches li")
    agent.close()

    chiang_mai = errors.watch_context(browser.new_context())
    unit_page = chiang_mai.new_page()
    sign_in(unit_page, console, "unit.th50")
    unit_page.wait_for_load_state()
    listed = unit_page.request.get(f"{console}/api/unit/dispatches").json()
    assert len(listed) == 1 and listed[0]["province_code"] == "TH-50"
    chiang_mai.close()

    bangkok = errors.watch_context(browser.new_context())
    other = bangkok.new_page()
    sign_in(other, console, "unit.th10")
    other.wait_for_load_state()
    assert other.request.get(f"{console}/api/unit/dispatches").json() == []
    assert other.request.get(
        f"{console}/api/unit/dispatches/{listed[0]['id']}").status == 404
    bangkok.close()


def test_closing_a_case_asks_for_its_outcome_then_a_confirmation_naming_it(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    agent = errors.watch_context(browser.new_context(locale="th-TH"))
    page = agent.new_page()
    sign_in(page, console, "agent1")
    page.wait_for_url(f"{console}/agent")
    csrf = json.loads(page.get_attribute("body", "hx-headers"))["X-CSRF-Token"]
    opened = page.request.post(f"{console}/api/cases", headers={"X-CSRF-Token": csrf}, data={
        "issue_area": "welfare", "urgency": "low", "consent": "given",
        "legal_basis": "consent", "summary": "สอบถามสิทธิ"})
    assert opened.status == 201
    case_url = f"{console}/cases/{opened.json()['id']}"
    page.goto(case_url)
    assert not page.is_visible("#outcome-choice")  # asked only when closing
    page.select_option("#status-choice", "closed")
    assert page.is_visible("#outcome-choice")
    page.click("#status-submit")  # no outcome: the browser asks for one, nothing is sent
    assert page.is_hidden("#close-confirm")
    assert page.evaluate("document.activeElement.id") == "outcome-choice"
    page.select_option("#outcome-choice", "help_declined")
    page.click("#status-submit")
    assert page.is_visible("#close-confirm")
    assert page.text_content("#close-confirm-outcome") \
        == "ผู้ประสบปัญหาไม่ประสงค์รับความช่วยเหลือเพิ่ม"
    page.click("#close-back")  # the agent changes their mind: still open
    assert page.is_hidden("#close-confirm")
    api_case = f"{console}/api/cases/{opened.json()['id']}"
    assert page.request.get(api_case).json()["status"] == "screening"
    page.click("#status-submit")
    with page.expect_navigation():
        page.click("#close-yes")
    assert page.text_content("#case-status") == "ปิดเคส"
    assert page.text_content("#closure-outcome") == "ผู้ประสบปัญหาไม่ประสงค์รับความช่วยเหลือเพิ่ม"
    assert page.request.get(api_case).json()["closure_outcome"] == "help_declined"
    agent.close()
