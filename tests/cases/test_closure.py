"""Closing through a supervisor's approval, sending a close back, reopening with a reason:
on the case's history, audited, and refused clearly when out of turn."""

from datetime import date

import pytest

from callcenter.cases import closure, service
from callcenter.cases.models import (
    CasePerson,
    CaseStatus,
    ClosureOutcome,
    ClosureState,
    PersonRole,
)
from callcenter.errors import Conflict, DomainError, Forbidden, StaleEdit
from callcenter.taxonomy import TargetGroup, Urgency
from tests.support.audit_trail import user_id


@pytest.fixture
def people(seeded_session):
    return user_id(seeded_session, "agent1"), user_id(seeded_session, "supervisor")


def screened(db, actor, **fields):
    case = service.open_case(db, created_by_id=actor, **fields)
    service.change_status(db, case, to=CaseStatus.SCREENING, actor_id=actor)
    return case


def actions(db, case):
    return [e.action for e in reversed(service.audit_trail(db, case))]


def test_an_agent_closes_a_normal_adult_case_at_once(seeded_session, people):
    agent, _ = people
    case = screened(seeded_session, agent)
    result = closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                           actor_id=agent, role="agent")
    assert result.closed and case.status is CaseStatus.CLOSED


def test_an_agents_close_of_an_urgent_case_waits_and_a_supervisors_approval_closes_it(
        seeded_session, people):
    agent, supervisor = people
    case = screened(seeded_session, agent, urgency=Urgency.IMMEDIATE)
    result = closure.close(seeded_session, case, outcome=ClosureOutcome.REFERRED,
                           actor_id=agent, role="agent", reason="พมจ. รับดูแลต่อ")
    assert not result.closed and case.status is CaseStatus.SCREENING
    assert [r.id for r, _ in closure.waiting(seeded_session)] == [result.request.id]

    closure.approve(seeded_session, result.request, actor_id=supervisor, role="supervisor",
                    version=1)
    seeded_session.flush()
    assert case.status is CaseStatus.CLOSED
    assert case.closure_outcome is ClosureOutcome.REFERRED
    assert result.request.state is ClosureState.APPROVED
    assert result.request.decided_by_id == supervisor
    last = service.status_history(seeded_session, case)[-1]
    assert (last.changed_by_id, last.reason) == (supervisor, "พมจ. รับดูแลต่อ")
    assert closure.waiting(seeded_session) == []
    assert {"case.closure_request.referred", "case.close.referred",
            "case.closure_approve"} <= set(actions(seeded_session, case))


def test_a_child_victim_makes_the_close_wait_for_a_supervisor(seeded_session, people):
    agent, _ = people
    case = screened(seeded_session, agent)
    seeded_session.add(CasePerson(case_id=case.id, role=PersonRole.VICTIM,
                                  birth_date=date(date.today().year - 10, 1, 1)))
    seeded_session.flush()
    assert not closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                             actor_id=agent, role="agent").closed
    other = screened(seeded_session, agent, target_group=TargetGroup.CHILD)
    assert closure.needs_approval(seeded_session, other, role="agent")


def test_a_supervisor_closing_an_urgent_case_needs_no_second_approval(seeded_session, people):
    _, supervisor = people
    case = screened(seeded_session, supervisor, urgency=Urgency.HIGH)
    assert closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                         actor_id=supervisor, role="supervisor").closed


def test_a_sent_back_close_leaves_the_case_open_with_the_supervisors_reason(
        seeded_session, people):
    agent, supervisor = people
    case = screened(seeded_session, agent, urgency=Urgency.HIGH)
    request = closure.close(seeded_session, case, outcome=ClosureOutcome.UNREACHABLE,
                            actor_id=agent, role="agent").request
    with pytest.raises(DomainError) as no_reason:
        closure.send_back(seeded_session, request, actor_id=supervisor, role="supervisor",
                          reason=" ")
    assert no_reason.value.field == "decision_reason"
    closure.send_back(seeded_session, request, actor_id=supervisor, role="supervisor",
                      reason="โทรติดตามอีกครั้งช่วงเย็น")
    assert case.status is CaseStatus.SCREENING
    assert request.state is ClosureState.SENT_BACK
    assert request.decision_reason == "โทรติดตามอีกครั้งช่วงเย็น"
    assert "case.closure_send_back" in actions(seeded_session, case)
    # Sent back, the agent may ask again.
    assert not closure.close(seeded_session, case, outcome=ClosureOutcome.UNREACHABLE,
                             actor_id=agent, role="agent").closed


def test_a_second_request_a_decided_request_and_a_stale_version_are_refused(
        seeded_session, people):
    agent, supervisor = people
    case = screened(seeded_session, agent, urgency=Urgency.HIGH)
    request = closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                            actor_id=agent, role="agent").request
    with pytest.raises(Conflict):
        closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                      actor_id=agent, role="agent")
    with pytest.raises(Forbidden):
        closure.approve(seeded_session, request, actor_id=agent, role="agent")
    closure.approve(seeded_session, request, actor_id=supervisor, role="supervisor", version=1)
    with pytest.raises(StaleEdit):
        closure.send_back(seeded_session, request, actor_id=supervisor, role="supervisor",
                          reason="ช้าไป", version=1)
    with pytest.raises(Conflict) as decided:
        closure.approve(seeded_session, request, actor_id=supervisor, role="supervisor")
    assert decided.value.field == "state"


def test_a_supervisor_closing_a_case_that_waits_decides_the_waiting_request(
        seeded_session, people):
    agent, supervisor = people
    case = screened(seeded_session, agent, urgency=Urgency.HIGH)
    request = closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED,
                            actor_id=agent, role="agent").request
    closure.close(seeded_session, case, outcome=ClosureOutcome.DUPLICATE,
                  actor_id=supervisor, role="supervisor")
    assert request.state is ClosureState.APPROVED
    assert case.closure_outcome is ClosureOutcome.DUPLICATE


def test_reopening_needs_a_reason_and_a_closed_case(seeded_session, people):
    agent, _ = people
    case = screened(seeded_session, agent)
    with pytest.raises(DomainError):
        closure.reopen(seeded_session, case, actor_id=agent, reason="ยังต้องช่วย")
    closure.close(seeded_session, case, outcome=ClosureOutcome.RESOLVED, actor_id=agent,
                  role="agent")
    with pytest.raises(DomainError) as no_reason:
        closure.reopen(seeded_session, case, actor_id=agent, reason="")
    assert no_reason.value.field == "reason" and case.status is CaseStatus.CLOSED
    closure.reopen(seeded_session, case, actor_id=agent, reason="ผู้เสียหายโทรมาอีกครั้ง")
    assert case.status is CaseStatus.FOLLOW_UP and case.closure_outcome is None
    assert service.status_history(seeded_session, case)[-1].reason == "ผู้เสียหายโทรมาอีกครั้ง"
    assert "case.reopen" in actions(seeded_session, case)


def test_two_agents_asking_to_close_at_the_same_moment_leave_one_request(
        committing_sessionmaker):
    import threading

    from sqlalchemy import func, select

    from callcenter.cases.models import ClosureRequest
    from callcenter.seed import seed_all

    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        agent = user_id(session, "agent1")
        case_id = screened(session, agent, urgency=Urgency.IMMEDIATE).id
        session.commit()
    first = committing_sessionmaker()
    closure.close(first, service.get(first, case_id), outcome=ClosureOutcome.RESOLVED,
                  actor_id=agent, role="agent")  # flushed, not yet committed
    refused: list[Exception] = []

    def second() -> None:
        with committing_sessionmaker() as session:
            try:
                # Sees no waiting request yet; its insert waits on the unique index.
                closure.close(session, service.get(session, case_id),
                              outcome=ClosureOutcome.PRANK, actor_id=agent, role="agent")
                session.commit()
            except Conflict as exc:
                refused.append(exc)

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(1)
    first.commit()
    first.close()
    racer.join(30)
    assert len(refused) == 1 and refused[0].field == "status"
    with committing_sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(ClosureRequest)) == 1
