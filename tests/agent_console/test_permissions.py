"""Every console route against every role: allowed, or 401/403/404, never another unit's data.

The routes come from the application itself (``app.routes``); their expected answers from
``permission_table.TABLE``. One world per role: agent1's case in Chiang Mai (TH-50) from
a call on agent1's phone, a referral, agent1's intake draft, and a dispatch to that
province's unit. Each role then tries every route.
"""

import pytest

from tests.agent_console.console_support import signed_in
from tests.agent_console.permission_table import ALLOWED, LOGINS, ROLES, TABLE
from tests.agent_console.route_world import (
    app_routes,
    assert_says_why,
    build_world,
    fill,
    outcome,
)


@pytest.fixture
def world(client, seeded_session):
    return build_world(client, seeded_session)


def test_every_route_has_an_expected_answer_for_every_role(app):
    routes = app_routes(app)
    assert sorted(routes - TABLE.keys()) == [], "routes without a rule in permission_table"
    assert sorted(TABLE.keys() - routes) == [], "rules for routes that do not exist"
    for route, rule in TABLE.items():
        assert set(rule.expected) == set(ROLES), route


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
                  "params": fill(rule.params, world)}
        if rule.json is not None:
            kwargs["json"] = fill(rule.json, world)
        if rule.form is not None:
            kwargs["data"] = {**fill(rule.form, world), "csrf_token": csrf}
        response = client.request(method, template.format(**world), **kwargs)
        if response.status_code >= 500:
            errors[route] = response.status_code
        else:
            assert_says_why(response, route)
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
