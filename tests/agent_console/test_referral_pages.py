"""Agents refer to the directory from the case file, see due times and what is overdue,
and find every overdue referral on one list; the same through the API."""

from datetime import timedelta

from sqlalchemy import select

from callcenter.cases import agencies
from callcenter.cases import service as cases
from callcenter.cases.models import Agency, Case, Referral, ReferralStatus
from callcenter.db import utcnow
from tests.agent_console.console_support import signed_in
from tests.agent_console.test_case_pages import open_case


def _agency(session, **where) -> Agency:
    return session.scalars(select(Agency).filter_by(**where).order_by(Agency.id)).first()


def test_the_case_file_offers_its_provinces_agencies_first_and_refers_to_the_one_picked(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    page = client.get(case_url).text
    options = page[page.index('id="agency-pick"'):page.index("</select>", page.index(
        'id="agency-pick"'))]
    chiang_mai = _agency(seeded_session, province_code="TH-50")
    assert options.index(chiang_mai.name_th) < options.index("1387")
    assert "กรุงเทพ" not in options  # another province's agencies are not offered
    sent = client.post(f"{case_url}/referrals", data={"agency_id": str(chiang_mai.id),
                                                      "csrf_token": csrf},
                       follow_redirects=False)
    assert sent.status_code == 303
    referral = seeded_session.scalars(select(Referral).where(
        Referral.agency_id == chiang_mai.id)).one()
    assert referral.agency_name == chiang_mai.name_th and referral.due_at is not None
    assert chiang_mai.name_th in client.get(case_url).text


def test_the_search_box_narrows_the_agencies_in_thai(client, seeded_session):
    signed_in(client, "agent1")
    found = client.get("/agencies/pick", params={"q": "ศูนย์พึ่งได้", "province": "TH-50"})
    assert found.status_code == 200
    assert "ศูนย์พึ่งได้ โรงพยาบาลเชียงใหม่" in found.text and "1669" not in found.text


def test_a_referral_to_an_inactive_agency_is_refused_with_a_message_in_thai(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    closed = _agency(seeded_session, province_code="TH-50")
    closed.active = False
    seeded_session.flush()
    refused = client.post(f"{case_url}/referrals", data={"agency_id": str(closed.id),
                                                         "csrf_token": csrf},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 409
    assert "ปิดใช้งานแล้ว" in refused.text
    assert seeded_session.scalars(select(Referral)).all() == []


def test_an_old_style_referral_with_a_typed_name_still_works_and_one_without_either_is_refused(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    typed = client.post(f"{case_url}/referrals", data={
        "agency_type": "police", "agency_name": "สภ.เมือง", "csrf_token": csrf},
        follow_redirects=False)
    assert typed.status_code == 303
    empty = client.post(f"{case_url}/referrals", data={"csrf_token": csrf},
                        headers={"HX-Request": "true"})
    assert empty.status_code == 422


def test_an_overdue_referral_is_marked_on_the_case_and_listed_for_workers_by_province(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    case = seeded_session.get(Case, int(case_url.rsplit("/", 1)[1]))
    client.post(f"{case_url}/referrals", data={"agency_type": "police",
                                               "agency_name": "สภ.เมือง", "csrf_token": csrf})
    referral = seeded_session.scalars(select(Referral)).one()
    referral.due_at = utcnow() - timedelta(hours=3)
    seeded_session.flush()
    assert "เกินกำหนด" in client.get(case_url).text
    listed = client.get("/referrals/overdue", params={"province": "TH-50"})
    assert f'data-referral="{referral.id}"' in listed.text and case.number in listed.text
    other = client.get("/referrals/overdue", params={"province": "TH-10"})
    assert 'id="overdue-none"' in other.text
    api = client.get("/api/referrals/overdue").json()
    assert [r["referral_id"] for r in api] == [referral.id]
    cases.move_referral(seeded_session, referral, to=ReferralStatus.ACCEPTED,
                        actor_id=case.created_by_id)
    cases.move_referral(seeded_session, referral, to=ReferralStatus.DONE,
                        actor_id=case.created_by_id)
    seeded_session.flush()
    assert client.get("/api/referrals/overdue").json() == []
    assert not agencies.is_overdue(referral)


def test_the_api_refers_to_a_directory_agency_and_says_who_recorded_the_status(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case_url = open_case(client, seeded_session, csrf)
    case_id = int(case_url.rsplit("/", 1)[1])
    agency = client.get("/api/agencies", params={"q": "1669"}).json()[0]
    made = client.post(f"/api/cases/{case_id}/referrals", json={"agency_id": agency["id"]},
                       headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["agency_id"] == agency["id"] and body["agency_type"] == "ems"
    assert body["status_by_id"] is not None and body["status_at"] is not None


def test_workers_reach_the_overdue_list_from_the_navigation(client, seeded_session):
    signed_in(client, "agent1")
    assert 'href="/referrals/overdue"' in client.get("/cases").text
