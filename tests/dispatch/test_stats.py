from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from callcenter import migrate
from callcenter.db import make_engine, utcnow
from callcenter.dispatch import service, stats
from tests.support import builders

CONFIG = builders.settings()


def two_dispatches(session):
    """One acknowledged after 60 s and completed after an hour, one never answered."""
    world = builders.world(session)
    t0 = utcnow() - timedelta(hours=2)
    kw = {"unit_id": world.unit.id, "actor_id": world.member.id}
    done = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                          settings=CONFIG, now=t0)
    done.alerted_at = t0 + timedelta(seconds=2)
    service.acknowledge(session, done.id, now=t0 + timedelta(seconds=60), **kw)
    service.mark_on_scene(session, done.id, now=t0 + timedelta(minutes=30), **kw)
    service.complete(session, done.id, outcome="resolved", field_report="",
                     now=t0 + timedelta(hours=1), **kw)
    open_one = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                              settings=CONFIG, now=t0)
    session.flush()
    return world, done, open_one, t0


def check(session):
    world, done, open_one, t0 = two_dispatches(session)
    window = {"since": t0 - timedelta(minutes=1), "until": utcnow()}
    rows = {r.dispatch_id: r for r in stats.per_dispatch(session, **window)}
    assert rows[done.id].to_alert == pytest.approx(2, abs=0.01)
    assert rows[done.id].to_acknowledge == pytest.approx(60, abs=0.01)
    assert rows[done.id].to_on_scene == pytest.approx(1800, abs=0.01)
    assert rows[done.id].to_completion == pytest.approx(3600, abs=0.01)
    assert rows[open_one.id].to_acknowledge is None
    (province,) = stats.per_province(session, **window)
    assert (province.province_code, province.dispatches, province.acknowledged) == (
        world.province.code, 2, 1)
    # The open dispatch is left out of the average, not counted as zero.
    assert province.avg_to_acknowledge == pytest.approx(60, abs=0.01)
    assert province.max_to_acknowledge == pytest.approx(60, abs=0.01)


def test_response_intervals_per_dispatch_and_province_on_postgresql(db_session):
    check(db_session)


def test_response_intervals_are_the_same_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'stats.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        check(session)
    engine.dispose()
