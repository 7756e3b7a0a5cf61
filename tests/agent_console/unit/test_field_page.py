"""The dispatch page in the field's order: risks and safe contact, the place, the brief, what
to do next with one button, and the centre's line the admins keep."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from agent_console.i18n import catalogue
from callcenter.audit import AuditEvent
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import DispatchStatus
from callcenter.dispatch.next_step import next_step
from tests.agent_console.console_support import INTAKE, signed_in

SAFE_CONTACT = {"do_not_call_back": True, "call_window": "หลัง 18:00 น.",
                "risk": {"weapon": True, "perpetrator_present": True, "child_alone": True}}


@pytest.fixture
def risky(client, seeded_session):
    """A Chiang Mai case with a weapon, the perpetrator there and no call back, dispatched."""
    headers = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, **SAFE_CONTACT}, headers=headers).json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"], actor_id=case["owner_id"],
                                 unit_brief="ไปที่บ้านหลังวัด")
    seeded_session.flush()
    client.post("/logout", headers=headers)
    client.cookies.clear()
    return {"number": case["number"], "dispatch": dispatch.id}


def position(html: str, marker: str) -> int:
    found = html.find(marker)
    assert found >= 0, marker
    return found


def next_text(html: str) -> str:
    found = re.search(r'id="unit-next-text">([^<]*)<', html)
    assert found, html
    return found.group(1)


def test_risks_and_safe_contact_come_before_the_place_the_brief_and_the_actions(
        client, risky):
    signed_in(client, "unit.th50")
    page = client.get(f"/unit/dispatches/{risky['dispatch']}").text
    order = [position(page, m) for m in ('id="unit-safety"', 'id="unit-place"',
                                         'id="unit-brief"', 'id="unit-next"', 'id="call-centre"')]
    assert order == sorted(order)
    # In the checklist's order, in Thai; the case's other answers are not invented.
    risks = re.findall(r'data-risk="(\w+)"', page)
    assert risks == ["perpetrator_present", "child_alone", "weapon"]
    assert "มีการใช้หรือขู่ด้วยอาวุธ" in page and "in_danger_now" not in risks
    assert 'data-rule="do_not_call"' in page and "หลัง 18:00 น." in page
    # No call back: the victim's number is not on the page at all.
    assert "0812345678" not in page


def test_the_place_names_the_district_and_province_in_the_pages_language(client, risky):
    signed_in(client, "unit.th50")
    th = client.get(f"/unit/dispatches/{risky['dispatch']}").text
    assert "อำเภอ/เขต" in th and "เมืองเชียงใหม่" in th and "เชียงใหม่" in th
    en = client.get(f"/unit/dispatches/{risky['dispatch']}?lang=en").text
    assert "District" in en and "Chiang Mai" in en


def test_every_step_says_what_the_unit_must_do_next_beside_its_one_button(
        client, seeded_session, risky):
    csrf = signed_in(client, "unit.th50")
    d = risky["dispatch"]
    th, en = catalogue("th"), catalogue("en")
    url = f"/unit/dispatches/{d}"
    page = client.get(url).text
    assert next_text(page) == th["unit.next.acknowledge"].format(m=10)  # high: 10 minutes
    assert 'data-action="acknowledge"' in page and 'id="do-acknowledge"' in page
    for action, status, button in (("acknowledge", "acknowledged", "do-en-route"),
                                   ("en-route", "en_route", "do-on-scene"),
                                   ("on-scene", "on_scene", "do-complete")):
        client.post(f"{url}/{action}", data={"csrf_token": csrf})
        page = client.get(f"{url}?lang=th").text  # the English page below keeps its cookie
        assert next_text(page) == th[f"unit.next.{status}"]
        assert f'id="{button}"' in page
        english = client.get(f"{url}?lang=en").text
        assert next_text(english) == en[f"unit.next.{status}"].replace("'", "&#39;")
    client.post(f"{url}/complete", data={"csrf_token": csrf, "outcome": "helped_on_site"})
    page = client.get(f"{url}?lang=th").text
    assert next_text(page) == th["unit.next.completed"] and 'data-action=""' in page


def test_every_status_has_a_next_step_sentence_in_thai_and_english():
    for lang in ("th", "en"):
        for status in DispatchStatus:
            assert next_step(status, ack_minutes=5).message_key in catalogue(lang)


def test_the_call_button_dials_the_centre_and_names_who_dispatched(client, risky):
    signed_in(client, "unit.th50")
    page = client.get(f"/unit/dispatches/{risky['dispatch']}").text
    assert 'href="tel:1300" id="call-centre"' in page
    # Whom to ask for is the agent who sent it; the link carries the number only.
    assert "สมหญิง ใจดี" in page and risky["number"] in page


def test_an_admin_keeps_the_centre_line_and_every_units_page_calls_it(
        client, seeded_session, risky):
    csrf = signed_in(client, "admin")
    refused = client.post("/admin/units/centre-line", data={"csrf_token": csrf, "phone": "abc"})
    assert refused.status_code == 422
    kept = client.post("/admin/units/centre-line",
                       data={"csrf_token": csrf, "phone": "02 123 4567"},
                       follow_redirects=False)
    assert kept.status_code == 303
    assert 'id="centre-line-now">+6621234567<' in client.get("/admin/units").text
    assert seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "centre_line.update")).one().changes == {
        "phone": ["1300", "+6621234567"]}
    client.post("/logout", headers={"X-CSRF-Token": csrf})
    client.cookies.clear()
    signed_in(client, "unit.th50")
    page = client.get(f"/unit/dispatches/{risky['dispatch']}").text
    assert 'href="tel:+6621234567" id="call-centre"' in page
