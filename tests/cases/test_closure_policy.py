"""Which closes wait for a supervisor, and the reasons reopening and sending back need."""

import pytest

from callcenter.cases import policy
from callcenter.errors import DomainError, Forbidden
from callcenter.taxonomy import TargetGroup, Urgency


def needs(urgency=Urgency.NORMAL, target_group=None, ages=(), role="agent"):
    return policy.needs_approval(urgency=urgency, target_group=target_group,
                                 victim_ages=ages, closer_role=role)


def test_an_agent_closing_an_immediate_or_high_urgency_case_needs_a_supervisor():
    assert needs(Urgency.IMMEDIATE) and needs(Urgency.HIGH)
    assert not needs(Urgency.NORMAL) and not needs(Urgency.LOW)


def test_a_childs_case_needs_a_supervisor_by_target_group_or_a_victim_under_eighteen():
    assert needs(target_group=TargetGroup.CHILD)
    assert needs(ages=(40, 17))
    assert not needs(ages=(18, None))


def test_supervisors_and_admins_closing_themselves_need_no_second_approval():
    assert not needs(Urgency.IMMEDIATE, TargetGroup.CHILD, role="supervisor")
    assert not needs(Urgency.HIGH, role="admin")


def test_a_reason_is_required_trimmed_and_bounded():
    assert policy.check_reason("  ญาติแจ้งว่ายังต้องการความช่วยเหลือ ") \
        == "ญาติแจ้งว่ายังต้องการความช่วยเหลือ"
    for bad in (None, "", "   ", "ก" * 301):
        with pytest.raises(DomainError) as refused:
            policy.check_reason(bad)
        assert refused.value.field == "reason"


def test_only_supervisors_and_admins_decide_a_closure():
    policy.check_may_decide("supervisor")
    policy.check_may_decide("admin")
    with pytest.raises(Forbidden):
        policy.check_may_decide("agent")
