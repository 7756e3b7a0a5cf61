"""The request's transaction: committed once the handler returns, its answer sent, then
its after-commit hooks run; a handler that fails, or a commit that fails, saves nothing
and runs none.

A probe route on the real app (the real ``db_session`` dependency, the test's
``RequestSessions``) writes an audit row and registers a hook, then succeeds, refuses,
or has its commit fail as when the database is lost at that moment.
"""

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio
import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_console import after_response
from agent_console.deps import DB, run_and_commit
from callcenter import after_commit, audit
from callcenter.audit import AuditEvent
from callcenter.errors import Conflict

PROBE = "probe.write"


def _lose_the_database(session: Session) -> None:
    raise OperationalError("COMMIT", None, ConnectionError("server closed the connection"))


def add_probe(app: FastAPI, outcome: str, hook: Callable[[], object] | None = None,
              *, one_trip: bool = False) -> list[str]:
    """Routes /probe and /api/probe; returns what happened, in order. ``one_trip``: the
    handler is async and runs its work and the commit through ``run_and_commit``, as the
    intake's requests do."""
    seen: list[str] = []

    def work(db: Session) -> dict[str, bool]:
        event.listen(db, "after_commit", lambda session: seen.append("commit"))
        audit.record(db, actor_id=None, action=PROBE, entity_type="probe", entity_id=1)
        after_commit.register(db, hook or (lambda: seen.append("hook")))
        if outcome == "refused":
            raise Conflict("the probe refuses")
        if outcome == "commit_fails":
            event.listen(db, "before_commit", _lose_the_database)
        seen.append("answer built")
        return {"ok": True}

    def probe(db: Session = DB) -> dict[str, bool]:
        return work(db)

    async def probe_in_one_trip(request: Request, db: Session = DB) -> dict[str, bool]:
        return await run_and_commit(request, db, lambda: work(db))

    for path in ("/probe", "/api/probe"):
        app.add_api_route(path, probe_in_one_trip if one_trip else probe, methods=["POST"])
    return seen


@pytest.fixture(params=["plain handler", "run_and_commit"])
def probe(request, make_app) -> Callable[[str], tuple[TestClient, list[str]]]:
    def make(outcome: str) -> tuple[TestClient, list[str]]:
        app = make_app()
        return TestClient(app), add_probe(app, outcome,
                                          one_trip=request.param == "run_and_commit")

    return make


def test_run_and_commit_makes_one_trip_through_the_thread_pool(make_app, seeded_session,
                                                                 monkeypatch):
    """The handler's work and the commit in one trip; ending the committed session
    costs none (a plain handler makes three: itself, its answer's check, the end)."""
    app = make_app()
    seen = add_probe(app, "ok", one_trip=True)
    trips: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):
        named = getattr(func, "func", func)  # run_in_threadpool hands a partial
        trips.append(getattr(named, "__name__", type(named).__name__))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    with TestClient(app) as client:
        assert client.post("/api/probe").status_code == 200
    assert seen == ["answer built", "commit", "hook"]
    # The work (and commit), then the hooks once the answer is sent: nothing between.
    assert trips == ["work_then_commit", "run_hooks"]
    assert written(seeded_session) == 1


def written(db: Session) -> int:
    return len(db.scalars(select(AuditEvent).where(AuditEvent.action == PROBE)).all())


def test_the_hooks_run_after_the_commit(probe, seeded_session):
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


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app in uvicorn on a thread: a real socket, so the answer can arrive while the
    request's work goes on (the test client waits for the whole request)."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_the_answer_is_sent_before_the_hooks_run(make_app, seeded_session):
    """A dispatch's alerts are enqueued after the agent has their answer, not before."""
    app = make_app()
    answered, hook_ran = threading.Event(), threading.Event()

    def hook() -> None:
        # Holds the request's work until the client has read the answer.
        assert answered.wait(10), "the answer never arrived while the hook waited"
        hook_ran.set()

    add_probe(app, "ok", hook)
    with served(app) as base:
        answer = httpx.post(base + "/api/probe", timeout=10)
        assert answer.status_code == 200 and answer.json() == {"ok": True}
        assert not hook_ran.is_set()
        answered.set()
        assert hook_ran.wait(10)
    assert written(seeded_session) == 1


async def test_at_most_a_few_requests_work_after_their_answers_at_once():
    """Answered clients send their next requests at once: the work their answers left
    must not take every database connection while those requests wait for one."""
    running, most = 0, 0
    gate = threading.Lock()

    def hook() -> None:
        nonlocal running, most
        with gate:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with gate:
            running -= 1

    async def answer_and_leave_work(scope, receive, send) -> None:
        after_response.defer(scope, [hook])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def ignore(message) -> None:
        return None

    async def nothing() -> dict:
        return {"type": "http.disconnect"}

    middleware = after_response.AfterResponse(answer_and_leave_work, at_once=3)
    await asyncio.gather(*(middleware({"type": "http"}, nothing, ignore) for _ in range(12)))
    assert most == 3
