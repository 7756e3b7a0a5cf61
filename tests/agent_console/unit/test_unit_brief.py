"""The unit learns of a case only through the agent's text for it (``unit_brief``).

The case's summary may name the reporter or the alleged perpetrator; the unit's API,
pages, live stream and alerts carry the brief instead, and nothing else of the case
but the victim's visit details.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from agent_console.routers.unit import UnitStream
from callcenter.dispatch import notify
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import Alert, Dispatch
from tests.agent_console.console_support import INTAKE, signed_in
from tests.support import builders

BRIEF = "หญิงบาดเจ็บที่แขน รออยู่หน้าบ้าน ผู้กระทำอาจอยู่ใกล้"
# Everything of the case that must stay with the hotline.
SUMMARY = "สามีชื่อสมชายทำร้ายภรรยา เพื่อนบ้านชื่อต้อยติ่งเป็นคนโทรมา"
SECRETS = (
    SUMMARY,
    "มาลี ใจดี",        # the victim's full name
    "1101700207030", "7030",  # the victim's national ID, even its last four digits
    "ต้อยติ่ง",          # the reporter
    "0899990000",       # the reporter's (the caller's) number
    "สมชาย ร้ายกาจ",     # the alleged perpetrator
    "ขอไม่เปิดเผยตัวผู้แจ้ง",  # a note on the case
)


@pytest.fixture
def briefed(client, seeded_session):
    """A Chiang Mai case full of what the unit must not see, dispatched from the case page."""
    csrf = signed_in(client, "agent1")
    intake = {**INTAKE, "summary": SUMMARY, "persons": [
        {**INTAKE["persons"][0], "nickname": "มะลิ", "address": "12 ม.3 ต.ช้างเผือก"},
        {"role": "reporter", "nickname": "ต้อยติ่ง", "phone": "0899990000"},
        {"role": "alleged_perpetrator", "full_name": "สมชาย ร้ายกาจ"}]}
    headers = {"X-CSRF-Token": csrf}
    case = client.post("/api/cases", json=intake, headers=headers)
    assert case.status_code == 201, case.text
    case = case.json()
    client.post(f"/api/cases/{case['id']}/notes", json={"body": "ขอไม่เปิดเผยตัวผู้แจ้ง"},
                headers=headers)
    page = client.get(f"/cases/{case['id']}").text
    # The unit's text starts empty, whatever the case holds.
    assert re.search(r'<textarea id="unit_brief"[^>]*></textarea>', page)
    sent = client.post(f"/cases/{case['id']}/dispatch",
                       data={"unit_brief": f"  {BRIEF}  ", "csrf_token": csrf})
    assert sent.status_code == 200, sent.text
    dispatch = seeded_session.scalars(select(Dispatch).where(Dispatch.case_id == case["id"])).one()
    assert dispatch.unit_brief == BRIEF
    client.post("/logout", headers=headers)
    client.cookies.clear()
    return {"case": case, "dispatch": dispatch}


def assert_nothing_of_the_case(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_units_api_and_pages_carry_the_brief_and_nothing_else_of_the_case(
        client, briefed):
    d = briefed["dispatch"].id
    signed_in(client, "unit.th50")
    api = client.get(f"/api/unit/dispatches/{d}")
    assert api.status_code == 200
    assert api.json()["unit_brief"] == BRIEF and "summary" not in api.json()
    assert [p["role"] for p in api.json()["persons"]] == ["victim"]
    page = client.get(f"/unit/dispatches/{d}")
    assert BRIEF in page.text and "มะลิ" in page.text
    listing = client.get("/unit").text + client.get("/unit", headers={"HX-Request": "true"}).text
    listed = client.get("/api/unit/dispatches").text
    for text in (api.text, page.text, listing, listed):
        assert_nothing_of_the_case(text)


def test_the_live_stream_and_every_alert_carry_nothing_else_of_the_case(
        seeded_session, briefed):
    dispatch = briefed["dispatch"]
    settings = builders.settings()
    texts, payloads = [], []
    for alert in seeded_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)):
        claim = outbox.claim(seeded_session, alert.id, now=alert.next_attempt_at,
                             settings=settings)
        message = claim.delivery.message
        # SMS, LINE and e-mail send the text (and the subject); the console the payload.
        assert BRIEF in message.text
        payload = message.as_payload() | {"idempotency_key": claim.delivery.idempotency_key}
        payloads.append(json.dumps(payload, ensure_ascii=False))
        texts += [message.text, message.subject]
    assert payloads, "the dispatch owes at least one alert"
    state = json.dumps(notify.state(seeded_session, dispatch.id), ensure_ascii=False)
    stream = UnitStream(dispatch.unit_id)
    events = [chunk.decode() for name, body in [("dispatch", state)]
              + [("unit", p) for p in payloads] for chunk in stream.handle(name, body)]
    assert any(e.startswith("event: alert") for e in events)
    assert any(e.startswith("event: dispatch") for e in events)
    for text in [*texts, *payloads, state, *events]:
        assert_nothing_of_the_case(text)


def test_a_dispatch_without_a_text_for_the_unit_is_refused(client, seeded_session):
    csrf = signed_in(client, "agent1")
    headers = {"X-CSRF-Token": csrf, "Accept-Language": "th"}
    case = client.post("/api/cases", json=INTAKE, headers=headers).json()
    url = f"/api/cases/{case['id']}/dispatches"
    missing = client.post(url, json={}, headers=headers)
    assert missing.status_code == 422
    assert [p["field"] for p in missing.json()["problems"]] == ["unit_brief"]
    blank = client.post(url, json={"unit_brief": "   "}, headers=headers)
    assert blank.status_code == 400 and blank.json()["field"] == "unit_brief"
    too_long = client.post(url, json={"unit_brief": "ก" * 501}, headers=headers)
    assert too_long.status_code == 422
    page = client.post(f"/cases/{case['id']}/dispatch", data={"csrf_token": csrf})
    assert page.status_code == 400
    assert "กรุณาเขียนข้อความถึงหน่วย" in page.text
    assert seeded_session.scalars(
        select(Dispatch).where(Dispatch.case_id == case["id"])).first() is None
