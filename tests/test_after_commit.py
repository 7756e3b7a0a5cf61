"""After-commit hooks: run once their transaction is committed, never after a rollback."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callcenter import after_commit
from callcenter.db import session_scope


def test_a_hook_waits_for_the_commit_and_runs_once(db_session: Session):
    ran: list[str] = []
    after_commit.register(db_session, lambda: ran.append("sent"))
    after_commit.run(db_session)
    assert ran == []  # not committed yet: nothing runs
    db_session.commit()
    assert ran == []  # the owner of the transaction runs the hooks, after its commit
    after_commit.run(db_session)
    after_commit.run(db_session)
    assert ran == ["sent"]


def test_a_rollback_drops_the_hooks_of_its_transaction(db_session: Session):
    ran: list[str] = []
    after_commit.register(db_session, lambda: ran.append("dropped"))
    db_session.rollback()
    db_session.commit()
    after_commit.run(db_session)
    assert ran == [] and after_commit.pending(db_session) == 0


def test_a_savepoint_leaves_the_hooks_to_the_outer_transaction(db_session: Session):
    ran: list[str] = []
    after_commit.register(db_session, lambda: ran.append("outer"))
    with db_session.begin_nested():
        pass  # released: the outer transaction is not committed yet
    after_commit.run(db_session)
    assert ran == []
    savepoint = db_session.begin_nested()
    savepoint.rollback()  # the outer transaction goes on, its hooks with it
    assert after_commit.pending(db_session) == 1
    db_session.commit()
    after_commit.run(db_session)
    assert ran == ["outer"]


def test_hooks_run_in_order_and_one_failing_does_not_stop_the_next(
        db_session: Session, caplog):
    ran: list[str] = []

    def broken() -> None:
        raise ConnectionError("redis away")

    after_commit.register(db_session, lambda: ran.append("first"))
    after_commit.register(db_session, broken)
    after_commit.register(db_session, lambda: ran.append("third"))
    db_session.commit()
    after_commit.run(db_session)
    assert ran == ["first", "third"]
    assert any("failed (ConnectionError)" in r.getMessage() for r in caplog.records)


def test_a_unit_of_work_runs_its_hooks_after_its_commit_only(db_session: Session):
    factory = sessionmaker(bind=db_session.connection(),
                           join_transaction_mode="create_savepoint")
    ran: list[str] = []
    with session_scope(factory) as session:
        after_commit.register(session, lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        after_commit.register(session, lambda: ran.append("rolled back"))
        raise RuntimeError("the job failed")
    assert ran == ["committed"]
