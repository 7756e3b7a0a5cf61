import pytest
from sqlalchemy.exc import IntegrityError

from callcenter.calls.models import Call, CallOutcome
from callcenter.db import utcnow


def test_a_call_is_unique_per_node_and_uniqueid(db_session):
    db_session.add(Call(node="pbx1", uniqueid="1795345000.7", started_at=utcnow()))
    db_session.flush()
    # The same uniqueid on another node is another call.
    db_session.add(Call(node="pbx2", uniqueid="1795345000.7", started_at=utcnow()))
    db_session.flush()
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Call(node="pbx1", uniqueid="1795345000.7", started_at=utcnow()))
        db_session.flush()


def test_a_new_call_is_in_progress_with_timezone_aware_times(db_session):
    call = Call(node="pbx1", uniqueid="1795345000.8", started_at=utcnow())
    db_session.add(call)
    db_session.flush()
    db_session.expire(call)
    assert call.outcome is CallOutcome.IN_PROGRESS
    assert call.started_at.tzinfo is not None


def test_an_unknown_outcome_is_refused_by_the_database(db_session):
    from sqlalchemy import text

    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            text(
                "INSERT INTO calls (node, uniqueid, direction, started_at, silent, outcome,"
                " updated_at) VALUES ('n', 'u', 'inbound', now(), false, 'lost', now())"
            )
        )
