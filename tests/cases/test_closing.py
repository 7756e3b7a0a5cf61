"""Closing a case names its outcome: refused without one, kept on the case while closed,
on the closing's status change and audit row for good."""

import pytest
from sqlalchemy import select

from callcenter.cases import policy, service
from callcenter.cases.models import CaseStatus, CaseStatusChange, ClosureOutcome
from callcenter.errors import DomainError
from tests.support.audit_trail import audited, user_id


def test_the_policy_wants_an_outcome_to_close_and_none_otherwise():
    policy.check_outcome(CaseStatus.CLOSED, ClosureOutcome.DUPLICATE)
    policy.check_outcome(CaseStatus.FOLLOW_UP, None)
    with pytest.raises(DomainError) as missing:
        policy.check_outcome(CaseStatus.CLOSED, None)
    assert missing.value.field == "outcome"
    with pytest.raises(DomainError) as stray:
        policy.check_outcome(CaseStatus.REFERRED, ClosureOutcome.RESOLVED)
    assert stray.value.field == "outcome"


def test_closing_without_an_outcome_leaves_the_case_and_its_history_as_they_were(seeded_session):
    actor = user_id(seeded_session, "agent1")
    case = service.open_case(seeded_session, created_by_id=actor)
    with pytest.raises(DomainError):
        service.change_status_by_hand(seeded_session, case, to=CaseStatus.CLOSED, actor_id=actor)
    assert case.status is CaseStatus.NEW and case.closed_at is None
    assert [c.to_status for c in service.status_history(seeded_session, case)] \
        == [CaseStatus.NEW]


def test_closing_keeps_the_outcome_on_the_case_its_status_change_and_audit_row(seeded_session):
    actor = user_id(seeded_session, "agent1")
    case = service.open_case(seeded_session, created_by_id=actor)
    service.change_status_by_hand(seeded_session, case, to=CaseStatus.CLOSED, actor_id=actor,
                                  outcome=ClosureOutcome.PRANK, reason="ก่อกวนซ้ำ")
    seeded_session.flush()
    assert case.closure_outcome is ClosureOutcome.PRANK and case.closed_at is not None
    closing = service.status_history(seeded_session, case)[-1]
    assert (closing.to_status, closing.outcome, closing.changed_by_id) \
        == (CaseStatus.CLOSED, ClosureOutcome.PRANK, actor)
    audited(seeded_session, "case.close.prank", actor_id=actor, entity_type="case",
            entity_id=case.id)


def test_reopening_clears_the_current_outcome_but_not_the_closings_in_the_history(
        seeded_session):
    actor = user_id(seeded_session, "agent1")
    case = service.open_case(seeded_session, created_by_id=actor)
    service.change_status(seeded_session, case, to=CaseStatus.CLOSED, actor_id=actor,
                          outcome=ClosureOutcome.UNREACHABLE)
    service.change_status(seeded_session, case, to=CaseStatus.FOLLOW_UP, actor_id=actor,
                          reason="โทรกลับมา")
    service.change_status(seeded_session, case, to=CaseStatus.CLOSED, actor_id=actor,
                          outcome=ClosureOutcome.RESOLVED)
    seeded_session.flush()
    assert case.closure_outcome is ClosureOutcome.RESOLVED
    outcomes = seeded_session.scalars(
        select(CaseStatusChange.outcome).where(CaseStatusChange.case_id == case.id)
        .order_by(CaseStatusChange.id)).all()
    assert outcomes == [None, ClosureOutcome.UNREACHABLE, None, ClosureOutcome.RESOLVED]
