"""Every console route against every role: allowed, or 401/403/404, never another unit's data.

One world per test: agent1's case in Chiang Mai (TH-50), dispatched to that province's
unit, the call it came from, and agent1's intake draft. Each role then tries every route.
"""

import pytest

from callcenter.dispatch import service as dispatches
from tests.agent_console.console_support import INTAKE, ROLES, add_call, signed_in

OK = "ok"  # 200 or 201


def expected(role: str) -> dict[str, object]:
    worker = role in ("agent", "other_agent", "supervisor", "admin")
    boss = role in ("supervisor", "admin")
    owner = role == "agent"
    unit = role.startswith("unit")
    anon = role == "anonymous"
    deny_page = 303 if anon else 403  # pages send strangers to the sign-in page
    deny_api = 401 if anon else 403
    return {
        "GET /agent": OK if worker else deny_page,
        "GET /cases": OK if worker else deny_page,
        "GET /cases/{case}": OK if worker else deny_page,
        "GET /cases/{case}/audit": OK if boss else deny_page,
        "GET /cases/drafts/{draft}": OK if owner else (404 if worker else deny_page),
        "GET /agent/pop": OK if owner or boss else (404 if worker else deny_page),
        "GET /api/cases": OK if worker else deny_api,
        "GET /api/cases/{case}": OK if worker else deny_api,
        "GET /api/cases/{case}/export": OK if worker else deny_api,
        "GET /api/cases/{case}/notes": OK if worker else deny_api,
        "GET /api/cases/{case}/referrals": OK if worker else deny_api,
        "GET /api/cases/{case}/audit": OK if boss else deny_api,
        "GET /api/calls/{call}/screenpop": OK if owner or boss else (404 if worker else deny_api),
        "GET /api/drafts/{draft}": OK if owner else (404 if worker else deny_api),
        "GET /api/agent/state": OK if role in ("agent", "other_agent") else deny_api,
        "GET /api/unit/dispatches": OK if unit else deny_api,
        "GET /api/unit/dispatches/{dispatch}": OK if role == "unit_th50" else (
            404 if unit else deny_api),
        "PUT /api/cases/{case}": OK if owner or boss else deny_api,
        "POST /api/cases/{case}/notes": OK if worker else deny_api,
        "POST /api/cases/{case}/status": OK if owner or boss else deny_api,
        "POST /api/cases/{case}/referrals": OK if owner or boss else deny_api,
        "POST /api/calls/{call}/disposition": OK if owner or boss else (
            404 if worker else deny_api),
        "POST /cases/{case}/notes": 303 if worker else deny_page,
        "POST /cases/{case}/safe-contact": 303 if owner or boss else deny_page,
    }


BODIES = {
    "PUT /api/cases/{case}": {k: v for k, v in INTAKE.items() if k != "persons"},
    "POST /api/cases/{case}/notes": {"body": "ok"},
    "POST /api/cases/{case}/status": {"status": "follow_up"},
    "POST /api/cases/{case}/referrals": {"agency_type": "police", "agency_name": "สภ.เมือง"},
    "POST /api/calls/{call}/disposition": {"disposition": "information"},
}
FORMS = {"POST /cases/{case}/notes": {"body": "ok"},
         "POST /cases/{case}/safe-contact": {"do_not_call_back": "true"}}


@pytest.fixture
def world(client, seeded_session):
    call = add_call(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()
    draft = client.post("/api/drafts", json={"call_id": call.id}, headers=h).json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"],
                                 actor_id=case["owner_id"])
    seeded_session.flush()
    client.post("/logout", headers=h)
    client.cookies.clear()
    return {"case": case["id"], "call": call.id, "draft": draft["key"],
            "dispatch": dispatch.id, "node": call.node, "uniqueid": call.uniqueid}


@pytest.mark.parametrize("role", ["agent", "other_agent", "supervisor", "admin",
                                  "unit_th50", "unit_th10", "anonymous"])
def test_each_role_reaches_only_what_it_may(role, client, world):
    csrf = signed_in(client, ROLES[role]) if role != "anonymous" else "none"
    wrong = {}
    for route, want in expected(role).items():
        method, template = route.split(" ")
        path = template.format(**world)
        params = {"node": world["node"], "uniqueid": world["uniqueid"]} \
            if path == "/agent/pop" else None
        kwargs = {"headers": {"X-CSRF-Token": csrf}, "follow_redirects": False,
                  "params": params}
        if route in BODIES:
            kwargs["json"] = BODIES[route]
        if route in FORMS:
            kwargs["data"] = {**FORMS[route], "csrf_token": csrf}
        got = client.request(method, path, **kwargs).status_code
        ok = got in (200, 201) if want == OK else got == want
        if not ok:
            wrong[route] = (want, got)
    assert wrong == {}


def test_a_unit_member_never_sees_another_provinces_dispatch(client, world):
    signed_in(client, "unit.th10")
    assert client.get("/api/unit/dispatches").json() == []
    signed_in(client, "unit.th50")
    listed = client.get("/api/unit/dispatches").json()
    assert [d["id"] for d in listed] == [world["dispatch"]]
    detail = client.get(f"/api/unit/dispatches/{world['dispatch']}").json()
    # The field visit gets the victim only: no reporter, no perpetrator, no national ID.
    assert [p["role"] for p in detail["persons"]] == ["victim"]
    assert "national_id" not in str(detail) and "full_name" not in detail["persons"][0]


def test_unsafe_requests_without_the_csrf_token_are_refused(client, world):
    signed_in(client, "agent1")
    refused = client.post(f"/api/cases/{world['case']}/notes", json={"body": "x"})
    assert refused.status_code == 403


@pytest.mark.parametrize(("login", "status"), [("unit.th50", 403), (None, 303)])
def test_the_live_stream_is_for_case_workers_only(client, login, status):
    if login:
        signed_in(client, login)
    assert client.get("/agent/events", follow_redirects=False).status_code == status
