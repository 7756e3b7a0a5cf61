from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases import service
from callcenter.cases.models import Case, CaseNote, CaseStatus, CaseStatusChange, ClosureOutcome
from callcenter.db import utcnow
from callcenter.errors import InvalidTransition
from callcenter.thaidate import buddhist_year
from tests.support.audit_trail import audited


def agent_id(session) -> int:
    return session.execute(select(User.id).where(User.login == "agent1")).scalar_one()


def test_cases_are_numbered_in_sequence_within_the_buddhist_year(seeded_session):
    actor = agent_id(seeded_session)
    first = service.open_case(seeded_session, created_by_id=actor)
    second = service.open_case(seeded_session, created_by_id=actor)
    year = buddhist_year(utcnow())
    assert first.number.startswith(f"1300-{year}-")
    assert second.sequence == first.sequence + 1
    assert second.number == f"1300-{year}-{second.sequence:06d}"


def test_opening_a_case_records_its_first_status_and_an_audit_event(seeded_session):
    actor = agent_id(seeded_session)
    case = service.open_case(seeded_session, created_by_id=actor)
    changes = seeded_session.scalars(
        select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
    ).all()
    assert [(c.from_status, c.to_status) for c in changes] == [(None, CaseStatus.NEW)]
    audit = seeded_session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == str(case.id))
    ).all()
    assert [a.action for a in audit] == ["case.create"]
    audited(seeded_session, "case.create", actor_id=actor, entity_type="case",
            entity_id=case.id)


def test_invalid_status_changes_are_refused_and_leave_the_case_unchanged(seeded_session):
    actor = agent_id(seeded_session)
    case = service.open_case(seeded_session, created_by_id=actor)
    with pytest.raises(InvalidTransition):
        service.change_status(seeded_session, case, to=CaseStatus.DISPATCHED, actor_id=actor)
    assert case.status is CaseStatus.NEW
    service.change_status(seeded_session, case, to=CaseStatus.SCREENING, actor_id=actor)
    service.change_status(seeded_session, case, to=CaseStatus.DISPATCHED, actor_id=actor)
    service.change_status(seeded_session, case, to=CaseStatus.CLOSED, actor_id=actor,
                          outcome=ClosureOutcome.RESOLVED)
    assert case.closed_at is not None


def test_concurrent_openings_on_postgresql_get_unique_consecutive_numbers(
    engine, committing_sessionmaker
):
    from callcenter.seed import seed_all

    with committing_sessionmaker.begin() as session:
        seed_all(session, demo_users=True)
        actor = agent_id(session)

    def open_some(count: int) -> list[str]:
        numbers = []
        for _ in range(count):
            with committing_sessionmaker.begin() as session:
                numbers.append(service.open_case(session, created_by_id=actor).number)
        return numbers

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [n for batch in pool.map(open_some, [10] * 8) for n in batch]

    assert len(results) == len(set(results)) == 80
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in results)
    assert sequences == list(range(sequences[0], sequences[0] + 80))


def test_a_rolled_back_opening_does_not_leave_a_gap_or_a_duplicate(committing_sessionmaker):
    from callcenter.seed import seed_all

    with committing_sessionmaker.begin() as session:
        seed_all(session, demo_users=True)
        actor = agent_id(session)
    with committing_sessionmaker.begin() as session:
        first = service.open_case(session, created_by_id=actor).sequence
    session = committing_sessionmaker()
    service.open_case(session, created_by_id=actor)
    session.rollback()
    session.close()
    with committing_sessionmaker.begin() as session:
        assert service.open_case(session, created_by_id=actor).sequence == first + 1


def test_case_notes_are_append_only(seeded_session):
    actor = agent_id(seeded_session)
    case = service.open_case(seeded_session, created_by_id=actor)
    note = CaseNote(case_id=case.id, author_id=actor, body="โทรกลับแล้ว ไม่มีผู้รับสาย")
    seeded_session.add(note)
    seeded_session.flush()
    with pytest.raises(DBAPIError, match="append-only"), seeded_session.begin_nested():
        note.body = "changed"
        seeded_session.flush()
    with pytest.raises(DBAPIError, match="append-only"), seeded_session.begin_nested():
        seeded_session.delete(note)
        seeded_session.flush()


def test_linking_a_call_twice_is_harmless(seeded_session):
    from callcenter.calls.models import Call

    actor = agent_id(seeded_session)
    call = Call(node="pbx1", uniqueid="1795345000.1", started_at=utcnow())
    seeded_session.add(call)
    case = service.open_case(seeded_session, created_by_id=actor)
    seeded_session.flush()
    service.link_call(seeded_session, case, call_id=call.id, actor_id=actor)
    service.link_call(seeded_session, case, call_id=call.id, actor_id=actor)
    seeded_session.flush()
    assert seeded_session.get(Case, case.id) is case
