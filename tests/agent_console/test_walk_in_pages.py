"""Walk-in intake in the console: the nav's "รับแจ้ง walk-in" opens the intake form
without a call, with where it was taken; the case opened shows its channel and place,
the list filters by channel, the JSON twin opens one too, refusing walk-in fields on
other channels; reports and the wallboard count cases by channel."""

from __future__ import annotations

import re

from callcenter.cases import agencies
from callcenter.cases.agency_schemas import AgencyIn
from tests.agent_console.console_support import INTAKE, signed_in
from tests.agent_console.permission_table import INTAKE_FORM
from tests.support.audit_trail import audited, user_id

HTMX = {"HX-Request": "true"}
OSCC = "(ทดสอบ) ศูนย์พึ่งได้ โรงพยาบาลนครพิงค์"


def an_oscc(db):
    return agencies.add_reference(db, AgencyIn(
        name_th=OSCC, name_en="(test) OSCC Nakornping Hospital",
        agency_type="hospital_oscc", province_code="TH-50"))


def walk_in_form(client) -> str:
    """The walk-in's draft key, reached the way the nav's link does."""
    opened = client.get("/intake/walk-in", follow_redirects=False)
    assert opened.status_code == 303, opened.text
    return re.fullmatch(r"/cases/drafts/([\w-]+)", opened.headers["location"]).group(1)


def test_an_agent_records_a_walk_in_taken_at_an_oscc_and_the_case_shows_it(
        client, seeded_session):
    oscc = an_oscc(seeded_session)
    csrf = signed_in(client, "agent1")
    assert 'href="/intake/walk-in"' in client.get("/agent").text
    key = walk_in_form(client)

    form = client.get(f"/cases/drafts/{key}").text
    assert "รับแจ้ง walk-in" in form and 'name="walk_in_place"' in form
    assert f'<option value="{oscc.id}">{OSCC}' in form
    opened = client.post(f"/cases/drafts/{key}/open", follow_redirects=False, data={
        **INTAKE_FORM, "channel": "walk_in", "walk_in_agency_id": str(oscc.id),
        "walk_in_place": "ห้องตรวจ 2", "csrf_token": csrf})
    assert opened.status_code == 303, opened.text
    page = client.get(opened.headers["location"]).text
    assert re.search(r'id="case-channel" data-channel="walk_in"[^>]*>walk-in', page)
    assert OSCC in page and "ห้องตรวจ 2" in page
    case_id = int(opened.headers["location"].rsplit("/", 1)[1])
    audited(seeded_session, "case.create", actor_id=user_id(seeded_session, "agent1"),
            entity_type="case", entity_id=case_id)

    listed = client.post("/cases", data={"channel": "walk_in", "csrf_token": csrf}).text
    assert f'href="/cases/{case_id}"' in listed and 'data-channel="walk_in"' in listed
    hotline_only = client.post("/cases", data={"channel": "hotline", "csrf_token": csrf}).text
    assert f'href="/cases/{case_id}"' not in hotline_only


def test_a_walk_in_without_a_place_is_sent_back_with_the_problem_beside_the_field(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    key = walk_in_form(client)
    refused = client.post(f"/cases/drafts/{key}/open", data={
        **INTAKE_FORM, "channel": "walk_in", "csrf_token": csrf})
    assert refused.status_code == 422
    assert "ระบุสถานที่รับแจ้ง" in refused.text and 'aria-invalid="true"' in refused.text


def test_the_centre_picker_lists_only_centres_that_take_walk_ins(client, seeded_session):
    an_oscc(seeded_session)
    agencies.add_reference(seeded_session, AgencyIn(
        name_th="(ทดสอบ) สภ.นครพิงค์", agency_type="police", province_code="TH-50"))
    signed_in(client, "agent2")
    options = client.get("/intake/walk-in/centres", headers=HTMX,
                         params={"walk_in_q": "นครพิงค์", "province_code": "TH-50"}).text
    assert OSCC in options and "สภ.นครพิงค์" not in options
    api = client.get("/api/intake/walk-in/centres", params={"q": "นครพิงค์"}).json()
    assert [a["name_th"] for a in api] == [OSCC]


def test_the_api_opens_a_walk_in_and_refuses_walk_in_fields_on_another_channel(
        client, seeded_session):
    oscc = an_oscc(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    opened = client.post("/api/cases", headers=h, json={
        **INTAKE, "channel": "walk_in", "walk_in_agency_id": oscc.id})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["channel"], case["walk_in_agency_id"], case["walk_in_place"]) == (
        "walk_in", oscc.id, None)
    assert client.get(f"/api/cases/{case['id']}/export").json()["case"]["channel"] == "walk_in"
    found = client.get("/api/cases", params={"channel": "walk_in"}).json()["items"]
    assert [c["channel"] for c in found] == ["walk_in"]

    phone = client.post("/api/cases", headers=h, json={**INTAKE, "walk_in_place": "ศูนย์"})
    assert phone.status_code == 422 and "walk_in_place" in phone.text
    nowhere = client.post("/api/cases", headers=h, json={**INTAKE, "channel": "walk_in"})
    assert nowhere.status_code == 422
    assert client.post("/api/cases", headers=h, json=INTAKE).json()["channel"] == "hotline"


def test_reports_and_the_wallboard_count_cases_by_channel(client, seeded_session):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    for body in ({**INTAKE, "channel": "walk_in", "walk_in_place": "ศูนย์ชุมชน"}, INTAKE,
                 INTAKE):
        assert client.post("/api/cases", headers=h, json=body).status_code == 201
    signed_in(client, "supervisor")
    page = client.get("/reports", params={"report": "cases_by_channel_month",
                                          "province": "TH-50", "lang": "en"}).text
    cells = re.findall(r"<td>([^<]*)</td>", page.split('class="dispatches report-table"')[1])
    assert cells[1:7] == ["2", "1", "0", "0", "0", "3"]  # hotline, walk-in, …, total
    narrowed = client.get("/reports", params={"report": "cases_by_issue_area",
                                              "channel": "walk_in", "lang": "en"}).text
    assert "Channel: Walk-in" in narrowed
    assert client.get("/reports", params={"report": "cases_by_issue_area",
                                          "channel": "fax"}).status_code == 422
    board = client.get("/wallboard/board?lang=en", headers=HTMX).text
    # Each figure and its label in an element of its own (they once ran together).
    walk_in = r'data-channel="walk_in"><span class="wb-channel-n">1</span> '
    assert re.search(walk_in + r'<span class="wb-channel-label">Walk-in</span>', board)
    hotline = r'data-channel="hotline"><span class="wb-channel-n">2</span> '
    assert re.search(hotline + r'<span class="wb-channel-label">Hotline 1300</span>', board)
    thai = client.get("/wallboard/board?lang=th", headers=HTMX).text
    assert '<span class="wb-channel-label">มาด้วยตนเอง</span>' in thai


def test_a_search_in_the_picker_keeps_the_centre_chosen_already(client, seeded_session):
    oscc = an_oscc(seeded_session)
    signed_in(client, "agent1")
    options = client.get("/intake/walk-in/centres", headers=HTMX, params={
        "walk_in_q": "ไม่มีชื่อนี้", "walk_in_agency_id": str(oscc.id)}).text
    assert f'<option value="{oscc.id}" selected>' in options
