"""Admins keep the pause reasons and dispositions (pages and API); the agent page offers
the active ones, in the admins' order, by the admins' labels."""

import re

from fastapi.testclient import TestClient

from callcenter.audit import AuditEvent
from tests.agent_console.conftest import csrf_from, sign_in


def _token(client) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/admin").text)}


def test_the_lists_page_shows_both_lists_and_which_items_stay_on(admin_client):
    page = admin_client.get("/admin/lists?lang=en")
    assert page.status_code == 200
    assert 'id="pause-reasons"' in page.text and 'id="dispositions"' in page.text
    assert 'data-code="wrap_up"' in page.text and 'data-code="prank"' in page.text
    assert "can be renamed and moved, not switched off" in page.text
    assert "เหตุผลการพัก" in admin_client.get("/admin/lists?lang=th").text


def test_an_item_added_on_the_page_is_offered_on_the_agent_page(app, admin_client):
    token = csrf_from(admin_client.get("/admin/lists").text)
    added = admin_client.post("/admin/lists/pause-reasons", follow_redirects=False,
                              data={"code": "first_aid", "label_th": "ปฐมพยาบาล",
                                    "label_en": "First aid", "active": "1",
                                    "csrf_token": token})
    assert added.status_code == 303
    with TestClient(app) as agent:
        sign_in(agent, "agent1")
        page = agent.get("/agent?lang=th").text
    options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>',
                         page[page.index('id="pause-select"'):])
    assert options[-1] == ("first_aid", "ปฐมพยาบาล")


def test_moving_and_switching_off_on_the_page_changes_what_agents_pick(
        app, admin_client):
    token = csrf_from(admin_client.get("/admin/lists").text)
    moved = admin_client.post("/admin/lists/dispositions/information/move",
                              data={"direction": "up", "version": "1", "csrf_token": token},
                              follow_redirects=False)
    assert moved.status_code == 303
    off = admin_client.post("/admin/lists/dispositions/missed", follow_redirects=False,
                            data={"label_th": "ไม่ได้รับสาย", "label_en": "Missed",
                                  "version": "1", "csrf_token": token})
    assert off.status_code == 303
    codes = [d["code"] for d in admin_client.get("/api/admin/dispositions").json()
             if d["active"]]
    assert codes == ["prank", "information", "silent", "counselling", "wrong_number"]


def test_switching_off_a_code_the_system_relies_on_is_refused_in_the_pages_language(
        admin_client):
    token = csrf_from(admin_client.get("/admin/lists").text)
    refused = admin_client.post("/admin/lists/dispositions/prank?lang=th",
                                data={"label_th": "โทรก่อกวน", "label_en": "Prank",
                                      "version": "1", "csrf_token": token},
                                headers={"HX-Request": "true"})
    assert refused.status_code == 409
    assert "ระบบใช้รายการนี้อยู่" in refused.text


def test_a_code_that_is_not_a_slug_is_refused_naming_the_field(admin_client):
    headers = _token(admin_client)
    bad = admin_client.post("/api/admin/pause-reasons", headers=headers,
                            json={"code": "First aid", "label_th": "ก", "label_en": "a"})
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["code"]
    taken = admin_client.post("/api/admin/pause-reasons", headers=headers,
                              json={"code": "meal", "label_th": "ก", "label_en": "a"})
    assert taken.status_code == 409 and taken.json()["field"] == "code"


def test_the_api_lists_adds_edits_and_moves_with_versions_and_audits_each(
        admin_client, seeded_session):
    headers = _token(admin_client)
    listed = admin_client.get("/api/admin/pause-reasons").json()
    assert listed[0]["code"] == "break"
    assert {r["code"]: r["locked"] for r in listed}["wrap_up"] is True
    added = admin_client.post("/api/admin/pause-reasons", headers=headers, json={
        "code": "coaching", "label_th": "โค้ชชิ่ง", "label_en": "Coaching"})
    assert added.status_code == 201 and added.json()["position"] == len(listed) + 1
    edited = admin_client.put("/api/admin/pause-reasons/coaching", headers=headers, json={
        "label_th": "รับการโค้ช", "label_en": "Coaching", "active": False, "version": 1})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = admin_client.put("/api/admin/pause-reasons/coaching", headers=headers, json={
        "label_th": "โค้ช", "label_en": "Coaching", "active": True, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["changed"] == {"label_th": "รับการโค้ช", "active": False}
    moved = admin_client.post("/api/admin/pause-reasons/coaching/move", headers=headers,
                              json={"direction": "up", "version": 2})
    assert moved.status_code == 200
    assert [r["code"] for r in admin_client.get("/api/admin/pause-reasons").json()][-2:] == [
        "coaching", "wrap_up"]
    actions = [e.action for e in seeded_session.query(AuditEvent)
               .filter(AuditEvent.entity_type == "pause_reason").order_by(AuditEvent.id)]
    assert actions == ["pause_reason.add", "pause_reason.update", "pause_reason.move"]
    assert admin_client.put("/api/admin/dispositions/nope", headers=headers, json={
        "label_th": "ก", "label_en": "a", "active": True, "version": 1}).status_code == 404
