"""Admins keep each queue's labels, targets and wallboard thresholds: pages and API."""

from callcenter.audit import AuditEvent
from callcenter.queues import service as queues
from tests.agent_console.conftest import csrf_from

FORM = {"label_th": "ความรุนแรง", "label_en": "Violence", "service_level_seconds": "25",
        "service_level_target": "80", "service_level_warn": "90",
        "service_level_min_calls": "8", "wait_warn_seconds": "30",
        "wait_alarm_seconds": "60", "active": "1"}


def _token(client) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/admin").text)}


def test_the_queue_list_shows_every_queue_with_its_rules_and_says_the_set_is_asterisks(
        admin_client):
    page = admin_client.get("/admin/queues?lang=en")
    assert page.status_code == 200
    assert 'data-queue="violence"' in page.text and 'data-queue="lao"' in page.text
    assert "90 % ≤ 20 s" in page.text
    assert "queues.conf" in page.text
    thai = admin_client.get("/admin/queues?lang=th").text
    assert "ระดับการให้บริการ" in thai


def test_the_edit_page_explains_the_minimum_of_calls_and_saving_it_shows_on_the_list(
        admin_client, seeded_session):
    page = admin_client.get("/admin/queues/violence?lang=en")
    assert "one late call of two is 50 %" in page.text
    version = queues.get(seeded_session, "violence").version
    saved = admin_client.post("/admin/queues/violence",
                              data={**FORM, "version": str(version),
                                    "csrf_token": csrf_from(page.text)},
                              follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/queues?saved=violence"
    row = queues.get(seeded_session, "violence")
    seeded_session.refresh(row)
    assert (row.service_level_target, row.service_level_min_calls, row.version) == (
        80, 8, version + 1)
    assert "80 % ≤ 25 s" in admin_client.get("/admin/queues?lang=en").text


def test_a_page_edit_from_a_stale_form_is_refused_naming_the_fields_in_the_pages_language(
        admin_client, seeded_session):
    page = admin_client.get("/admin/queues/violence?lang=th")
    token = csrf_from(page.text)
    first = admin_client.post("/admin/queues/violence",
                              data={**FORM, "version": "1", "csrf_token": token},
                              follow_redirects=False)
    assert first.status_code == 303
    again = admin_client.post("/admin/queues/violence?lang=th",
                              data={**FORM, "label_en": "Abuse", "version": "1",
                                    "csrf_token": token},
                              headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert 'class="toast error"' in again.text and "ชื่อภาษาอังกฤษ" in again.text


def test_amber_after_red_is_refused_with_the_fields_message(admin_client):
    page = admin_client.get("/admin/queues/violence?lang=en")
    refused = admin_client.post("/admin/queues/violence?lang=en",
                                data={**FORM, "service_level_warn": "70", "version": "1",
                                      "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 422
    assert "The amber level must be at or above the target." in refused.text


def test_the_api_reads_and_updates_a_queue_with_its_version_and_audits_it(
        admin_client, seeded_session):
    headers = _token(admin_client)
    listed = admin_client.get("/api/admin/queues").json()
    assert [q["name"] for q in listed][:2] == ["urgent", "violence"]
    one = admin_client.get("/api/admin/queues/violence").json()
    body = {k: one[k] for k in FORM if k != "active"} | {
        "active": True, "version": one["version"], "wait_alarm_seconds": 75}
    saved = admin_client.put("/api/admin/queues/violence", json=body, headers=headers)
    assert saved.status_code == 200 and saved.json()["wait_alarm_seconds"] == 75
    assert saved.json()["version"] == one["version"] + 1
    # The same save sent twice changes nothing more; another edit from the old version
    # is refused, naming what the stored queue now holds.
    twice = admin_client.put("/api/admin/queues/violence", json=body, headers=headers)
    assert twice.status_code == 200 and twice.json()["version"] == one["version"] + 1
    stale = admin_client.put("/api/admin/queues/violence",
                             json={**body, "wait_alarm_seconds": 90}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_edit"
    assert stale.json()["changed"] == {"wait_alarm_seconds": 75}
    event = seeded_session.query(AuditEvent).filter_by(action="queue.update").one()
    assert event.changes == {"wait_alarm_seconds": [60, 75]} and event.entity_id == "violence"


def test_the_api_names_a_bad_field_and_an_unknown_queue(admin_client):
    headers = _token(admin_client)
    one = admin_client.get("/api/admin/queues/violence").json()
    body = {k: one[k] for k in FORM if k != "active"} | {"active": True, "version": 1}
    bad = admin_client.put("/api/admin/queues/violence",
                           json={**body, "service_level_target": 0}, headers=headers)
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["service_level_target"]
    order = admin_client.put("/api/admin/queues/violence",
                             json={**body, "wait_warn_seconds": 99, "wait_alarm_seconds": 60},
                             headers=headers)
    assert order.status_code == 422 and order.json()["field"] == "wait_warn_seconds"
    missing = admin_client.put("/api/admin/queues/nowhere", json=body, headers=headers)
    assert missing.status_code == 404
