"""Admins keep the referral network's directory and the targets per agency type: pages
and API, versioned and audited."""

from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.cases import agencies
from callcenter.cases.models import Agency, AgencyType
from tests.agent_console.conftest import csrf_from

FORM = {"name_th": "(ตัวอย่าง) บ้านพักเด็กและครอบครัวเชียงราย", "name_en": "(Example) Shelter",
        "agency_type": "shelter", "province_code": "TH-57", "phone": "02-000-7777",
        "email": "shelter@example.org", "services": "ที่พักชั่วคราว",
        "hours": "ตลอด 24 ชั่วโมง", "active": "1"}


def _token(client) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/admin").text)}


def test_the_front_page_links_the_directory_and_the_list_filters_by_type_and_province(
        admin_client):
    assert 'href="/admin/agencies"' in admin_client.get("/admin").text
    page = admin_client.get("/admin/agencies", params={"agency_type": "hospital_oscc",
                                                       "province": "TH-50"})
    assert page.status_code == 200
    rows = page.text[page.text.index('id="agency-rows"'):page.text.index('id="targets"')]
    assert "ศูนย์พึ่งได้ โรงพยาบาลเชียงใหม่" in rows and "กลางเมือง" not in rows
    assert 'id="target-rows"' in page.text


def test_an_admin_adds_an_agency_from_the_page_and_the_add_is_audited(
        admin_client, seeded_session):
    form = admin_client.get("/admin/agencies/new")
    saved = admin_client.post("/admin/agencies", data={**FORM, "csrf_token": csrf_from(form.text)},
                              follow_redirects=False)
    assert saved.status_code == 303
    row = seeded_session.scalars(select(Agency).where(Agency.name_th == FORM["name_th"])).one()
    assert (row.phone, row.email, row.province_code) == ("+6620007777", "shelter@example.org",
                                                          "TH-57")
    event = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "agency.create", AuditEvent.entity_id == str(row.id))).one()
    assert event.actor_id is not None
    assert event.changes["name_th"] == [None, FORM["name_th"]]


def test_a_bad_phone_is_refused_naming_the_field_in_thai(admin_client):
    form = admin_client.get("/admin/agencies/new")
    refused = admin_client.post("/admin/agencies?lang=th", headers={"HX-Request": "true"},
                                data={**FORM, "phone": "12", "csrf_token": csrf_from(form.text)})
    assert refused.status_code == 422
    assert "หมายเลขโทรศัพท์ไม่ถูกต้อง" in refused.text


def test_an_edit_from_a_stale_page_is_refused_naming_the_fields(admin_client, seeded_session):
    agency = seeded_session.scalars(select(Agency).order_by(Agency.id)).first()
    page = admin_client.get(f"/admin/agencies/{agency.id}")
    token = csrf_from(page.text)
    base = {**FORM, "name_th": agency.name_th, "agency_type": agency.agency_type.value,
            "province_code": agency.province_code or "", "csrf_token": token}
    first = admin_client.post(f"/admin/agencies/{agency.id}", follow_redirects=False,
                              data={**base, "version": "1"})
    assert first.status_code == 303
    again = admin_client.post(f"/admin/agencies/{agency.id}?lang=th",
                              headers={"HX-Request": "true"},
                              data={**base, "hours": "08:30–16:30", "version": "1"})
    assert again.status_code == 409 and 'class="toast error"' in again.text


def test_an_admin_changes_a_types_target_and_new_referrals_follow_it(
        admin_client, seeded_session):
    page = admin_client.get("/admin/agencies")
    saved = admin_client.post("/admin/agencies/targets/police", follow_redirects=False,
                              data={"hours": "12", "version": "1",
                                    "csrf_token": csrf_from(page.text)})
    assert saved.status_code == 303
    assert agencies.target_hours(seeded_session, AgencyType.POLICE) == 12
    event = seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "referral_target.update")).one()
    assert event.changes == {"hours": [24, 12]}


def test_the_api_adds_edits_and_lists_agencies_and_targets_with_versions(admin_client):
    h = _token(admin_client)
    body = {**FORM, "active": True}
    made = admin_client.post("/api/admin/agencies", json=body, headers=h)
    assert made.status_code == 201, made.text
    agency = made.json()
    edited = admin_client.put(f"/api/admin/agencies/{agency['id']}", headers=h,
                              json={**body, "active": False, "version": agency["version"]})
    assert edited.status_code == 200 and edited.json()["version"] == agency["version"] + 1
    stale = admin_client.put(f"/api/admin/agencies/{agency['id']}", headers=h,
                             json={**body, "hours": "x", "version": agency["version"]})
    assert stale.status_code == 409 and "active" in stale.json()["changed"]
    listed = admin_client.get("/api/admin/agencies", params={"include_inactive": "true",
                                                             "province": "TH-57"}).json()
    assert agency["id"] in [a["id"] for a in listed]
    active_only = admin_client.get("/api/admin/agencies", params={"province": "TH-57"}).json()
    assert agency["id"] not in [a["id"] for a in active_only]
    targets = admin_client.get("/api/admin/referral-targets").json()
    assert {t["agency_type"] for t in targets} == {t.value for t in AgencyType}
    bad = admin_client.put("/api/admin/referral-targets/ems", headers=h,
                           json={"hours": 0, "version": 1})
    assert bad.status_code == 422
