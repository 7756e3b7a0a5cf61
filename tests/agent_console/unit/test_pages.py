"""The unit's pages over HTTP: who may see them, every answer, and its refusals explained."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from tests.agent_console.console_support import signed_in
from tests.agent_console.unit.conftest import BRIEF
from tests.support.audit_trail import audited, user_id

ACTIONS = ("acknowledge", "en-route", "on-scene", "decline", "complete")


def post(client, dispatch_id: int, action: str, csrf: str, **fields):
    return client.post(f"/unit/dispatches/{dispatch_id}/{action}",
                       data={"csrf_token": csrf, **fields}, follow_redirects=False)


def status_of(db, dispatch_id: int) -> DispatchStatus:
    db.expire_all()
    return db.get(Dispatch, dispatch_id).status


def error_text(html: str) -> str:
    match = re.search(r'id="unit-error">([^<]*)<', html)
    assert match, "no error shown"
    return match.group(1)


def test_unit_member_lands_on_own_open_dispatches_with_age_and_buddhist_era_date(
        client, dispatched):
    signed_in(client, "unit.th50")
    page = client.get("/unit")
    assert page.status_code == 200
    assert dispatched["number"] in page.text
    assert f'href="/unit/dispatches/{dispatched["dispatch"]}"' in page.text
    assert re.search(r"25[6-9]\d", page.text)  # a Buddhist-era year, never the Gregorian one
    assert "รอมาแล้ว" in page.text and "เมื่อสักครู่" in page.text
    fragment = client.get("/unit", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and dispatched["number"] in fragment.text


def test_list_shows_the_most_urgent_first_then_the_newest(client, seeded_session, dispatched):
    from callcenter.cases import service as cases
    from callcenter.dispatch import service as dispatches
    from callcenter.taxonomy import Urgency

    owner = seeded_session.get(Dispatch, dispatched["dispatch"]).created_by_id

    def another_case() -> int:  # one case has one open dispatch per unit
        return cases.open_case(seeded_session, created_by_id=owner, province_code="TH-50",
                               summary="ผู้สูงอายุถูกทอดทิ้ง").id

    low = dispatches.create(seeded_session, case_id=another_case(), actor_id=owner,
                            urgency=Urgency.LOW)
    newest_high = dispatches.create(seeded_session, case_id=another_case(), actor_id=owner,
                                    urgency=Urgency.HIGH)
    seeded_session.flush()
    signed_in(client, "unit.th50")
    ids = [int(i) for i in re.findall(r'data-dispatch="(\d+)"', client.get("/unit").text)]
    assert ids == [newest_high.id, dispatched["dispatch"], low.id]


@pytest.mark.parametrize("login", ["agent1", "supervisor", "admin"])
def test_agents_supervisors_and_admins_are_refused_the_unit_console(client, dispatched, login):
    csrf = signed_in(client, login)
    d = dispatched["dispatch"]
    assert client.get("/unit").status_code == 403
    assert client.get(f"/unit/dispatches/{d}").status_code == 403
    assert client.get("/unit/events").status_code == 403
    for action in ACTIONS:
        assert post(client, d, action, csrf, reason="x", outcome="other").status_code == 403


def test_strangers_are_sent_to_the_sign_in_page(client, dispatched):
    for path in ("/unit", f"/unit/dispatches/{dispatched['dispatch']}", "/unit/events"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_another_units_member_gets_404_and_changes_nothing(client, seeded_session, dispatched):
    csrf = signed_in(client, "unit.th10")
    d = dispatched["dispatch"]
    assert dispatched["number"] not in client.get("/unit").text
    page = client.get(f"/unit/dispatches/{d}")
    assert page.status_code == 404 and dispatched["number"] not in page.text
    for action in ACTIONS:
        answer = post(client, d, action, csrf, reason="ไปไม่ได้", outcome="other")
        assert answer.status_code == 404, action
        assert dispatched["number"] not in answer.text
    assert status_of(seeded_session, d) is DispatchStatus.CREATED


def test_visit_page_shows_only_what_the_visit_needs_and_is_audited(
        client, seeded_session, dispatched):
    signed_in(client, "unit.th50")
    page = client.get(f"/unit/dispatches/{dispatched['dispatch']}")
    assert page.status_code == 200
    assert "มะลิ" in page.text and "12 ม.3 ต.ช้างเผือก" in page.text
    # The agent's text for the unit, not the case's summary (which may name people).
    assert BRIEF in page.text and "สามีทำร้ายร่างกาย" not in page.text
    # Never the victim's full name, ID number, or the reporter.
    assert "มาลี ใจดี" not in page.text and "1101700207030" not in page.text
    assert "น้อย" not in page.text
    views = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "dispatch.view",
        AuditEvent.entity_id == str(dispatched["dispatch"]))).all()
    assert len(views) == 1
    audited(seeded_session, "dispatch.view", actor_id=user_id(seeded_session, "unit.th50"),
            entity_type="dispatch", entity_id=dispatched["dispatch"])


def test_the_unit_takes_a_dispatch_through_to_completion(
        client, seeded_session, dispatched, monkeypatch):
    from callcenter.dispatch.delivery import enqueue

    published: list[int] = []
    monkeypatch.setattr(enqueue, "after_commit",
                        lambda redis, dispatch_id, **kw: published.append(dispatch_id))
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    for action, status in (("acknowledge", DispatchStatus.ACKNOWLEDGED),
                           ("en-route", DispatchStatus.EN_ROUTE),
                           ("on-scene", DispatchStatus.ON_SCENE)):
        answer = post(client, d, action, csrf)
        assert answer.status_code == 303 and answer.headers["location"] == f"/unit/dispatches/{d}"
        assert status_of(seeded_session, d) is status
    assert published == [d, d, d]  # each answer published after its commit
    answer = post(client, d, "complete", csrf, outcome="safe_with_relative",
                  field_report="พบผู้เสียหาย ปลอดภัย")
    assert answer.status_code == 303
    row = seeded_session.get(Dispatch, d)
    assert row.status is DispatchStatus.COMPLETED and row.outcome == "safe_with_relative"
    assert row.field_report == "พบผู้เสียหาย ปลอดภัย"
    page = client.get(f"/unit/dispatches/{d}").text
    assert "ปลอดภัย อยู่กับญาติ" in page and 'id="do-acknowledge"' not in page
    steps = seeded_session.scalars(select(DispatchEvent.status).where(
        DispatchEvent.dispatch_id == d).order_by(DispatchEvent.id)).all()
    assert steps[-4:] == [DispatchStatus.ACKNOWLEDGED, DispatchStatus.EN_ROUTE,
                          DispatchStatus.ON_SCENE, DispatchStatus.COMPLETED]
    assert dispatched["number"] not in client.get("/unit").text  # closed: off the list


def test_a_double_tap_on_acknowledge_records_one_step(client, seeded_session, dispatched):
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    assert post(client, d, "acknowledge", csrf).status_code == 303
    assert post(client, d, "acknowledge", csrf).status_code == 303
    acks = seeded_session.scalars(select(DispatchEvent).where(
        DispatchEvent.dispatch_id == d,
        DispatchEvent.status == DispatchStatus.ACKNOWLEDGED)).all()
    assert len(acks) == 1


def test_decline_requires_a_reason_explained_in_thai_or_english(
        client, seeded_session, dispatched):
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    refused = post(client, d, "decline", csrf, reason="   ")
    assert refused.status_code == 400
    assert error_text(refused.text) == "กรุณาระบุเหตุผลที่ปฏิเสธ"
    client.cookies.set("lang", "en")
    refused = post(client, d, "decline", csrf, reason="")
    assert error_text(refused.text) == "Give the reason for declining."
    assert status_of(seeded_session, d) is DispatchStatus.CREATED
    assert post(client, d, "decline", csrf, reason="รถเสีย").status_code == 303
    row = seeded_session.get(Dispatch, d)
    assert row.status is DispatchStatus.DECLINED and row.decline_reason == "รถเสีย"


@pytest.mark.parametrize(("first", "then", "fields", "thai", "english"), [
    (None, "on-scene", {}, "กรุณารับเรื่องก่อน", "Acknowledge the dispatch first."),
    (None, "complete", {"outcome": "other"}, "กรุณารับเรื่องก่อน",
     "Acknowledge the dispatch first."),
    ("acknowledge", "decline", {"reason": "ไม่ว่าง"}, "หน่วยรับเรื่องนี้แล้ว",
     "it cannot be declined now"),
    ("decline", "acknowledge", {}, "เรื่องนี้ถูกปฏิเสธแล้ว", "This dispatch was declined"),
])
def test_lifecycle_refusals_are_shown_with_their_reason(
        client, seeded_session, dispatched, first, then, fields, thai, english):
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    if first:
        assert post(client, d, first, csrf, reason="รถเสีย").status_code == 303
    before = status_of(seeded_session, d)
    refused = post(client, d, then, csrf, **fields)
    assert refused.status_code == 409
    assert thai in error_text(refused.text)
    client.cookies.set("lang", "en")
    assert english in error_text(post(client, d, then, csrf, **fields).text)
    assert status_of(seeded_session, d) is before


def test_completion_requires_a_known_outcome(client, seeded_session, dispatched):
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    post(client, d, "acknowledge", csrf)
    for outcome in ("", "made-up"):
        refused = post(client, d, "complete", csrf, outcome=outcome, field_report="บันทึก")
        assert refused.status_code == 400
        assert error_text(refused.text) == "กรุณาเลือกผลการดำเนินงาน"
        assert "บันทึก</textarea>" in refused.text  # what was typed is kept
    assert status_of(seeded_session, d) is DispatchStatus.ACKNOWLEDGED


@pytest.mark.parametrize("action", ACTIONS)
def test_every_answer_requires_the_csrf_token(client, seeded_session, dispatched, action):
    signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    answer = client.post(f"/unit/dispatches/{d}/{action}",
                         data={"reason": "x", "outcome": "other"}, follow_redirects=False)
    assert answer.status_code == 403
    assert status_of(seeded_session, d) is DispatchStatus.CREATED


def test_an_htmx_answer_follows_to_the_page_and_a_refusal_still_carries_its_message(
        client, dispatched):
    csrf = signed_in(client, "unit.th50")
    d = dispatched["dispatch"]
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf}
    refused = client.post(f"/unit/dispatches/{d}/on-scene", headers=headers)
    assert refused.status_code == 409 and 'id="visit"' in refused.text
    done = client.post(f"/unit/dispatches/{d}/acknowledge", headers=headers)
    assert done.status_code == 200 and 'data-status="acknowledged"' in done.text


def test_the_link_in_sms_and_line_alerts_opens_the_dispatch_page(client, dispatched):
    answer = client.get(f"/units/dispatches/{dispatched['dispatch']}", follow_redirects=False)
    assert answer.headers["location"] == f"/unit/dispatches/{dispatched['dispatch']}"
