"""Households and persons on the console: the intake's "the reporter is the victim"
switch, Buddhist-era birth years, children added on the case file, the nationality and
relationship lists, and the same through the API."""

from sqlalchemy import select

from callcenter.cases.models import CasePerson, PersonRole
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.test_case_pages import FORM, open_draft


def test_the_victim_who_reports_is_one_person_and_the_reporter_block_is_ignored(
        client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    page = client.get(f"/cases/drafts/{key}").text
    assert 'name="persons.0.reporter_is_victim"' in page
    assert 'name="persons.1.reporter_is_victim"' not in page
    opened = client.post(f"/cases/drafts/{key}/open", follow_redirects=False, data={
        **FORM, "persons.0.reporter_is_victim": "on", "persons.0.birth_year": "2530",
        "persons.1.nickname": "ไม่ควรบันทึก", "csrf_token": csrf})
    assert opened.status_code == 303, opened.text
    persons = seeded_session.scalars(select(CasePerson)).all()
    assert [(p.role, p.reporter_is_victim) for p in persons] == [(PersonRole.VICTIM, True)]
    assert persons[0].birth_year == 1987
    case_page = client.get(opened.headers["location"]).text
    assert "เป็นผู้แจ้งด้วย" in case_page and "เกิดปี 2530" in case_page


def test_a_child_is_added_on_the_case_file_with_a_buddhist_era_year_and_lists(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_id = client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": csrf}).json()["id"]
    page = client.get(f"/cases/{case_id}").text
    # Nationalities are picked by name, Thailand and its neighbours first; never typed.
    assert '<option value="TH">ไทย</option>' in page
    assert page.index('value="TH"') < page.index('value="MM"') < page.index('value="XX"')
    assert 'list="nationalities"' not in page
    assert '<option value="step_parent">พ่อเลี้ยง/แม่เลี้ยง</option>' in page
    added = client.post(f"/cases/{case_id}/persons", follow_redirects=False, data={
        "role": "child", "nickname": "น้องฟ้า", "birth_year": "2560",
        "relationship_to_victim": "child", "school_or_care": "โรงเรียนบ้านหนองบัว",
        "nationality": "MM", "csrf_token": csrf})
    assert added.status_code == 303, added.text
    child = seeded_session.scalars(select(CasePerson).where(
        CasePerson.role == PersonRole.CHILD)).one()
    assert (child.birth_year, child.nationality, child.school_or_care) == (
        2017, "MM", "โรงเรียนบ้านหนองบัว")
    thai = client.get(f"/cases/{case_id}").text
    assert "เด็กในครัวเรือน" in thai and "พม่า" in thai and 'value="2560"' in thai
    english = client.get(f"/cases/{case_id}?lang=en").text
    assert "Child of the household" in english and 'value="2017"' in english


def test_a_nationality_or_relationship_outside_the_lists_is_refused_beside_the_field(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_id = client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": csrf}).json()["id"]
    refused = client.post(f"/cases/{case_id}/persons", data={
        "role": "alleged_perpetrator", "full_name": "สมชาย", "nationality": "QQ",
        "relationship_to_victim": "ไม่รู้", "csrf_token": csrf})
    assert refused.status_code == 422
    assert "เลือกสัญชาติจากรายการ" in refused.text
    assert seeded_session.scalars(select(CasePerson).where(
        CasePerson.full_name == "สมชาย")).all() == []


def test_the_api_takes_every_role_and_refuses_a_second_reporter_beside_a_reporting_victim(
        client):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    victim, _ = INTAKE["persons"]
    both = client.post("/api/cases", headers=h, json={
        **INTAKE, "persons": [{**victim, "reporter_is_victim": True}, {"role": "reporter"}]})
    assert both.status_code == 422
    assert {p["field"] for p in both.json()["problems"]} == {"persons"}
    case_id = client.post("/api/cases", headers=h, json={
        **INTAKE, "persons": [{**victim, "reporter_is_victim": True}]}).json()["id"]
    member = client.post(f"/api/cases/{case_id}/persons", headers=h, json={
        "role": "household_member", "full_name": "สมศรี", "relationship_to_victim": "grandparent",
        "birth_year": 1950, "nationality": "ZZ"})
    assert member.status_code == 201, member.text
    body = member.json()
    assert (body["role"], body["relationship_to_victim"], body["birth_year"],
            body["reporter_is_victim"], body["nationality"]) == (
        "household_member", "grandparent", 1950, False, "ZZ")
    wrong = client.patch(f"/api/cases/{case_id}/persons/{body['id']}", headers=h,
                         json={"reporter_is_victim": True})
    assert wrong.status_code == 422


def test_a_free_text_relationship_from_before_the_list_is_shown_and_must_become_a_code(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_id = client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": csrf}).json()["id"]
    reporter = seeded_session.scalars(select(CasePerson).where(
        CasePerson.role == PersonRole.REPORTER)).one()
    reporter.relationship_to_victim = "สามี"
    seeded_session.flush()
    page = client.get(f"/cases/{case_id}").text
    assert '<option value="สามี" selected>สามี</option>' in page
    kept = client.post(f"/cases/{case_id}/persons/{reporter.id}", data={
        "role": "reporter", "nickname": "น้อย", "relationship_to_victim": "สามี",
        "csrf_token": csrf})
    assert kept.status_code == 422 and "เลือกจากรายการ" in kept.text
    coded = client.post(f"/cases/{case_id}/persons/{reporter.id}", follow_redirects=False,
                        data={"role": "reporter", "nickname": "น้อย",
                              "relationship_to_victim": "spouse", "csrf_token": csrf})
    assert coded.status_code == 303
    seeded_session.refresh(reporter)
    assert reporter.relationship_to_victim == "spouse"
