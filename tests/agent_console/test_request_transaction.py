"""The request's transaction: committed once the handler returns, then its after-commit
hooks run; a handler that fails, or a commit that fails, saves nothing and runs none.

A probe route on the real app (the real ``db_session`` dependency, the test's
``RequestSessions``) writes an audit row and registers a hook, then succeeds, refuses,
or has its commit fail as when the database is lost at that moment.
"""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_console.deps import DB
from callcenter import after_commit, audit
from callcenter.audit import AuditEvent
from callcenter.errors import Conflict

PROBE = "probe.write"


def _lose_the_database(session: Session) -> None:
    raise OperationalError("COMMIT", None, ConnectionError("server closed the connection"))


def add_probe(app: FastAPI, outcome: str) -> list[str]:
    """Routes /probe and /api/probe; returns what happened, in order."""
    seen: list[str] = []

    def probe(db: Session = DB) -> dict[str, bool]:
        event.listen(db, "after_commit", lambda session: seen.append("commit"))
        audit.record(db, actor_id=None, action=PROBE, entity_type="probe", entity_id=1)
        after_commit.register(db, lambda: seen.append("hook"))
        if outcome == "refused":
            raise Conflict("the probe refuses")
        if outcome == "commit_fails":
            event.listen(db, "before_commit", _lose_the_database)
        seen.append("answer built")
        return {"ok": True}

    for path in ("/probe", "/api/probe"):
        app.add_api_route(path, probe, methods=["POST"])
    return seen


@pytest.fixture
def probe(make_app) -> Callable[[str], tuple[TestClient, list[str]]]:
    def make(outcome: str) -> tuple[TestClient, list[str]]:
        app = make_app()
        return TestClient(app), add_probe(app, outcome)

    return make


def written(db: Session) -> int:
    return len(db.scalars(select(AuditEvent).where(AuditEvent.action == PROBE)).all())


def test_the_hooks_run_after_the_commit_and_before_the_answer_is_sent(probe, seeded_session):
    client, seen = probe("ok")
    answer = client.post("/api/probe")
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert seen == ["answer built", "commit", "hook"]
    assert written(seeded_session) == 1


def test_a_refused_request_saves_nothing_and_runs_no_hook(probe, seeded_session):
    client, seen = probe("refused")
    answer = client.post("/api/probe")
    assert answer.status_code == 409 and answer.json()["error"] == "conflict"
    assert seen == []
    assert written(seeded_session) == 0


def test_a_commit_that_fails_answers_503_and_runs_no_hook(probe, seeded_session):
    client, seen = probe("commit_fails")
    api = client.post("/api/probe")
    assert api.status_code == 503
    assert api.json()["error"] == "unavailable"
    assert api.headers["Retry-After"] == "10"
    page = client.post("/probe", headers={"HX-Request": "true"})
    assert page.status_code == 503 and 'class="toast error"' in page.text
    assert "commit" not in seen and "hook" not in seen
    assert written(seeded_session) == 0
