"""What the reports' migration adds: the state history table, range indexes, statistics."""

from sqlalchemy import inspect, text


def test_the_migration_adds_the_tables_and_indexes_the_reports_read(engine):
    inspector = inspect(engine)
    assert "agent_state_changes" in inspector.get_table_names()
    indexes = {i["name"] for t in ("cases", "dispatches", "agent_state_changes")
               for i in inspector.get_indexes(t)}
    assert {"ix_cases_created_at", "ix_dispatches_created_at",
            "ix_agent_state_changes_interface_at"} <= indexes


def test_postgresql_knows_how_many_days_and_hours_a_year_of_calls_has(engine):
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT stxname FROM pg_statistic_ext")))
    assert {"calls_local_day", "calls_local_hour", "calls_local_hour_start",
            "cases_local_month"} <= names
