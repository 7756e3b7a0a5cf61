"""Case rules: opening with a number, moving through the workflow, linking calls."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases import numbering, policy
from callcenter.cases.models import Case, CaseCall, CaseSequence, CaseStatus, CaseStatusChange
from callcenter.db import utcnow
from callcenter.errors import NotFound
from callcenter.thaidate import buddhist_year


def next_number(session: Session, *, year_be: int) -> tuple[int, str]:
    """Take the next sequence of the year; concurrent callers each get their own.

    The row of the year is created if missing, then incremented with UPDATE …
    RETURNING: the row lock serialises concurrent openings until their commit, and a
    rolled-back transaction gives its number back unused, so no number is ever shown twice.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            pg_insert(CaseSequence)
            .values(year_be=year_be, last_value=0)
            .on_conflict_do_nothing(index_elements=["year_be"])
        )
    elif session.get(CaseSequence, year_be) is None:
        session.execute(insert(CaseSequence).values(year_be=year_be, last_value=0))
    sequence = session.execute(
        update(CaseSequence)
        .where(CaseSequence.year_be == year_be)
        .values(last_value=CaseSequence.last_value + 1)
        .returning(CaseSequence.last_value)
    ).scalar_one()
    return sequence, numbering.format_number(year_be, sequence)


def open_case(session: Session, *, created_by_id: int, **fields: object) -> Case:
    """Open a new case with the next number of the current Buddhist-era year."""
    now = utcnow()
    year_be = buddhist_year(now)
    sequence, number = next_number(session, year_be=year_be)
    case = Case(
        number=number,
        year_be=year_be,
        sequence=sequence,
        status=CaseStatus.NEW,
        created_by_id=created_by_id,
        owner_id=created_by_id,
        created_at=now,
        **fields,
    )
    session.add(case)
    session.flush()
    session.add(
        CaseStatusChange(
            case_id=case.id, from_status=None, to_status=CaseStatus.NEW,
            changed_by_id=created_by_id, changed_at=now,
        )
    )
    audit.record(
        session, actor_id=created_by_id, action="case.create", entity_type="case",
        entity_id=case.id,
    )
    return case


def get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def change_status(
    session: Session,
    case: Case,
    *,
    to: CaseStatus,
    actor_id: int,
    reason: str | None = None,
) -> Case:
    """Move a case along the workflow, refusing moves the workflow does not allow."""
    policy.check_move(case.status, to)
    now = utcnow()
    session.add(
        CaseStatusChange(
            case_id=case.id, from_status=case.status, to_status=to,
            changed_by_id=actor_id, changed_at=now, reason=reason,
        )
    )
    case.status = to
    case.closed_at = now if to is CaseStatus.CLOSED else None
    audit.record(
        session, actor_id=actor_id, action="case.status", entity_type="case", entity_id=case.id
    )
    return case


def link_call(session: Session, case: Case, *, call_id: int, actor_id: int | None) -> None:
    """Attach a call to a case; linking the same call twice is a no-op."""
    exists = session.execute(
        select(CaseCall).where(CaseCall.case_id == case.id, CaseCall.call_id == call_id)
    ).first()
    if exists is None:
        session.add(CaseCall(case_id=case.id, call_id=call_id, linked_by_id=actor_id))
