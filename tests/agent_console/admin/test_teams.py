"""Admins keep the teams that share cases: pages and API, versioned, audited, never
deleted (switched off), members added and removed."""

from sqlalchemy import select

from callcenter.agents import teams
from callcenter.agents.models import Team
from callcenter.seed import DEMO_TEAM
from tests.agent_console.conftest import csrf_from
from tests.support.audit_trail import audited, user_id


def _token(client) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/admin").text)}


def team_named(db, name: str) -> Team:
    return db.scalars(select(Team).where(Team.name == name)).one()


def test_the_admin_area_lists_teams_with_the_demo_team(admin_client):
    assert 'href="/admin/teams"' in admin_client.get("/admin").text
    page = admin_client.get("/admin/teams").text
    assert DEMO_TEAM in page and 'id="team-new"' in page


def test_an_admin_creates_a_provincial_team_and_adds_and_removes_a_member(
        admin_client, seeded_session):
    csrf = csrf_from(admin_client.get("/admin/teams").text)
    made = admin_client.post("/admin/teams", follow_redirects=False, data={
        "name": "ทีม พมจ. เชียงใหม่", "province_code": "TH-50", "active": "1",
        "csrf_token": csrf})
    assert made.status_code == 303
    team = team_named(seeded_session, "ทีม พมจ. เชียงใหม่")
    assert (team.province_code, team.active) == ("TH-50", True)
    admin = user_id(seeded_session, "admin")
    event = audited(seeded_session, "team.create", actor_id=admin, entity_type="team",
                    entity_id=team.id)
    assert event.changes["name"] == [None, "ทีม พมจ. เชียงใหม่"]
    agent3 = user_id(seeded_session, "agent3")
    added = admin_client.post(f"/admin/teams/{team.id}/members", follow_redirects=False,
                              data={"user_id": agent3, "csrf_token": csrf})
    assert added.status_code == 303
    assert teams.team_ids_of(seeded_session, agent3) == sorted(
        [team.id, team_named(seeded_session, DEMO_TEAM).id])
    page = admin_client.get(f"/admin/teams/{team.id}").text
    assert f'data-member="{agent3}"' in page
    removed = admin_client.post(f"/admin/teams/{team.id}/members/{agent3}/remove",
                                follow_redirects=False, data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert team.id not in teams.team_ids_of(seeded_session, agent3)
    audited(seeded_session, "team.member_remove", actor_id=admin, entity_type="team",
            entity_id=team.id)


def test_a_unit_member_is_no_team_member_and_a_taken_name_is_refused_in_thai(
        admin_client, seeded_session):
    csrf = csrf_from(admin_client.get("/admin/teams").text)
    team = team_named(seeded_session, DEMO_TEAM)
    unit = admin_client.post(f"/admin/teams/{team.id}/members", headers={"HX-Request": "true"},
                             data={"user_id": user_id(seeded_session, "unit.th50"),
                                   "csrf_token": csrf})
    assert unit.status_code == 422 and "สมาชิกต้องเป็นเจ้าหน้าที่" in unit.text
    taken = admin_client.post("/admin/teams", headers={"HX-Request": "true"},
                              data={"name": DEMO_TEAM, "csrf_token": csrf})
    assert taken.status_code == 409 and "มีทีมอื่นใช้ชื่อนี้แล้ว" in taken.text


def test_switching_a_team_off_keeps_it_and_an_older_form_is_refused(admin_client,
                                                                     seeded_session):
    headers = _token(admin_client)
    team = admin_client.post("/api/admin/teams", headers=headers,
                             json={"name": "ทีมกะดึก"}).json()
    assert team["version"] == 1 and team["members"] == []
    off = admin_client.put(f"/api/admin/teams/{team['id']}", headers=headers,
                           json={"name": "ทีมกะดึก", "active": False, "version": 1})
    assert off.status_code == 200 and off.json() == {**team, "active": False, "version": 2}
    stale = admin_client.put(f"/api/admin/teams/{team['id']}", headers=headers,
                             json={"name": "ทีมกะเช้า", "active": True, "version": 1})
    assert stale.status_code == 409 and stale.json()["error"] == "stale_edit"
    listed = {t["name"]: t for t in admin_client.get("/api/admin/teams").json()}
    assert listed["ทีมกะดึก"]["active"] is False
    # An inactive team is no one's team.
    agent4 = user_id(seeded_session, "agent4")
    member = admin_client.post(f"/api/admin/teams/{team['id']}/members", headers=headers,
                               json={"user_id": agent4})
    assert member.status_code == 200 and [m["login"] for m in member.json()["members"]] == [
        "agent4"]
    assert team["id"] not in teams.team_ids_of(seeded_session, agent4)
    gone = admin_client.delete(f"/api/admin/teams/{team['id']}/members/{agent4}",
                               headers=headers)
    assert gone.status_code == 200 and gone.json()["members"] == []
    assert admin_client.get("/api/admin/teams/99999").status_code == 404
