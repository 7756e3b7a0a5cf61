"""The units' administration pages: the 77 units, one unit's contacts kept in order and
validated, test alerts acknowledged on the unit's console, and the units to check."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from callcenter.dispatch.models import AlertTest
from callcenter.provinces.models import ResponseUnit
from tests.agent_console.conftest import csrf_from, sign_in
from tests.support.audit_trail import audited
from tests.support.builders import user_by_login


def unit_of(db, code="RRU-TH-50") -> ResponseUnit:
    return db.scalars(select(ResponseUnit).where(ResponseUnit.code == code)).one()


def contact_rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'class="contact[^"]*" data-channel="(\w+)" data-address="([^"]*)"', html)


def test_the_list_shows_every_provinces_unit_with_its_members(admin_client, seeded_session):
    page = admin_client.get("/admin/units")
    assert page.status_code == 200
    assert page.text.count('<tr data-unit="RRU-TH-') == 77
    row = page.text.split('data-unit="RRU-TH-50"')[1].split("</tr>")[0]
    assert "หน่วยเคลื่อนที่เร็ว พมจ.เชียงใหม่" in row
    assert "<td>1</td>" in row  # unit.th50
    assert "3 / 3" in row and "ยังไม่เคยทดสอบ" in row


def test_an_sms_contact_typed_as_people_write_it_is_stored_in_e164(admin_client,
                                                                   seeded_session):
    unit = unit_of(seeded_session)
    page = admin_client.get(f"/admin/units/{unit.id}")
    sent = admin_client.post(f"/admin/units/{unit.id}/contacts", data={
        "csrf_token": csrf_from(page.text), "channel": "sms", "address": "081 234 5678",
        "label": "หัวหน้าทีม", "role": "team_lead", "active": "true"})
    assert sent.status_code == 200  # followed the redirect back to the unit's page
    assert contact_rows(sent.text)[-1] == ("sms", "+66812345678")
    admin = user_by_login(seeded_session, "admin")
    seeded_session.expire_all()  # the unit's contacts were read before the request added one
    added = unit_of(seeded_session).contacts[-1]
    audited(seeded_session, "unit_contact.create", actor_id=admin.id,
            entity_type="unit_contact", entity_id=added.id)


def test_an_address_that_does_not_suit_its_channel_is_refused_in_thai(admin_client,
                                                                      seeded_session):
    unit = unit_of(seeded_session)
    page = admin_client.get(f"/admin/units/{unit.id}")
    refused = admin_client.post(f"/admin/units/{unit.id}/contacts", data={
        "csrf_token": csrf_from(page.text), "channel": "sms", "address": "12345",
        "role": "team_lead"})
    assert refused.status_code == 422
    assert "โทรศัพท์และ SMS ต้องเป็นเบอร์ไทย" in refused.text
    assert len(unit_of(seeded_session).contacts) == 3


def test_a_stale_form_is_refused_naming_the_fields_someone_else_changed(admin_client,
                                                                        seeded_session):
    unit = unit_of(seeded_session)
    token = csrf_from(admin_client.get(f"/admin/units/{unit.id}").text)
    form = {"csrf_token": token, "name_en": unit.name_en, "active": "true", "version": "1"}
    assert admin_client.post(f"/admin/units/{unit.id}",
                             data={**form, "name_th": "ชื่อใหม่"}).status_code == 200
    late = admin_client.post(f"/admin/units/{unit.id}", data={**form, "name_th": "อีกชื่อ"},
                             headers={"HX-Request": "true"})
    assert late.status_code == 409
    assert "ชื่อภาษาไทย" in late.text and late.headers["HX-Retarget"] == "#toasts"


def test_the_last_active_contact_cannot_be_removed(admin_client, seeded_session):
    unit = unit_of(seeded_session)
    for contact in unit.contacts[1:]:
        contact.active = False
    seeded_session.flush()
    token = csrf_from(admin_client.get(f"/admin/units/{unit.id}").text)
    refused = admin_client.post(f"/admin/units/{unit.id}/contacts/{unit.contacts[0].id}/delete",
                                data={"csrf_token": token, "version": "1"})
    assert refused.status_code == 409
    assert "อย่างน้อยหนึ่งช่องทาง" in refused.text


def test_moving_a_contact_down_changes_the_ladders_order(admin_client, seeded_session):
    unit = unit_of(seeded_session)
    console = unit.contacts[0]
    token = csrf_from(admin_client.get(f"/admin/units/{unit.id}").text)
    moved = admin_client.post(f"/admin/units/{unit.id}/contacts/{console.id}/move",
                              data={"csrf_token": token, "direction": "down", "version": "1"})
    assert [c for c, _ in contact_rows(moved.text)] == ["voice", "console", "voice"]


def test_a_test_alert_is_acknowledged_on_the_units_console_and_shown_to_the_admin(
        app, admin_client, seeded_session):
    unit = unit_of(seeded_session)
    console = unit.contacts[0]
    token = csrf_from(admin_client.get(f"/admin/units/{unit.id}").text)
    sent = admin_client.post(f"/admin/units/{unit.id}/contacts/{console.id}/test",
                             data={"csrf_token": token})
    assert sent.status_code == 200 and "รอส่ง" in sent.text
    test = seeded_session.scalars(select(AlertTest)).one()
    with TestClient(app) as member:
        sign_in(member, "unit.th50")
        home = member.get("/unit")
        assert f'id="test-{test.id}"' in home.text and "การแจ้งเตือนทดสอบ" in home.text
        done = member.post(f"/unit/test-alerts/{test.id}/acknowledge",
                           data={"csrf_token": csrf_from(home.text)})
        assert done.status_code == 200 and f'id="test-{test.id}"' not in done.text
    shown = admin_client.get(f"/admin/units/{unit.id}").text
    assert "รับทราบโดย หน่วยเคลื่อนที่เร็ว เชียงใหม่" in shown


def test_another_unit_cannot_acknowledge_a_test_alert(app, admin_client, seeded_session):
    unit = unit_of(seeded_session)
    token = csrf_from(admin_client.get(f"/admin/units/{unit.id}").text)
    admin_client.post(f"/admin/units/{unit.id}/contacts/{unit.contacts[0].id}/test",
                      data={"csrf_token": token})
    test = seeded_session.scalars(select(AlertTest)).one()
    with TestClient(app) as other:
        sign_in(other, "unit.th10")
        home = other.get("/unit")
        refused = other.post(f"/unit/test-alerts/{test.id}/acknowledge",
                             data={"csrf_token": csrf_from(home.text)})
        assert refused.status_code == 404
    assert seeded_session.get(AlertTest, test.id).acknowledged_at is None


def test_the_health_page_lists_untested_contacts_and_units_nobody_signed_in_to(
        app, admin_client, seeded_session):
    with TestClient(app) as member:
        sign_in(member, "unit.th50")
    page = admin_client.get("/admin/units/health")
    assert page.status_code == 200
    chiang_mai = page.text.split('data-unit="RRU-TH-50"')[1].split("</tr>")[0]
    bangkok = page.text.split('data-unit="RRU-TH-10"')[1].split("</tr>")[0]
    assert "คอนโซลของหน่วย" in chiang_mai or "unit console" in chiang_mai
    assert "state bad" not in chiang_mai  # a member signed in just now
    assert "ยังไม่มีสมาชิกเข้าระบบ" in bangkok
