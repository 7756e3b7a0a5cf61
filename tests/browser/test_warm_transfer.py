"""In chromium: agent1 talks with a caller and writes the case's draft, consults agent2
with a warm transfer and completes it; agent2's screen-pop shows the call handed over
with agent1's draft, agent2 opens the case from it, and the case's timeline records the
hand-over. The bridge's side is played as it publishes (live state in Redis) and answers
(every PBX command: ok), as test_console_flow does."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import redis
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.calls import service as calls
from callcenter.seed import DEMO_PASSWORD
from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)

UNIQUEID = "1763900000.77"
AGENT1_LEG = "PJSIP/agent1-0000004d"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")
    page.wait_for_selector("#agent[data-events]")
    page.wait_for_timeout(500)  # the EventSource subscribes


class _Record(dict):
    def __getattr__(self, name):
        return self[name]


def talking(db_url: str, redis_url: str) -> int:
    """The call agent1 answered, as the bridge records and publishes it; agent2 is free.
    Returns agent2's id."""
    now = time.time()
    record = {"uniqueid": UNIQUEID, "started_at": _iso(now - 60), "queued_at": _iso(now - 50),
              "answered_at": _iso(now - 42), "caller_number": "0891234567",
              "ivr_language": "th", "ivr_choice": "1", "issue_area": "family_violence",
              "priority": 5, "silent": False, "queue_name": "violence",
              "agent_interface": "PJSIP/agent1", "outcome": "in_progress"}
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session:
        row = {k: datetime.fromisoformat(v) if k.endswith("_at") else v
               for k, v in record.items()}
        calls.record(session, node="pbx1", record=_Record(**row))
        session.commit()
        agent2 = session.scalar(select(User.id).where(User.login == "agent2"))
    engine.dispose()
    client = redis.Redis.from_url(redis_url)
    call = {**record, "node": "pbx1", "state": "talking",
            "channel": "PJSIP/trunk-telco-0000004c", "on_hold": False, "holds": 0}
    agent1 = {"node": "pbx1", "interface": "PJSIP/agent1", "name": "agent1",
              "status": "in_call", "current_call": UNIQUEID, "channel": AGENT1_LEG,
              "ringing_call": None, "paused_reason": None,
              "queues": {"violence": {"paused": False}}}
    free = {"node": "pbx1", "interface": "PJSIP/agent2", "name": "agent2",
            "status": "available", "current_call": None, "ringing_call": None,
            "paused_reason": None, "queues": {"violence": {"paused": False}}}
    client.hset("live.pbx1.calls", UNIQUEID, json.dumps(call))
    for agent in (agent1, free):
        client.hset("live.pbx1.agents", agent["interface"], json.dumps(agent))
        client.publish(f"agent.{agent['interface']}.updated", json.dumps(agent))
    client.publish(f"call.{UNIQUEID}.updated", json.dumps(call))
    client.close()
    return agent2


def answering_bridge(redis_url: str, seen: list[dict], stop: threading.Event) -> None:
    """The bridge of pbx1 answering every command as Asterisk accepted it."""
    client = redis.Redis.from_url(redis_url)
    while not stop.is_set():
        got = client.brpop(["bridge.pbx1.commands"], timeout=1)
        if got:
            request = json.loads(got[1])
            seen.append(request)
            client.rpush(f"bridge.reply.{request['id']}",
                         json.dumps({"status": "ok", "message": "", "data": {}}))
    client.close()


def test_a_warm_transfer_hands_the_call_and_its_draft_to_the_colleague(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    db_url = request.getfixturevalue("console_db")
    redis_url = request.getfixturevalue("live_redis")
    errors = request.getfixturevalue("page_errors")
    seen: list[dict] = []
    stop = threading.Event()
    bridge = threading.Thread(target=answering_bridge, args=(redis_url, seen, stop),
                              daemon=True)
    bridge.start()
    try:
        first = errors.watch_context(browser.new_context(locale="th-TH"))
        page = first.new_page()
        page.on("dialog", lambda d: d.accept())
        sign_in(page, console, "agent1")
        second = errors.watch_context(browser.new_context(locale="th-TH"))
        colleague = second.new_page()
        sign_in(colleague, console, "agent2")

        agent2_id = talking(db_url, redis_url)
        page.wait_for_selector("#pop-caller", timeout=10_000)
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
        page.wait_for_selector("#cc-timer", timeout=10_000)
        assert page.get_attribute("#cc-complete", "disabled") is not None  # nothing to complete
        page.keyboard.press("Alt+w")  # Alt+W: the consult list has the focus
        assert page.evaluate("document.activeElement.id") == "cc-warm-target"
        page.select_option("#cc-warm-target", f"agent:{agent2_id}")
        page.fill("#cc-warm-reason", "ขอคำปรึกษาเรื่องแรงงานเด็ก")
        page.wait_for_timeout(4500)  # the block's own redraw waits while a target is chosen
        assert page.input_value("#cc-warm-target") == f"agent:{agent2_id}"
        page.click("#cc-warm")
        page.wait_for_selector("#cc-consulting")
        assert page.get_attribute("#cc-hangup", "disabled") is not None  # not while consulting
        page.keyboard.press("Alt+c")  # complete the transfer
        page.wait_for_selector("#cc-consulting", state="detached")
        commands = [r["command"] for r in seen]
        assert commands[-2:] == ["warm_transfer", "complete_transfer"]
        assert seen[-2]["args"]["colleague"] == "agent2"
        first.close()

        # agent2's page hears of it and shows the call handed over, with the draft.
        colleague.wait_for_selector("#cc-handed-over", timeout=10_000)
        assert "ส่งต่อสายนี้ให้คุณ" in colleague.text_content("#cc-handed-over")
        colleague.click("#cc-draft")
        colleague.wait_for_url(f"{console}/cases/drafts/*")
        assert colleague.input_value("#f-summary") == "ถูกสามีทำร้าย ขอส่งต่อผู้เชี่ยวชาญ"
        colleague.click("#open")
        colleague.wait_for_url(f"{console}/cases/*")
        handover = colleague.text_content("#timeline .tl-handover")
        assert "ส่งต่อสายให้" in handover and "ขอคำปรึกษาเรื่องแรงงานเด็ก" in handover
        second.close()
    finally:
        stop.set()
        bridge.join(3)
