"""Closing a case, with a supervisor's approval where the policy asks for one, and
reopening it with a reason. Takes the session, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases import merging, policy, service
from callcenter.cases.models import (
    Case,
    CasePerson,
    CaseStatus,
    ClosureOutcome,
    ClosureRequest,
    ClosureState,
    PersonRole,
)
from callcenter.db import utcnow
from callcenter.errors import Conflict, NotFound, StaleEdit


@dataclass(frozen=True)
class CloseResult:
    case: Case
    # Set when the close waits for a supervisor instead of closing the case.
    request: ClosureRequest | None = None

    @property
    def closed(self) -> bool:
        return self.request is None


def _age(person: CasePerson, today: date) -> int | None:
    if person.age_years is not None:
        return person.age_years
    if person.birth_date is None:
        return None
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def victim_ages(session: Session, case: Case) -> list[int | None]:
    today = utcnow().date()
    return [_age(p, today) for p in session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id,
                                 CasePerson.role == PersonRole.VICTIM))]


def needs_approval(session: Session, case: Case, *, role: str) -> bool:
    return policy.needs_approval(urgency=case.urgency, target_group=case.target_group,
                                 victim_ages=victim_ages(session, case), closer_role=role)


def pending_for(session: Session, case: Case) -> ClosureRequest | None:
    return session.scalars(select(ClosureRequest).where(
        ClosureRequest.case_id == case.id, ClosureRequest.state == ClosureState.PENDING)).first()


def close(session: Session, case: Case, *, outcome: ClosureOutcome | None, actor_id: int,
          role: str, reason: str | None = None) -> CloseResult:
    """Close the case, or ask a supervisor to when the policy wants an approval."""
    policy.check_move_by_hand(case.status, CaseStatus.CLOSED)
    policy.check_outcome(CaseStatus.CLOSED, outcome)
    assert outcome is not None  # check_outcome refused the missing one
    waiting = pending_for(session, case)
    if not needs_approval(session, case, role=role):
        if waiting is not None:
            # A supervisor closing a case someone asked to close decides that request.
            _decide(waiting, state=ClosureState.APPROVED, actor_id=actor_id, reason=None)
        service.change_status(session, case, to=CaseStatus.CLOSED, actor_id=actor_id,
                              reason=reason, outcome=outcome)
        return CloseResult(case)
    if waiting is not None:
        raise Conflict("this case's closing is already waiting for a supervisor",
                       field="status")
    request = ClosureRequest(case_id=case.id, outcome=outcome, reason=reason,
                             requested_by_id=actor_id, requested_at=utcnow())
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # Another agent's request won the race on the one-pending-per-case index.
        raise Conflict("this case's closing is already waiting for a supervisor",
                       field="status") from None
    audit.record(session, actor_id=actor_id, action=f"case.closure_request.{outcome.value}",
                 entity_type="case", entity_id=case.id)
    return CloseResult(case, request)


def get_request(session: Session, request_id: int) -> ClosureRequest:
    row = session.get(ClosureRequest, request_id)
    if row is None:
        raise NotFound(f"closure request {request_id} not found")
    return row


def _check_open(request: ClosureRequest, version: int | None) -> None:
    if version is not None and version != request.version:
        raise StaleEdit(changed={"state": request.state.value})
    if request.state is not ClosureState.PENDING:
        raise Conflict("this closure was already decided", field="state")


def _decide(request: ClosureRequest, *, state: ClosureState, actor_id: int,
            reason: str | None) -> None:
    request.state = state
    request.decided_by_id = actor_id
    request.decided_at = utcnow()
    request.decision_reason = reason
    request.version += 1


def approve(session: Session, request: ClosureRequest, *, actor_id: int, role: str,
            version: int | None = None) -> Case:
    """The supervisor agrees: the case closes with the outcome the agent asked for."""
    policy.check_may_decide(role)
    _check_open(request, version)
    case = service.get(session, request.case_id)
    _decide(request, state=ClosureState.APPROVED, actor_id=actor_id, reason=None)
    service.change_status(session, case, to=CaseStatus.CLOSED, actor_id=actor_id,
                          reason=request.reason, outcome=request.outcome)
    audit.record(session, actor_id=actor_id, action="case.closure_approve",
                 entity_type="case", entity_id=case.id)
    return case


def send_back(session: Session, request: ClosureRequest, *, actor_id: int, role: str,
              reason: str | None, version: int | None = None) -> Case:
    """The supervisor disagrees: the case stays open, the reason tells the agent why."""
    policy.check_may_decide(role)
    text = policy.check_reason(reason, field="decision_reason")
    _check_open(request, version)
    _decide(request, state=ClosureState.SENT_BACK, actor_id=actor_id, reason=text)
    # The reason is the supervisor's words about the work, kept on the request; the
    # trail records only that it was sent back.
    audit.record(session, actor_id=actor_id, action="case.closure_send_back",
                 entity_type="case", entity_id=request.case_id)
    return service.get(session, request.case_id)


def reopen(session: Session, case: Case, *, actor_id: int, reason: str | None) -> Case:
    """A closed case goes back to follow-up; the reason is on its status change."""
    if case.status is not CaseStatus.CLOSED:
        raise Conflict("only a closed case is reopened", field="status")
    policy.check_move_by_hand(case.status, CaseStatus.FOLLOW_UP)
    taken = merging.merged_into(session, case.id)
    if taken is not None:
        # Its work is on the target now: reopening would leave an empty case open.
        raise Conflict(f"case {case.id} was merged into case {taken.target_case_id}: an "
                       "admin undoes the merge instead", field="merged_into")
    text = policy.check_reason(reason)
    service.change_status(session, case, to=CaseStatus.FOLLOW_UP, actor_id=actor_id,
                          reason=text)
    audit.record(session, actor_id=actor_id, action="case.reopen", entity_type="case",
                 entity_id=case.id)
    return case


def requests_of(session: Session, case: Case) -> list[ClosureRequest]:
    """Every closure request of the case, oldest first, for its timeline."""
    return list(session.scalars(select(ClosureRequest).where(
        ClosureRequest.case_id == case.id).order_by(ClosureRequest.id)))


def waiting(session: Session, *, limit: int = 200) -> list[tuple[ClosureRequest, Case]]:
    """The closures waiting for a supervisor, oldest first."""
    return [(r, c) for r, c in session.execute(
        select(ClosureRequest, Case).join(Case, Case.id == ClosureRequest.case_id)
        .where(ClosureRequest.state == ClosureState.PENDING)
        .order_by(ClosureRequest.requested_at, ClosureRequest.id).limit(limit))]


def move_by_hand(session: Session, case: Case, *, to: CaseStatus, actor_id: int, role: str,
                 reason: str | None = None,
                 outcome: ClosureOutcome | None = None) -> CloseResult:
    """The case file's status move, page and API alike: closing goes through approval
    where it needs one, reopening a closed case needs its reason, the rest as before."""
    if to is CaseStatus.CLOSED:
        return close(session, case, outcome=outcome, actor_id=actor_id, role=role,
                     reason=reason)
    if case.status is CaseStatus.CLOSED:
        policy.check_move_by_hand(case.status, to)
        policy.check_outcome(to, outcome)
        return CloseResult(reopen(session, case, actor_id=actor_id, reason=reason))
    return CloseResult(service.change_status_by_hand(session, case, to=to, actor_id=actor_id,
                                                     reason=reason, outcome=outcome))
