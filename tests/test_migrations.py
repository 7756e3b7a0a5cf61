"""The one set of migrations runs both ways on PostgreSQL and SQLite, and matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
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


def test_call_legs_backfill_gives_each_call_that_reached_a_queue_one_leg(empty_database):
    migrate.upgrade(empty_database, "0012")
    engine = make_engine(empty_database)
    insert = ("INSERT INTO calls (node, uniqueid, direction, started_at, queued_at, "
              "answered_at, ended_at, silent, queue_name, agent_interface, agent_name, "
              "outcome, wait_seconds, talk_seconds, updated_at) VALUES ('pbx1', :u, "
              "'inbound', '2026-11-23 01:00:00', :q, :a, '2026-11-23 01:05:00', false, "
              ":queue, :iface, :name, :outcome, :wait, :talk, '2026-11-23 01:05:00')")
    with engine.begin() as conn:
        conn.execute(text(insert), [
            {"u": "1.1", "q": "2026-11-23 01:00:30", "a": "2026-11-23 01:00:40",
             "queue": "violence", "iface": "PJSIP/agent1", "name": "agent1",
             "outcome": "answered", "wait": 10, "talk": 260},
            {"u": "1.2", "q": "2026-11-23 01:00:30", "a": None, "queue": "welfare",
             "iface": None, "name": None, "outcome": "queue_timeout", "wait": 300,
             "talk": None},
            {"u": "1.3", "q": None, "a": None, "queue": None, "iface": None, "name": None,
             "outcome": "ivr_hangup", "wait": None, "talk": None},
        ])
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        legs = conn.execute(text(
            "SELECT c.uniqueid, l.seq, l.queue_name, l.agent_interface, l.wait_seconds, "
            "l.talk_seconds, l.ended_how FROM call_legs l JOIN calls c ON c.id = l.call_id "
            "ORDER BY c.uniqueid")).all()
    engine.dispose()
    assert [tuple(row) for row in legs] == [
        ("1.1", 1, "violence", "PJSIP/agent1", 10, 260, "answered"),
        ("1.2", 1, "welfare", None, 300, None, "timeout"),
    ]


def test_calls_take_any_disposition_code_after_0018_and_keep_their_legs(empty_database):
    migrate.upgrade(empty_database, "0014")
    engine = make_engine(empty_database)
    insert = ("INSERT INTO calls (node, uniqueid, direction, started_at, silent, outcome, "
              "disposition, updated_at) VALUES ('pbx1', :u, 'inbound', "
              "'2026-11-23 01:00:00', false, 'answered', :d, '2026-11-23 01:05:00')")
    with engine.begin() as conn:
        conn.execute(text(insert), {"u": "1.1", "d": "prank"})
        conn.execute(text(
            "INSERT INTO call_legs (call_id, seq, queue_name) "
            "SELECT id, 1, 'violence' FROM calls"))
    with pytest.raises(Exception, match="(?i)check"), engine.begin() as conn:
        conn.execute(text(insert), {"u": "1.2", "d": "first_aid"})
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text(insert), {"u": "1.2", "d": "first_aid"})
        found = conn.execute(text("SELECT disposition FROM calls ORDER BY uniqueid")).scalars()
        assert list(found) == ["prank", "first_aid"]
        assert conn.execute(text("SELECT count(*) FROM call_legs")).scalar() == 1
        codes = conn.execute(text("SELECT code FROM dispositions ORDER BY position")).scalars()
        assert list(codes)[:2] == ["prank", "silent"]
        assert conn.execute(text("SELECT service_level_target, version FROM queues "
                                 "LIMIT 1")).all() == []
    engine.dispose()
    # Down again: the old CHECK is back, and a code it does not know is cleared.
    migrate.downgrade(empty_database, "0014")
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT disposition FROM calls ORDER BY uniqueid")).scalars()
        assert list(found) == ["prank", None]
    with pytest.raises(Exception, match="(?i)check"), engine.begin() as conn:
        conn.execute(text(insert), {"u": "1.3", "d": "first_aid"})
    engine.dispose()


def test_calls_linked_before_0027_become_phone_contacts_of_their_cases(empty_database):
    # The revision before 0027, whatever the parts merged meanwhile numbered it.
    before = ScriptDirectory.from_config(migrate.alembic_config(empty_database)) \
        .get_revision("0027").down_revision
    migrate.upgrade(empty_database, before)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (login, display_name, role, password_hash, languages, active, "
            "failed_logins, created_at) VALUES ('agent.x', 'Agent X', 'agent', 'x', '[]', "
            "true, 0, '2026-11-23 00:00:00')"))
        conn.execute(text(
            "INSERT INTO cases (number, year_be, sequence, status, urgency, risk, summary, "
            "consent, do_not_call_back, withhold_caller_id, created_by_id, created_at, "
            "updated_at) SELECT '1300-2569-000001', 2569, 1, 'screening', 'normal', '{}', "
            "'', 'given', false, false, id, '2026-11-23 01:00:00', '2026-11-23 01:00:00' "
            "FROM users"))
        conn.execute(text(
            "INSERT INTO calls (node, uniqueid, direction, started_at, silent, outcome, "
            "agent_user_id, updated_at) SELECT 'pbx1', '1.1', 'inbound', "
            "'2026-11-23 00:58:00', false, 'answered', id, '2026-11-23 01:05:00' FROM users"))
        conn.execute(text(
            "INSERT INTO case_calls (case_id, call_id, linked_at) "
            "SELECT cases.id, calls.id, '2026-11-23 01:00:00' FROM cases, calls"))
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT k.channel, k.call_id = c.id, u.login, k.attached_by_id FROM case_contacts k "
            "JOIN calls c ON c.uniqueid = '1.1' JOIN users u ON u.id = k.handled_by_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("phone", True, "agent.x", None)]


def test_cases_opened_before_0029_are_the_hotlines(empty_database):
    before = ScriptDirectory.from_config(migrate.alembic_config(empty_database)) \
        .get_revision("0029").down_revision
    migrate.upgrade(empty_database, before)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (login, display_name, role, password_hash, languages, active, "
            "failed_logins, created_at) VALUES ('agent.y', 'Agent Y', 'agent', 'x', '[]', "
            "true, 0, '2026-11-23 00:00:00')"))
        conn.execute(text(
            "INSERT INTO cases (number, year_be, sequence, status, urgency, risk, summary, "
            "consent, do_not_call_back, withhold_caller_id, created_by_id, created_at, "
            "updated_at, version) SELECT '1300-2569-000009', 2569, 9, 'screening', 'normal', "
            "'{}', '', 'given', false, false, id, '2026-11-23 01:00:00', "
            "'2026-11-23 01:00:00', 1 FROM users"))
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT channel, walk_in_agency_id, walk_in_place FROM cases")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("hotline", None, None)]
