"""Places on a case through the console: the pickers, the intake API and pages, the case
file, the unit's dispatch page and the alert text."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.cases.models import Case
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import Alert
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.test_case_pages import FORM, open_draft
from tests.support import builders

# Si Phum, in Mueang Chiang Mai: the world's cases are in Chiang Mai (TH-50).
PLACE = {"district_code": "5001", "subdistrict_code": "500101",
         "latitude": 18.7953, "longitude": 98.9986}


def _open(client, **extra):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    return client.post("/api/cases", headers=h, json={**INTAKE, **extra}), h


def test_the_district_picker_narrows_as_the_agent_types_in_thai_and_english(client):
    signed_in(client, "agent1")
    every = client.get("/places/districts", params={"province_code": "TH-50"})
    assert every.status_code == 200 and every.text.count("<option") == 26  # 25 and the blank
    typed = client.get("/places/districts", params={"province_code": "TH-50", "q": "เมือง",
                                                    "district_code": "5001"}).text
    assert 'value="5001" selected>เมืองเชียงใหม่' in typed and "5002" not in typed
    client.cookies.set("lang", "en")
    english = client.get("/places/subdistricts", params={"district_code": "5001", "q": "phum"})
    assert 'value="500101"' in english.text and "Si Phum 50200" in english.text


def test_the_place_api_lists_districts_and_sub_districts_with_postal_codes(client):
    signed_in(client, "agent1")
    found = client.get("/api/places/subdistricts",
                       params={"district_code": "5001", "q": "50200"}).json()
    assert {"code": "500101", "name_th": "ศรีภูมิ", "name_en": "Si Phum",
            "postal_codes": ["50200"]} in found
    bad = client.get("/api/places/districts", params={"province_code": "Chiang Mai"})
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["province_code"]


def test_a_case_opened_with_a_place_keeps_its_codes_and_derives_the_postal_code(
        client, seeded_session):
    created, _h = _open(client, **PLACE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["district_code"], body["subdistrict_code"], body["postal_code"]) == (
        "5001", "500101", "50200")
    case = seeded_session.get(Case, body["id"])
    assert (case.latitude, case.longitude) == (18.7953, 98.9986)


def test_a_place_that_does_not_fit_the_province_is_refused_naming_the_field(client):
    bad, _h = _open(client, district_code="8405")
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["district_code"]
    bad, _h = _open(client, district_code="5001", subdistrict_code="840503")
    assert [p["field"] for p in bad.json()["problems"]] == ["subdistrict_code"]
    bad, _h = _open(client, latitude=1.29, longitude=103.85)  # Singapore
    assert [p["field"] for p in bad.json()["problems"]] == ["latitude"]


def test_the_intake_page_says_in_thai_and_english_that_the_district_is_elsewhere(
        client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    bad = {**FORM, "district_code": "8405", "csrf_token": csrf}
    thai = client.post(f"/cases/drafts/{key}/open", data=bad)
    assert thai.status_code == 422 and "อำเภอ/เขตนี้ไม่อยู่ในจังหวัดที่เลือก" in thai.text
    client.cookies.set("lang", "en")
    english = client.post(f"/cases/drafts/{key}/open", data=bad)
    assert "This district is not in the chosen province" in english.text
    # The draft keeps the choice, and the page opens with the province's districts listed.
    assert 'value="5001"' in english.text


def test_the_case_file_shows_the_place_and_a_geo_link(client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    opened = client.post(f"/cases/drafts/{key}/open", follow_redirects=False,
                         data={**FORM, **{k: str(v) for k, v in PLACE.items()},
                               "csrf_token": csrf})
    assert opened.status_code == 303, opened.text
    page = client.get(opened.headers["location"]).text
    assert 'id="case-district">เมืองเชียงใหม่' in page
    assert "ศรีภูมิ 50200" in page
    assert 'href="geo:18.795300,98.998600"' in page
    # Re-screening from the case file keeps the place (the form sends it back).
    assert 'value="500101" selected' in page


def test_the_unit_sees_the_district_sub_district_and_map_link_and_the_alert_names_the_district(
        client, seeded_session):
    created, h = _open(client, district="", **PLACE)
    case = created.json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"], actor_id=case["owner_id"],
                                 unit_brief="รออยู่หน้าบ้าน")
    seeded_session.flush()
    client.post("/logout", headers=h)
    client.cookies.clear()
    signed_in(client, "unit.th50")
    page = client.get(f"/unit/dispatches/{dispatch.id}").text
    # The district and the sub-district, each named on its own line of the place.
    assert '<dd class="unit-district" id="unit-district">เมืองเชียงใหม่</dd>' in page
    assert '<dd id="unit-subdistrict">ศรีภูมิ</dd>' in page and "50200" in page
    assert 'id="unit-geo"' in page and "geo:18.795300,98.998600" in page
    listing = client.get("/unit").text
    assert "เมืองเชียงใหม่" in listing
    alert = seeded_session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)).first()
    claim = outbox.claim(seeded_session, alert.id, now=alert.next_attempt_at,
                         settings=builders.settings())
    assert "เมืองเชียงใหม่" in claim.delivery.message.text
    # The alert stays as coarse as before: no sub-district, no point.
    assert "ศรีภูมิ" not in claim.delivery.message.text
    assert "geo:" not in claim.delivery.message.text


def test_a_picker_asked_with_nothing_chosen_above_gets_only_the_blank_option(client):
    signed_in(client, "agent1")
    empty = client.get("/places/subdistricts", params={"district_code": "", "q": ""})
    assert empty.status_code == 200 and empty.text.count("<option") == 1
    assert client.get("/places/districts").text.count("<option") == 1
    assert client.get("/places/districts", params={"province_code": "x"}).status_code == 422
