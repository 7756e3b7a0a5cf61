"""A case's calls as the three-way features see them: who was dialled in, and whether a
call has a case (which ends an agent's owed wrap-up)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from callcenter.calls import guests
from callcenter.calls.guest_models import CallGuest
from callcenter.cases.models import CaseCall


def of_case(session: Session, case_id: int) -> list[CallGuest]:
    """The interpreters and services of every call attached to the case."""
    call_ids = session.scalars(select(CaseCall.call_id).where(CaseCall.case_id == case_id))
    return guests.of_calls(session, call_ids)


def call_has_case(session: Session, call_id: int) -> bool:
    return bool(session.scalar(select(exists().where(CaseCall.call_id == call_id))))
