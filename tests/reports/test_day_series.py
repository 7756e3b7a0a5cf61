"""The wallboard's day series read from the call records, on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from callcenter import migrate
from callcenter.calls.models import CallDirection, CallOutcome
from callcenter.db import make_engine
from callcenter.reports import day_series
from callcenter.thaidate import BANGKOK
from tests.support.builders import CallSpec, add_call

# 10:50 in Bangkok on a Monday; last week's Monday is 30 Nov.
NOW = datetime(2026, 12, 7, 10, 50, tzinfo=BANGKOK)


def local(day: int, hour: int, minute: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


def build(session: Session) -> None:
    # add_call queues each call 8 s after it starts and ends it 5 min after.
    for spec in (
        CallSpec(local(7, 9, 1), wait=10, talk=120, agent="PJSIP/agent1"),
        CallSpec(local(7, 9, 2), wait=40, talk=60, agent="PJSIP/agent1"),
        CallSpec(local(7, 9, 20), CallOutcome.ABANDONED, wait=30),
        CallSpec(local(7, 9, 21), CallOutcome.ABANDONED, wait=3),  # short: not an abandon
        CallSpec(local(7, 9, 22), wait=5, talk=30, agent="PJSIP/agent2"),
        CallSpec(local(7, 9, 23), direction=CallDirection.OUTBOUND),  # not offered
        CallSpec(local(7, 9, 24), queue=None),  # never reached a queue
        CallSpec(local(6, 23, 59), wait=5),  # yesterday
        CallSpec(local(30, 9, 5, month=11), wait=5),  # the same Monday last week
        CallSpec(local(30, 9, 6, month=11), CallOutcome.ABANDONED, wait=20),
    ):
        add_call(session, spec)
    session.flush()


def figures(session: Session) -> dict:
    build(session)
    return day_series.day(session, NOW, thresholds={"violence": 20})


def check(data: dict) -> None:
    nine = 9 * 4
    today, week = data["today"], data["last_week"]
    assert data["labels"][nine] == "09:00"
    assert (today["offered"][nine], today["answered"][nine], today["abandoned"][nine]) == (2, 2, 0)
    assert (today["offered"][nine + 1], today["answered"][nine + 1],
            today["abandoned"][nine + 1]) == (3, 1, 1)
    assert sum(v or 0 for v in today["offered"]) == 5
    assert today["offered"][nine + 8] is None  # 11:00: still to come at 10:50
    assert (week["offered"][nine], week["answered"][nine], week["abandoned"][nine]) == (2, 1, 1)
    # Each call ends 5 min after it starts. By 09:15: one of two answered in time; by
    # 09:30 also one in time and one abandoned after waiting (the 3 s one is left out).
    assert data["service_level"][nine - 1] is None
    assert data["service_level"][nine] == 50.0
    assert data["service_level"][nine + 1] == 50.0  # 2 in time of 3 answered + 1 abandoned
    assert data["service_level"][nine + 7] == 50.0 and data["service_level"][nine + 8] is None
    # Every caller was answered or gone within a minute: nobody waits at a quarter's end.
    assert data["waiting"][nine] == 0 and data["waiting"][nine + 8] is None
    assert data["agents"] == {
        "PJSIP/agent1": {"name": "สมหญิง ใจดี", "calls": 2, "talk_seconds": 180},
        "PJSIP/agent2": {"name": "สมหญิง ใจดี", "calls": 1, "talk_seconds": 30}}


def test_the_day_series_on_postgresql_match_a_hand_count(db_session):
    check(figures(db_session))


@pytest.fixture
def sqlite_session(tmp_path):
    url = f"sqlite:///{tmp_path}/series.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_the_day_series_on_sqlite_are_the_same(db_session, sqlite_session):
    on_sqlite = figures(sqlite_session)
    assert on_sqlite == figures(db_session)
    check(on_sqlite)
