"""Owners and teams on the console: the case page's owner, team and reassign form, the
timeline, "my cases", the hand-over, their JSON twins, and the live notice."""

import json

import pytest
from sqlalchemy import select

from callcenter import topics
from callcenter.agents.models import Team, User
from callcenter.cases.models import Case
from callcenter.seed import DEMO_TEAM
from tests.agent_console.console_support import INTAKE, signed_in
from tests.cases.test_assignment import join_the_team
from tests.support.audit_trail import audited, user_id


@pytest.fixture(autouse=True)
def agents_in_the_team(request):
    """agent1 and agent2 join the demo's follow-up team (the seed keeps them out of it),
    in the tests on the rolled-back seeded session (not those of committing sessions)."""
    if "seeded_session" in request.fixturenames:
        join_the_team(request.getfixturevalue("seeded_session"), "agent1", "agent2")


def open_case(client, csrf: str, **extra) -> dict:
    opened = client.post("/api/cases", json={**INTAKE, **extra},
                         headers={"X-CSRF-Token": csrf})
    assert opened.status_code == 201, opened.text
    return opened.json()


def name_of(db, login: str) -> str:
    return db.scalar(select(User.display_name).where(User.login == login))


def stored(db, case_id: int) -> Case:
    case = db.get(Case, case_id)
    db.refresh(case)
    return case


def test_the_case_page_shows_its_owner_and_team_and_the_reassign_form_to_the_owner(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = open_case(client, csrf)
    page = client.get(f"/cases/{case['id']}").text
    assert f'id="case-owner">{name_of(seeded_session, "agent1")}<' in page
    assert f'id="case-team">{DEMO_TEAM}' in page
    assert 'id="reassign-form"' in page and 'name="version" value="1"' in page
    # Another agent reads the case but is offered no reassign form.
    client.cookies.clear()
    signed_in(client, "agent2")
    assert 'id="reassign-form"' not in client.get(f"/cases/{case['id']}").text


def test_reassigning_on_the_page_moves_the_case_and_shows_it_on_the_timeline(
        client, seeded_session, redis_client):
    csrf = signed_in(client, "agent1")
    case = open_case(client, csrf)
    agent2 = user_id(seeded_session, "agent2")
    listener = redis_client.pubsub()
    listener.subscribe(topics.notices_topic(agent2))
    listener.get_message(timeout=1)  # the subscription's own confirmation
    team = seeded_session.scalar(select(Team.id).where(Team.name == DEMO_TEAM))
    moved = client.post(f"/cases/{case['id']}/assignment", follow_redirects=False, data={
        "owner_id": agent2, "team_id": team, "reason": "ผู้แจ้งพูดภาษาเขมร", "version": 1,
        "csrf_token": csrf})
    assert moved.status_code == 303, moved.text
    assert stored(seeded_session, case["id"]).owner_id == agent2
    audited(seeded_session, "case.reassign", actor_id=user_id(seeded_session, "agent1"),
            entity_type="case", entity_id=case["id"])
    notice = listener.get_message(timeout=2)
    assert json.loads(notice["data"]) == {
        "kind": "case_assigned", "case_id": case["id"], "case_number": case["number"],
        "by": name_of(seeded_session, "agent1"),
        "cases": [{"case_id": case["id"], "case_number": case["number"]}]}
    listener.close()
    client.cookies.clear()
    signed_in(client, "agent2")
    page = client.get(f"/cases/{case['id']}").text
    assert "โอนเคส:" in page and "ผู้แจ้งพูดภาษาเขมร" in page
    mine = client.get("/cases/mine").text
    assert case["number"] in mine


def test_a_reassign_form_drawn_before_another_reassignment_is_refused_in_thai(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = open_case(client, csrf)
    agent2, agent3 = user_id(seeded_session, "agent2"), user_id(seeded_session, "agent3")
    first = client.post(f"/api/cases/{case['id']}/assignment", headers={"X-CSRF-Token": csrf},
                        json={"owner_id": agent2, "reason": "ส่งต่อ", "version": 1})
    assert first.status_code == 200 and first.json()["to_owner_id"] == agent2
    client.cookies.clear()
    csrf = signed_in(client, "supervisor")
    stale = client.post(f"/cases/{case['id']}/assignment", data={
        "owner_id": agent3, "team_id": "", "reason": "ส่งเวร", "version": 1,
        "csrf_token": csrf}, headers={"HX-Request": "true"})
    assert stale.status_code == 409
    assert "มีผู้อื่นโอนเคสนี้ไปแล้ว" in stale.text and stale.headers["HX-Retarget"] == "#toasts"
    api = client.post(f"/api/cases/{case['id']}/assignment", headers={"X-CSRF-Token": csrf},
                      json={"owner_id": agent3, "reason": "ส่งเวร", "version": 1})
    assert api.status_code == 409 and api.json()["error"] == "stale_edit"
    assert api.json()["changed"]["owner_id"] == agent2
    assert stored(seeded_session, case["id"]).owner_id == agent2


def test_the_api_refuses_an_agent_who_does_not_own_the_case_and_the_same_owner(
        client, seeded_session):
    csrf = signed_in(client, "agent1")
    case = open_case(client, csrf)
    same = client.post(f"/api/cases/{case['id']}/assignment", headers={"X-CSRF-Token": csrf},
                       json={"owner_id": user_id(seeded_session, "agent1"), "reason": "x"})
    assert same.status_code == 409 and same.json()["field"] == "owner_id"
    no_reason = client.post(f"/api/cases/{case['id']}/assignment",
                            headers={"X-CSRF-Token": csrf},
                            json={"owner_id": user_id(seeded_session, "agent2")})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    client.cookies.clear()
    csrf = signed_in(client, "agent2")
    refused = client.post(f"/api/cases/{case['id']}/assignment",
                          headers={"X-CSRF-Token": csrf},
                          json={"owner_id": user_id(seeded_session, "agent2"), "reason": "x"})
    assert refused.status_code == 403
    history = client.get(f"/api/cases/{case['id']}/assignments")
    assert history.status_code == 200 and history.json() == []


def test_my_cases_lists_mine_and_my_teams_open_cases(client, seeded_session):
    csrf = signed_in(client, "agent1")
    mine = open_case(client, csrf)
    client.cookies.clear()
    csrf2 = signed_in(client, "agent2")
    theirs = open_case(client, csrf2)
    listed = client.get("/api/cases/mine").json()
    assert [c["id"] for c in listed["owned"]] == [theirs["id"]]
    assert [c["id"] for c in listed["team"]] == [mine["id"]]
    assert listed["owned"][0]["next_due_at"] is None and listed["owned"][0]["version"] == 1
    page = client.get("/cases/mine").text
    assert 'id="my-open"' in page and 'id="team-open"' in page and mine["number"] in page
    # The English page says it in English.
    english = client.get("/cases/mine?lang=en").text
    assert "My cases" in english and "Recently closed" in english


def test_the_hand_over_reassigns_a_workers_cases_in_turn(client, seeded_session,
                                                         redis_client):
    csrf = signed_in(client, "agent1")
    cases = [open_case(client, csrf) for _ in range(3)]
    agent1 = user_id(seeded_session, "agent1")
    # The agent sees their own list, read-only, and nobody else's.
    own = client.get("/handover").text
    assert 'id="handover-rows"' in own and 'id="handover-form"' not in own
    assert client.get(f"/handover?worker_id={user_id(seeded_session, 'agent2')}").status_code \
        == 403
    assert client.post("/api/handover", headers={"X-CSRF-Token": csrf}, json={
        "cases": [{"case_id": cases[0]["id"]}], "to_owner_ids": [agent1]}).status_code == 403
    client.cookies.clear()
    csrf = signed_in(client, "supervisor")
    page = client.get(f"/handover?worker_id={agent1}").text
    for case in cases:
        assert f'value="{case["id"]}:1"' in page
    agent2, agent3 = user_id(seeded_session, "agent2"), user_id(seeded_session, "agent3")
    done = client.post("/handover", follow_redirects=False, data={
        "worker_id": agent1, "case": [f"{c['id']}:1" for c in cases],
        "to_owner_id": [agent2, agent3], "reason": "ส่งเวร", "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"].endswith("moved=3")
    assert [stored(seeded_session, c["id"]).owner_id for c in cases] == [agent2, agent3, agent2]
    assert "ส่งต่อแล้ว 3 เคส" in client.get(done.headers["location"]).text
    listed = client.get(f"/api/handover?worker_id={agent2}").json()
    assert {c["id"] for c in listed["cases"]} == {cases[0]["id"], cases[2]["id"]}


def test_one_stale_case_refuses_the_whole_hand_over_naming_the_case(client, seeded_session):
    csrf = signed_in(client, "agent1")
    first, second = open_case(client, csrf), open_case(client, csrf)
    agent2, agent3 = user_id(seeded_session, "agent2"), user_id(seeded_session, "agent3")
    client.post(f"/api/cases/{second['id']}/assignment", headers={"X-CSRF-Token": csrf},
                json={"owner_id": agent3, "reason": "ส่งต่อก่อน"})
    client.cookies.clear()
    csrf = signed_in(client, "supervisor")
    body = {"cases": [{"case_id": first["id"], "version": 1},
                      {"case_id": second["id"], "version": 1}], "to_owner_ids": [agent2]}
    api = client.post("/api/handover", headers={"X-CSRF-Token": csrf}, json=body)
    assert api.status_code == 409 and api.json()["error"] == "stale_edit"
    assert second["number"] in api.json()["message"]
    page = client.post("/handover", headers={"HX-Request": "true"}, data={
        "worker_id": user_id(seeded_session, "agent1"),
        "case": [f"{first['id']}:1", f"{second['id']}:1"], "to_owner_id": [agent2],
        "reason": "ส่งเวร", "csrf_token": csrf})
    assert page.status_code == 409
    assert f"เคส {second['number']}:" in page.text and "ยังไม่มีเคสใดถูกโอน" in page.text
    assert stored(seeded_session, first["id"]).owner_id == user_id(seeded_session, "agent1")


def test_a_hand_over_without_a_next_worker_or_a_case_says_so(client, seeded_session):
    csrf = signed_in(client, "supervisor")
    none = client.post("/handover", headers={"HX-Request": "true"}, data={
        "worker_id": 1, "to_owner_id": [user_id(seeded_session, "agent2")],
        "csrf_token": csrf})
    assert none.status_code == 422 and "ติ๊กเลือกเคสอย่างน้อยหนึ่งเคส" in none.text
    forged = client.post("/handover", headers={"HX-Request": "true"}, data={
        "worker_id": 1, "case": "1;drop", "csrf_token": csrf})
    assert forged.status_code == 422
