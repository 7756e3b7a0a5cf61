"""The units' administration in the JSON API: the pages' operations, with versions (409
naming what changed), field-level refusals and the test alerts' outcome per contact."""

import pytest
from sqlalchemy import select

from callcenter.provinces.models import ResponseUnit
from tests.agent_console.conftest import csrf_from


@pytest.fixture
def api(admin_client):
    admin_client.headers["X-CSRF-Token"] = csrf_from(admin_client.get("/admin").text)
    return admin_client


def unit_id(db, code="RRU-TH-50") -> int:
    return db.scalar(select(ResponseUnit.id).where(ResponseUnit.code == code))


def test_the_list_has_the_77_units_with_their_counts(api, seeded_session):
    units = api.get("/api/admin/units").json()
    assert len(units) == 77
    chiang_mai = next(u for u in units if u["code"] == "RRU-TH-50")
    assert (chiang_mai["members"], chiang_mai["contacts"], chiang_mai["last_test"]) == (1, 3, None)


def test_a_unit_lists_its_contacts_in_order_and_its_members(api, seeded_session):
    unit = api.get(f"/api/admin/units/{unit_id(seeded_session)}").json()
    assert [c["role"] for c in unit["contacts"]] == [
        "duty_console", "duty_phone", "provincial_supervisor"]
    assert [m["login"] for m in unit["members"]] == ["unit.th50"]


def test_a_contact_is_added_in_e164_or_refused_naming_the_address(api, seeded_session):
    path = f"/api/admin/units/{unit_id(seeded_session)}/contacts"
    added = api.post(path, json={"channel": "voice", "address": "081-234-5678",
                                 "role": "team_lead", "label": "หัวหน้าทีม"})
    assert added.status_code == 201
    assert (added.json()["address"], added.json()["position"]) == ("+66812345678", 4)
    refused = api.post(path, json={"channel": "email", "address": "duty@", "role": "duty_email"})
    assert refused.status_code == 422 and refused.json()["field"] == "address"
    unknown = api.post(path, json={"channel": "fax", "address": "1", "role": "duty_phone"})
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["field"] == "channel"


def test_an_edit_over_a_newer_version_answers_409_with_what_changed(api, seeded_session):
    path = f"/api/admin/units/{unit_id(seeded_session)}"
    unit = api.get(path).json()
    edit = {"name_th": "ชื่อใหม่", "name_en": unit["name_en"], "active": True, "version": 1}
    saved = api.put(path, json=edit)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    late = api.put(path, json={**edit, "name_th": "อีกชื่อ"})
    assert late.status_code == 409
    assert late.json()["changed"] == {"name_th": "ชื่อใหม่"}


def test_the_last_active_contact_is_kept(api, seeded_session):
    path = f"/api/admin/units/{unit_id(seeded_session)}"
    contacts = api.get(path).json()["contacts"]
    for c in contacts[1:]:
        turned_off = api.put(f"{path}/contacts/{c['id']}", json={
            "channel": c["channel"], "address": c["address"], "label": c["label"],
            "role": c["role"], "active": False, "version": c["version"]})
        assert turned_off.status_code == 200, turned_off.text
    last = contacts[0]
    refused = api.delete(f"{path}/contacts/{last['id']}", params={"version": last["version"]})
    assert refused.status_code == 409 and refused.json()["field"] == "contact"
    removed = api.delete(f"{path}/contacts/{contacts[2]['id']}", params={"version": 2})
    assert removed.status_code == 204


def test_moving_a_contact_answers_the_new_order(api, seeded_session):
    path = f"/api/admin/units/{unit_id(seeded_session)}"
    supervisor = api.get(path).json()["contacts"][2]
    moved = api.post(f"{path}/contacts/{supervisor['id']}/move",
                     json={"direction": "up", "version": 1})
    assert [c["role"] for c in moved.json()["contacts"]] == [
        "duty_console", "provincial_supervisor", "duty_phone"]


def test_a_test_alert_is_accepted_and_shows_as_the_contacts_last_test(api, seeded_session):
    path = f"/api/admin/units/{unit_id(seeded_session)}"
    console = api.get(path).json()["contacts"][0]
    sent = api.post(f"{path}/contacts/{console['id']}/test")
    assert sent.status_code == 202 and sent.json()["status"] == "pending"
    last = api.get(path).json()["contacts"][0]["last_test"]
    assert last["id"] == sent.json()["id"] and last["acknowledged_at"] is None


def test_the_health_list_names_untested_contacts_and_quiet_units(api, seeded_session):
    rows = {r["code"]: r for r in api.get("/api/admin/units/health").json()}
    assert len(rows) == 77  # nothing tested yet
    bangkok = rows["RRU-TH-10"]
    assert bangkok["quiet"] is True and len(bangkok["never_tested"]) == 3
