"""Every console route against every role: allowed, or 401/403/404, never another unit's data.

The routes come from the application itself (``app.routes``); their expected answers from
``permission_table.TABLE``. One world per role: agent1's case in Chiang Mai (TH-50) from
a call on agent1's phone, a referral, agent1's intake draft, and a dispatch to that
province's unit. Each role then tries every route.
"""

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.cases.models import CasePerson
from callcenter.dispatch import service as dispatches
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.permission_table import ALLOWED, LOGIN, LOGINS, ROLES, TABLE

STATIC_MOUNTS = ("/static", "/vendor")


def app_routes(app) -> set[str]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if context.path.startswith(STATIC_MOUNTS) or not context.methods:
            continue
        for method in context.methods - {"HEAD"}:
            found.add(f"{method} {context.path_format}")  # without :int convertors
    return found


def test_every_route_has_an_expected_answer_for_every_role(app):
    routes = app_routes(app)
    assert sorted(routes - TABLE.keys()) == [], "routes without a rule in permission_table"
    assert sorted(TABLE.keys() - routes) == [], "rules for routes that do not exist"
    for route, rule in TABLE.items():
        assert set(rule.expected) == set(ROLES), route


@pytest.fixture
def world(client, seeded_session):
    call = add_call(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()
    referral = client.post(f"/api/cases/{case['id']}/referrals", headers=h,
                           json={"agency_type": "police", "agency_name": "สภ.เมือง"}).json()
    draft = client.post("/api/drafts", json={"call_id": call.id}, headers=h).json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"],
                                 actor_id=case["owner_id"])
    seeded_session.flush()
    client.post("/logout", headers=h)
    client.cookies.clear()
    person_id = seeded_session.scalars(select(CasePerson.id).where(
        CasePerson.case_id == case["id"]).order_by(CasePerson.id)).first()
    return {"case_id": case["id"], "call_id": call.id, "key": draft["key"],
            "person_id": person_id,
            "dispatch_id": dispatch.id, "referral_id": referral["id"], "node": call.node,
            "uniqueid": call.uniqueid, "action": "pause", "report": "calls_by_day",
            "kind": "csv",
            "user_id": seeded_session.scalar(select(User.id).where(User.login == "agent2"))}


def outcome(response) -> object:
    location = response.headers.get("location", "")
    # Sent to sign in (or to the second factor); "/login" itself follows a sign-out.
    if response.is_redirect and location.startswith(("/login?next=", "/login/totp")):
        return LOGIN
    if response.status_code in (401, 403, 404, 405):
        return response.status_code
    return ALLOWED


def _fill(value, world):
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value.format(**world) if isinstance(value, str) else value


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_may(role, client, world):
    csrf = signed_in(client, LOGINS[role]) if role != "anonymous" else "none"
    wrong, errors = {}, {}
    ordered = sorted(TABLE.items(), key=lambda item: item[1].last)
    for route, rule in ordered:
        want = rule.expected[role]
        if rule.stream and want == ALLOWED:
            continue  # an endless stream; its content is tested with the stream's tests
        if rule.last and role != "anonymous":
            client.cookies.clear()
            csrf = signed_in(client, LOGINS[role])  # each sign-out needs its own session
        method, template = route.split(" ", 1)
        kwargs = {"headers": {"X-CSRF-Token": csrf}, "follow_redirects": False,
                  "params": _fill(rule.params, world)}
        if rule.json is not None:
            kwargs["json"] = _fill(rule.json, world)
        if rule.form is not None:
            kwargs["data"] = {**_fill(rule.form, world), "csrf_token": csrf}
        response = client.request(method, template.format(**world), **kwargs)
        if response.status_code >= 500:
            errors[route] = response.status_code
        got = outcome(response)
        if got != want:
            wrong[route] = (want, got, response.status_code)
    assert errors == {}
    assert wrong == {}


def test_a_unit_member_never_sees_another_provinces_dispatch(client, world):
    signed_in(client, "unit.th10")
    assert client.get("/api/unit/dispatches").json() == []
    signed_in(client, "unit.th50")
    listed = client.get("/api/unit/dispatches").json()
    assert [d["id"] for d in listed] == [world["dispatch_id"]]
    detail = client.get(f"/api/unit/dispatches/{world['dispatch_id']}").json()
    # The field visit gets the victim only: no reporter, no perpetrator, no national ID.
    assert [p["role"] for p in detail["persons"]] == ["victim"]
    assert "national_id" not in str(detail) and "full_name" not in detail["persons"][0]


def test_unsafe_requests_without_the_csrf_token_are_refused(client, world):
    signed_in(client, "agent1")
    refused = client.post(f"/api/cases/{world['case_id']}/notes", json={"body": "x"})
    assert refused.status_code == 403


@pytest.mark.parametrize(("login", "status"), [("unit.th50", 403), (None, 303)])
def test_the_live_stream_is_for_case_workers_only(client, login, status):
    if login:
        signed_in(client, login)
    assert client.get("/agent/events", follow_redirects=False).status_code == status
