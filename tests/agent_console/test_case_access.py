"""Need to know in the console: every case route takes the gate; a case not the agent's
is 404 with the way in; its team reads it; breaking the glass opens it, audited and
listed for the supervisors' review."""

from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from agent_console.case_access import readable_case, readable_referral
from callcenter.agents import teams
from callcenter.audit import AuditEvent
from callcenter.cases.models import Case
from callcenter.cases.work_models import CaseAccessGrant
from callcenter.db import utcnow
from tests.agent_console.console_support import signed_in
from tests.agent_console.route_world import build_world
from tests.support.audit_trail import audited, user_id

REASON = "ผู้โทรสอบถามเรื่องเคสนี้ เจ้าของเคสไม่อยู่เวร"
# The world's case: what agent2 must never see before breaking the glass.
SECRETS = ("มาลี", "สามีทำร้ายร่างกาย", "0812345678")
# The ways in: opening with a reason is a door, not something every route must pass; so is
# attaching the call a worker is on to one of its caller's cases (they check the call and
# the case themselves: agent_console.case_access.check_attachable).
GATELESS = {"GET /cases/{case_id}/break-glass", "POST /cases/{case_id}/break-glass",
            "POST /api/cases/{case_id}/break-glass", "POST /cases/{case_id}/contacts/calls",
            "POST /api/cases/{case_id}/contacts"}


@pytest.fixture
def world(client, seeded_session):
    return build_world(client, seeded_session)


def _calls(dependant) -> set:
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def test_every_route_on_a_case_or_referral_takes_the_need_to_know_gate(app):
    ungated = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or all(
                f"{method} {route.path}" in GATELESS for method in route.methods):
            continue
        on_a_case = "{case_id}" in route.path or "{referral_id}" in route.path
        if on_a_case and not _calls(route.dependant) & {readable_case, readable_referral}:
            ungated.append(f"{sorted(route.methods)} {route.path}")
    assert ungated == []


def test_another_agents_case_is_hidden_as_missing_in_the_api_and_explained_on_the_page(
        client, world):
    csrf = signed_in(client, "agent2")
    case_id = world["case_id"]
    hidden = client.get(f"/api/cases/{case_id}")
    missing = client.get("/api/cases/2000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {"error": "not_found", "message": f"case {case_id} not found"}
    assert client.get(f"/api/cases/{case_id}/export").status_code == 404
    page = client.get(f"/cases/{case_id}?lang=en")
    assert page.status_code == 404 and 'id="case-hidden"' in page.text
    assert "open it with a reason" in page.text
    assert not any(secret in page.text for secret in SECRETS)
    toast = client.post(f"/cases/{case_id}/notes", headers={"HX-Request": "true"},
                        data={"body": "x", "csrf_token": csrf})
    assert toast.status_code == 404 and 'class="toast error"' in toast.text


def test_the_cases_team_reads_it_but_only_its_owner_changes_it(client, world,
                                                               seeded_session):
    team = teams.create_team(seeded_session, name="ทีมเชียงใหม่ ทดสอบ",
                             member_ids=[user_id(seeded_session, "agent2")])
    seeded_session.get(Case, world["case_id"]).team_id = team.id
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent2")}
    case_id = world["case_id"]
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and 'id="case-access-why"' in page.text
    for path in ("", "/notes", "/referrals", "/export", "/closures", "/clock"):
        assert client.get(f"/api/cases/{case_id}{path}").status_code == 200, path
    assert client.post(f"/api/cases/{case_id}/notes", headers=h,
                       json={"body": "โทรติดตามแล้ว"}).status_code == 201
    assert client.post(f"/api/cases/{case_id}/status", headers=h,
                       json={"status": "follow_up"}).status_code == 403


def test_search_shows_a_reduced_row_for_a_case_the_agent_may_not_read(client, world):
    csrf = signed_in(client, "agent2")
    found = client.post("/cases", data={"name": "มาลี", "csrf_token": csrf})
    assert f'data-case-hidden="{world["case_id"]}"' in found.text
    assert f'href="/cases/{world["case_id"]}/break-glass"' in found.text
    assert f'href="/cases/{world["case_id"]}"' not in found.text
    api = client.get("/api/cases", params={"name": "มาลี"}).json()["items"]
    row = next(r for r in api if r["id"] == world["case_id"])
    assert row["readable"] is False and row["issue_area"] is None
    assert row["do_not_call_back"] is None and row["urgency"] == "high"
    signed_in(client, "agent1")
    mine = client.get("/api/cases", params={"name": "มาลี"}).json()["items"]
    assert next(r for r in mine if r["id"] == world["case_id"])["readable"] is True


def test_breaking_the_glass_opens_the_case_for_a_shift_audited(client, world,
                                                              seeded_session):
    csrf = signed_in(client, "agent2")
    case_id = world["case_id"]
    form = client.get(f"/cases/{case_id}/break-glass")
    assert form.status_code == 200 and 'id="break-glass"' in form.text
    assert not any(secret in form.text for secret in SECRETS)
    short = client.post(f"/cases/{case_id}/break-glass",
                        data={"reason": "ดูหน่อย", "csrf_token": csrf})
    assert short.status_code == 422 and 'id="reason-problem"' in short.text
    assert client.get(f"/cases/{case_id}").status_code == 404

    opened = client.post(f"/cases/{case_id}/break-glass", follow_redirects=False,
                         data={"reason": REASON, "csrf_token": csrf})
    assert opened.status_code == 303 and opened.headers["location"] == f"/cases/{case_id}"
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and 'id="case-access-grant"' in page.text
    agent2 = user_id(seeded_session, "agent2")
    audited(seeded_session, "case.break_glass", actor_id=agent2, entity_type="case",
            entity_id=case_id)
    # Read, not owned: the owner's changes stay refused.
    assert client.post(f"/api/cases/{case_id}/status", headers={"X-CSRF-Token": csrf},
                       json={"status": "follow_up"}).status_code == 403

    # Once the shift's grant has lapsed the case is hidden again.
    grant = seeded_session.scalars(select(CaseAccessGrant).where(
        CaseAccessGrant.user_id == agent2)).one()
    grant.expires_at = utcnow() - timedelta(seconds=1)
    seeded_session.flush()
    assert client.get(f"/cases/{case_id}").status_code == 404


def test_the_api_breaks_the_glass_once_and_then_says_why(client, world, seeded_session):
    h = {"X-CSRF-Token": signed_in(client, "agent2")}
    url = f"/api/cases/{world['case_id']}/break-glass"
    refused = client.post(url, headers=h, json={"reason": "สั้น"})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    made = client.post(url, headers=h, json={"reason": REASON})
    assert made.status_code == 201 and made.json()["why"] == "grant"
    again = client.post(url, headers=h, json={"reason": REASON})
    assert again.status_code == 200 and again.json()["grant_id"] is None
    assert client.get(f"/api/cases/{world['case_id']}").status_code == 200
    assert len(seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.break_glass",
        AuditEvent.actor_id == user_id(seeded_session, "agent2"))).all()) == 1


def test_supervisors_review_the_openings(client, world, seeded_session):
    csrf = signed_in(client, "agent2")
    client.post(f"/cases/{world['case_id']}/break-glass",
                data={"reason": REASON, "csrf_token": csrf})
    csrf = signed_in(client, "supervisor")
    listed = client.get("/access-reviews?unreviewed=true")
    assert listed.status_code == 200 and REASON in listed.text
    assert "agent2" in listed.text and "agent3" in listed.text  # the world's own opening
    api = client.get("/api/access-reviews", params={"unreviewed": "true"}).json()
    mine = next(r for r in api if r["user_login"] == "agent2")
    assert api[0]["id"] == mine["id"] and mine["reason"] == REASON
    done = client.post(f"/access-reviews/{mine['id']}/review", follow_redirects=False,
                       data={"note": "เหมาะสม", "unreviewed": "true", "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == \
        "/access-reviews?unreviewed=true"
    still = [r["id"] for r in client.get("/api/access-reviews",
                                         params={"unreviewed": "true"}).json()]
    assert mine["id"] not in still
    twice = client.post(f"/api/access-reviews/{mine['id']}/review",
                        headers={"X-CSRF-Token": csrf}, json={"note": None})
    assert twice.status_code == 409
    audited(seeded_session, "case.break_glass_review",
            actor_id=user_id(seeded_session, "supervisor"), entity_type="case",
            entity_id=world["case_id"])
    assert 'href="/access-reviews"' in client.get("/home").text
