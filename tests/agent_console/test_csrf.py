"""Every unsafe route of every router refuses a wrong CSRF token and another session's
token (the same user signed in elsewhere): 403 "the form has expired", nothing written.

The routes come from the application itself, so a new router is covered the day it is
added. The sign-in forms are left to tests/agent_console/test_auth.py, and the set-up
link's form to tests/agent_console/admin/test_setup_links.py: their token belongs to
the page (a cookie), not to a session.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callcenter.agents.models import ConsoleSession
from callcenter.audit import AuditEvent
from callcenter.cases.models import Case, CaseNote
from callcenter.dispatch.models import Dispatch
from tests.agent_console.console_support import INTAKE, signed_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that come before any session, so no session's token guards them: the sign-in
# steps, the public report form (its own signed form token: tests/intake), LINE's
# webhook (LINE's signature: tests/agent_console/test_line_webhook.py) and the partner
# applications' intake API (their key: tests/agent_console/test_app_intake.py).
BEFORE_A_SESSION = {"/login", "/login/totp", "/setup/{token}", "/report", "/report/track",
                    "/report/track/add", "/line/webhook", "/api/intake/reports"}
CSRF_PAGE = "the form has expired; reload the page and try again"
COUNTED = (AuditEvent, Case, CaseNote, Dispatch, ConsoleSession)


def unsafe_routes(app) -> list[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        path = context.path_format
        if not context.methods or path in BEFORE_A_SESSION:
            continue
        found.update((method, path) for method in context.methods & UNSAFE)
    return sorted(found)


def concrete(path: str, case_id: int) -> str:
    """Ids filled with a real case's id (1 for the rest); other parameters a plain word."""
    path = path.replace("{case_id}", str(case_id))
    return re.sub(r"\{[a-z_]*id\}", "1", re.sub(r"\{(?![a-z_]*id\})[a-z_]+\}", "x", path))


def counts(db) -> dict[str, int]:
    db.expire_all()
    return {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def send(client: TestClient, method: str, path: str, token: str):
    if path.startswith("/api/"):
        return client.request(method, path + "?lang=en", json={},
                              headers={"X-CSRF-Token": token})
    return client.request(method, path + "?lang=en", data={"csrf_token": token})


def refused_as_csrf(answer, path: str) -> bool:
    if answer.status_code != 403:
        return False
    if path.startswith("/api/"):
        return answer.json().get("error") == "csrf"
    return CSRF_PAGE in answer.text.lower()


def test_the_sweep_covers_a_json_and_a_form_route_of_every_router_that_writes(app):
    routes = unsafe_routes(app)
    assert any(p.startswith("/api/") for _m, p in routes)
    modules = {c.endpoint.__module__ for c in iter_route_contexts(app.routes)
               if c.methods and c.methods & UNSAFE and c.path_format not in BEFORE_A_SESSION}
    # agent, api_calls, api_cases, auth, cases, dispatch_board, intake, supervisor, unit
    assert len(modules) >= 9, modules


@pytest.mark.parametrize("token_kind", ["wrong", "another_session"])
def test_every_unsafe_route_refuses_a_token_that_is_not_this_sessions(app, client,
                                                                      seeded_session,
                                                                      token_kind):
    own = signed_in(client, "agent1")
    case_id = client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": own}).json()["id"]
    with TestClient(app) as elsewhere:
        theirs = signed_in(elsewhere, "agent1")
    assert theirs != own
    token = "x" * len(own) if token_kind == "wrong" else theirs
    before = counts(seeded_session)
    accepted = []
    for method, path in unsafe_routes(app):
        target = concrete(path, case_id)
        answer = send(client, method, target, token)
        if not refused_as_csrf(answer, target):
            accepted.append(f"{method} {target}: {answer.status_code}")
    assert accepted == []
    assert counts(seeded_session) == before
    # The session's own token still works: the refusals were the token's, not the session's.
    assert client.post("/logout", data={"csrf_token": own},
                       follow_redirects=False).status_code == 303
