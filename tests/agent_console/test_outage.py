"""The database goes away (its connections cut through a TCP proxy): readiness says so,
every request answers 503 "not saved, try again" instead of an internal error, nothing of
a cut request is saved, and everything works again once the database is back."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from agent_console.app import create_app
from callcenter.cases import service as cases
from callcenter.cases.models import Case
from callcenter.db import make_engine
from callcenter.seed import seed_all
from callcenter.settings import load_settings
from tests.agent_console.console_support import INTAKE, signed_in
from tests.conftest import REDIS_URL
from tests.dispatch.tcp_proxy import TcpProxy

MESSAGE = "service temporarily unavailable, your work was not saved, try again"


@pytest.fixture
def proxy(pg_url) -> Iterator[TcpProxy]:
    running = TcpProxy(make_url(pg_url).port or 5432)
    yield running
    running.close()


@pytest.fixture
def outage_client(pg_url, proxy, committing_sessionmaker, redis_client) -> Iterator[TestClient]:
    """The console on an engine that reaches PostgreSQL only through the proxy."""
    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        session.commit()
    url = make_url(pg_url).set(host="127.0.0.1", port=proxy.port)
    engine = make_engine(url.render_as_string(hide_password=False))
    app = create_app(load_settings(redis_url=REDIS_URL), redis_client=redis_client,
                     session_factory=sessionmaker(engine, expire_on_commit=False))
    with TestClient(app) as client:
        yield client
    engine.dispose()


def case_count(committing_sessionmaker) -> int:
    with committing_sessionmaker() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_readiness_is_503_naming_the_database_while_it_is_cut_and_200_after(outage_client,
                                                                            proxy):
    assert outage_client.get("/readyz").json() == {
        "status": "ready", "database": "ok", "redis": "ok"}
    proxy.cut()
    away = outage_client.get("/readyz")
    assert away.status_code == 503
    assert away.json() == {"status": "unavailable", "database": "unavailable", "redis": "ok"}
    assert outage_client.get("/healthz").status_code == 200  # alive: no restart needed
    proxy.restore()
    assert outage_client.get("/readyz").status_code == 200


def test_pages_and_api_writes_answer_503_during_the_cut_and_nothing_is_saved(
        outage_client, proxy, committing_sessionmaker, caplog):
    csrf = signed_in(outage_client, "agent1")
    caplog.set_level(logging.WARNING)
    proxy.cut()
    page = outage_client.get("/cases")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "ระบบไม่พร้อมให้บริการชั่วคราว" in page.text
    assert page.headers["Retry-After"] == "10"
    english = outage_client.get("/cases?lang=en")
    assert "your work was not saved" in english.text
    toast = outage_client.get("/cases", headers={"HX-Request": "true"})
    assert toast.status_code == 503 and 'class="toast error"' in toast.text

    written = outage_client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": csrf})
    assert written.status_code == 503
    assert written.json() == {"error": "unavailable", "message": MESSAGE}
    assert written.headers["Retry-After"] == "10"
    form = outage_client.post("/cases/1/notes", data={"body": "x", "csrf_token": csrf})
    assert form.status_code == 503

    proxy.restore()
    assert outage_client.get("/cases").status_code == 200  # the same session, still signed in
    assert case_count(committing_sessionmaker) == 0
    # An outage is logged as one (a warning by error type), never as a server error.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert any("database unavailable (OperationalError)" in r.getMessage()
               for r in caplog.records)


def test_a_case_cut_off_after_its_rows_were_written_is_not_half_saved(
        outage_client, proxy, committing_sessionmaker, monkeypatch):
    csrf = signed_in(outage_client, "agent1")
    opened = cases.open_from_intake

    def open_then_lose_the_database(session, **kwargs):
        found = opened(session, **kwargs)
        session.flush()  # the case and its persons are written, not yet committed
        proxy.cut()
        return found

    monkeypatch.setattr(cases, "open_from_intake", open_then_lose_the_database)
    answer = outage_client.post("/api/cases", json=INTAKE, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"] == "unavailable"
    proxy.restore()
    assert case_count(committing_sessionmaker) == 0
