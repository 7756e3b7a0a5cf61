"""The one set of migrations runs both ways on PostgreSQL and SQLite, and matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from callcenter import migrate
from callcenter.db import make_engine
from callcenter.models import Base
from tests.conftest import create_database, drop_database

EXPECTED_TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request, tmp_path):
    if request.param == "postgresql":
        url = create_database("callcenter_migrations")
        yield url
        drop_database(url)
    else:
        yield f"sqlite:///{tmp_path}/roundtrip.sqlite3"


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def test_upgrade_to_head_downgrade_to_base_and_up_again(empty_database):
    migrate.upgrade(empty_database)
    assert tables(empty_database) == EXPECTED_TABLES
    migrate.downgrade(empty_database)
    assert tables(empty_database) == set()
    migrate.upgrade(empty_database)
    assert tables(empty_database) == EXPECTED_TABLES


def test_the_migrated_schema_matches_the_models(empty_database):
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_append_only_tables_refuse_changes_on_sqlite_too(tmp_path):
    url = f"sqlite:///{tmp_path}/guards.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_events (at, action, entity_type, entity_id) "
            "VALUES ('2026-11-23 00:00:00', 'case.view', 'case', '1')"
        ))
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
