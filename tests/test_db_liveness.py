"""A pooled connection the database server ended is replaced before a request uses it,
and checking a live one out asks the server nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from callcenter.db import make_engine
from callcenter.db_liveness import closed_by_server
from tests.conftest import _admin_engine


@pytest.fixture
def small_engine(pg_url: str):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def end_backend(pid: int) -> None:
    """What a server restart does to each of its connections, done to one."""
    admin = _admin_engine()
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        for _ in range(100):  # the backend says goodbye, then is gone
            if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                {"pid": pid}).scalar():
                break
            time.sleep(0.02)
    admin.dispose()


def test_a_connection_the_server_ended_is_replaced_on_checkout_and_the_work_succeeds(
        small_engine):
    first = backend_pid(small_engine)  # now idle in the pool
    end_backend(first)
    with small_engine.connect() as conn:  # no error reaches the caller
        assert conn.execute(text("SELECT 1")).scalar() == 1
        second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert second != first


def test_an_idle_live_connection_is_seen_as_live_and_an_ended_one_as_closed(small_engine):
    with small_engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        conn.rollback()  # idle, as the pool keeps it
        assert not closed_by_server(raw)
        end_backend(pid)
        assert closed_by_server(raw)
        conn.invalidate()


def test_checking_a_live_connection_out_sends_the_server_nothing(small_engine, tmp_path: Path):
    backend_pid(small_engine)  # one connection, idle in the pool
    trace = tmp_path / "libpq.trace"
    with small_engine.connect() as conn:
        pgconn = conn.connection.dbapi_connection.pgconn
    with trace.open("w") as sink:
        pgconn.trace(sink.fileno())  # libpq writes every message it sends or receives
        try:
            with small_engine.connect() as conn:
                assert conn.connection.dbapi_connection.pgconn is pgconn  # the same one
        finally:
            pgconn.untrace()
    assert trace.read_text() == ""
