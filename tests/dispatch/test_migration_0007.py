"""Revision 0007 on a database that already holds dispatches and their (append-only)
timeline: it upgrades in place on PostgreSQL and SQLite, and goes back again."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from callcenter import migrate
from callcenter.db import make_engine
from tests.conftest import create_database, drop_database

NOW = "2026-11-30 08:00:00+00:00"
ROWS = [
    "INSERT INTO provinces (code, name_th, name_en, region) "
    "VALUES ('TH-50', 'เชียงใหม่', 'Chiang Mai', 'north')",
    "INSERT INTO response_units (id, code, province_code, name_th, name_en, active) "
    "VALUES (1, 'RRU-TH-50', 'TH-50', 'หน่วย', 'Unit', true)",
    "INSERT INTO unit_contacts (id, unit_id, position, channel, address, label) VALUES "
    "(1, 1, 1, 'console', '', 'console'), (2, 1, 2, 'voice', '0990000050', 'duty phone'), "
    "(3, 1, 3, 'line', 'Uabc', 'line'), (4, 1, 4, 'email', 'rru@x.test', 'mail')",
    "INSERT INTO users (id, login, display_name, password_hash, role, languages, active, "
    "failed_logins, created_at) VALUES (1, 'agent', 'A', 'x', 'agent', '[]', true, 0, :now)",
    "INSERT INTO cases (id, number, year_be, sequence, status, urgency, risk, summary, "
    "consent, do_not_call_back, withhold_caller_id, created_by_id, created_at, updated_at) "
    "VALUES (1, '1300-2569-000001', 2569, 1, 'dispatched', 'high', '{}', 's', 'given', "
    "false, false, 1, :now, :now)",
    "INSERT INTO dispatches (id, case_id, unit_id, status, urgency, created_by_id, created_at) "
    "VALUES (1, 1, 1, 'escalated', 'high', 1, :now)",
    "INSERT INTO dispatch_events (dispatch_id, status, at) VALUES (1, 'created', :now), "
    "(1, 'escalated', :now)",
    "INSERT INTO alerts (dispatch_id, channel, idempotency_key, status, created_at, "
    "next_attempt_at, attempt_count) VALUES (1, 'console', 'k1', 'delivered', :now, :now, 1)",
]


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request, tmp_path):
    if request.param == "postgresql":
        url = create_database("callcenter_m0007")
        yield url
        drop_database(url)
    else:
        yield f"sqlite:///{tmp_path}/m0007.sqlite3"


def test_0007_upgrades_and_downgrades_a_database_with_history(database):
    migrate.upgrade(database, "0006")
    engine = make_engine(database)
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"now": NOW})
    migrate.upgrade(database, "0007")
    with engine.begin() as conn:
        roles = conn.execute(text("SELECT channel, role FROM unit_contacts ORDER BY id")).all()
        assert [r for _, r in roles] == ["duty_console", "duty_phone", "duty_line",
                                         "duty_email"]
        assert conn.execute(text("SELECT count(*) FROM dispatch_events")).scalar() == 2
        conn.execute(text("UPDATE dispatches SET status = 'cancelled', cancelled_at = :now, "
                          "cancel_reason = 'duplicate' WHERE id = 1"), {"now": NOW})
        conn.execute(text("INSERT INTO dispatch_events (dispatch_id, status, at, note) "
                          "VALUES (1, 'cancelled', :now, 'duplicate')"), {"now": NOW})
    with pytest.raises(Exception, match="(?i)check"), engine.begin() as conn:
        conn.execute(text("UPDATE dispatches SET status = 'lost' WHERE id = 1"))
    engine.dispose()

    migrate.downgrade(database, "0006")
    engine = make_engine(database)
    with engine.begin() as conn:
        status, reason = conn.execute(
            text("SELECT status, decline_reason FROM dispatches WHERE id = 1")).one()
        assert (status, reason) == ("declined", "duplicate")
        assert conn.execute(text("SELECT count(*) FROM dispatch_events")).scalar() == 3
    engine.dispose()
    migrate.upgrade(database, "0007")
