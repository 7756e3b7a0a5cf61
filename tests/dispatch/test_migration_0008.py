"""Revision 0008 gives dispatches their own text for the unit: a dispatch made before it
gets an empty one, never a copy of the case's summary (PostgreSQL and SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from callcenter import migrate
from callcenter.db import make_engine
from tests.conftest import create_database, drop_database
from tests.dispatch.test_migration_0007 import NOW, ROWS


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request, tmp_path):
    if request.param == "postgresql":
        url = create_database("callcenter_m0008")
        yield url
        drop_database(url)
    else:
        yield f"sqlite:///{tmp_path}/m0008.sqlite3"


def test_0008_gives_old_dispatches_an_empty_brief_and_goes_back(database):
    migrate.upgrade(database, "0006")
    engine = make_engine(database)
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"now": NOW})
    migrate.upgrade(database, "0008")
    with engine.begin() as conn:
        brief, summary = conn.execute(text(
            "SELECT d.unit_brief, c.summary FROM dispatches d JOIN cases c ON c.id = d.case_id"
        )).one()
        assert (brief, summary) == ("", "s")
        conn.execute(text("UPDATE dispatches SET unit_brief = 'ไปที่บ้าน' WHERE id = 1"))
    engine.dispose()

    migrate.downgrade(database, "0007")
    engine = make_engine(database)
    assert "unit_brief" not in {c["name"] for c in inspect(engine).get_columns("dispatches")}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM dispatch_events")).scalar() == 2
    engine.dispose()
    migrate.upgrade(database, "0008")
