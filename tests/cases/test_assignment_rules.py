"""Who may reassign a case and to whom: the pure rules, with literal values."""

import pytest

from callcenter.cases import assignment
from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict, DomainError, Forbidden, InvalidInput


def test_the_owner_a_supervisor_and_an_admin_may_reassign_and_no_other_agent():
    assert assignment.may_reassign(actor_id=7, actor_role="agent", owner_id=7)
    assert assignment.may_reassign(actor_id=1, actor_role="supervisor", owner_id=7)
    assert assignment.may_reassign(actor_id=1, actor_role="admin", owner_id=None)
    assert not assignment.may_reassign(actor_id=8, actor_role="agent", owner_id=7)
    assert not assignment.may_reassign(actor_id=8, actor_role="agent", owner_id=None)
    with pytest.raises(Forbidden):
        assignment.check_may_reassign(actor_id=8, actor_role="agent", owner_id=7)


def test_a_closed_case_is_not_reassigned():
    with pytest.raises(Conflict) as refused:
        assignment.check_open(CaseStatus.CLOSED)
    assert refused.value.field == "status"
    assignment.check_open(CaseStatus.FOLLOW_UP)


@pytest.mark.parametrize(("role", "active"), [
    ("unit_member", True), ("admin", True), ("agent", False), (None, False)])
def test_the_new_owner_is_an_active_agent_or_supervisor(role, active):
    with pytest.raises(InvalidInput) as refused:
        assignment.check_new_owner(role=role, active=active)
    assert refused.value.field == "owner_id"


def test_agents_and_supervisors_may_own_a_case():
    assignment.check_new_owner(role="agent", active=True)
    assignment.check_new_owner(role="supervisor", active=True)


def test_the_same_owner_and_team_is_refused_but_a_new_team_alone_is_a_change():
    with pytest.raises(Conflict, match="already has this owner and team"):
        assignment.check_changes(from_owner=3, to_owner=3, from_team=1, to_team=1)
    assignment.check_changes(from_owner=3, to_owner=3, from_team=1, to_team=None)
    assignment.check_changes(from_owner=3, to_owner=4, from_team=1, to_team=1)


@pytest.mark.parametrize("reason", [None, "", "   ", "ก" * 301])
def test_the_reason_is_required_and_at_most_300_characters(reason):
    with pytest.raises(DomainError) as refused:
        assignment.check_reason(reason)
    assert refused.value.field == "reason"


def test_the_reason_is_kept_trimmed():
    assert assignment.check_reason("  ส่งเวร ") == "ส่งเวร"
    assert assignment.check_reason("ก" * 300) == "ก" * 300


def test_the_cases_are_dealt_to_the_next_shift_in_turn():
    assert assignment.round_robin([10, 11, 12, 13, 14], [2, 3]) == [
        (10, 2), (11, 3), (12, 2), (13, 3), (14, 2)]
    assert assignment.round_robin([10], [5, 6, 7]) == [(10, 5)]
    with pytest.raises(InvalidInput) as refused:
        assignment.round_robin([10], [])
    assert refused.value.field == "to_owner_ids"
