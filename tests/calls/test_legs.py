"""A call's legs from the bridge: upserted by (call, seq) with the call, on PostgreSQL and
on SQLite (the demo), never twice, completed by a later write, never erased by one that
knows less."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from callcenter import migrate
from callcenter.ami.effects import CallRecord, LegRecord
from callcenter.calls import legs, service
from callcenter.calls.models import LegEnd
from callcenter.db import make_engine

T0 = datetime(2026, 12, 6, 4, 20, 30, tzinfo=UTC)


def transferred(*, finished: bool) -> CallRecord:
    first = LegRecord(seq=1, queue_name="violence", joined_at=T0,
                      answered_at=T0 + timedelta(seconds=2), agent_interface="PJSIP/agent1",
                      agent_name="agent1", wait_seconds=2, talk_seconds=5,
                      ended_at=T0 + timedelta(seconds=7), ended_how="transferred")
    second = LegRecord(seq=2, queue_name="trafficking", joined_at=T0 + timedelta(seconds=7))
    if finished:
        second.answered_at = T0 + timedelta(seconds=9)
        second.agent_interface, second.wait_seconds = "PJSIP/agent2", 2
        second.talk_seconds, second.ended_how = 8, "answered"
        second.ended_at = T0 + timedelta(seconds=17)
    return CallRecord(uniqueid="1796530815.0", started_at=T0, queue_name="violence",
                      legs=[first, second])


def write(session: Session, record: CallRecord) -> None:
    service.record_many(session, node="pbx1", records=[record])
    legs.record_many(session, node="pbx1", records=[record],
                     user_of=lambda leg: None)
    session.commit()


def check(session: Session) -> None:
    write(session, transferred(finished=False))
    write(session, transferred(finished=True))
    # A write that knows less (a bridge restarted mid-call adopts it anew) erases nothing.
    stale = transferred(finished=True)
    stale.legs[0].agent_name = None
    stale.legs[0].ended_how = None
    write(session, stale)
    session.expire_all()
    call = service.get(session, node="pbx1", uniqueid="1796530815.0")
    got = [(g.seq, g.queue_name, g.agent_interface, g.agent_name, g.wait_seconds,
            g.talk_seconds, g.ended_how) for g in legs.of_call(session, call.id)]
    assert got == [
        (1, "violence", "PJSIP/agent1", "agent1", 2, 5, LegEnd.TRANSFERRED),
        (2, "trafficking", "PJSIP/agent2", None, 2, 8, LegEnd.ANSWERED),
    ]


def test_legs_on_postgresql(committing_sessionmaker):
    with committing_sessionmaker() as session:
        check(session)


@pytest.fixture
def sqlite_session(tmp_path):
    url = f"sqlite:///{tmp_path}/legs.sqlite3"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_legs_on_sqlite(sqlite_session):
    check(sqlite_session)
