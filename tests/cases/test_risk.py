"""The risk checklist's urgency suggestion, with literal answers."""

import pytest

from callcenter.cases.risk import FLOOR, is_below_suggestion, suggested_urgency
from callcenter.cases.schemas import RISK_QUESTIONS
from callcenter.taxonomy import Urgency


def test_every_checklist_question_has_a_floor():
    assert set(FLOOR) == set(RISK_QUESTIONS)


@pytest.mark.parametrize(("risk", "suggested"), [
    ({}, None),
    ({"in_danger_now": False, "weapon": False}, None),
    ({"in_danger_now": True}, Urgency.IMMEDIATE),
    ({"child_alone": True}, Urgency.IMMEDIATE),
    ({"weapon": True}, Urgency.IMMEDIATE),
    ({"suicide_risk": True}, Urgency.IMMEDIATE),
    ({"injured": True}, Urgency.HIGH),
    ({"perpetrator_present": True}, Urgency.HIGH),
    ({"injured": True, "perpetrator_present": False}, Urgency.HIGH),
    # Hurt and still with the person who hurt them: in danger now.
    ({"injured": True, "perpetrator_present": True}, Urgency.IMMEDIATE),
    ({"injured": True, "child_alone": True}, Urgency.IMMEDIATE),
])
def test_the_ticked_risks_suggest_the_highest_urgency_they_call_for(risk, suggested):
    assert suggested_urgency(risk) is suggested


@pytest.mark.parametrize(("urgency", "risk", "below"), [
    (Urgency.NORMAL, {"child_alone": True}, True),
    (Urgency.HIGH, {"weapon": True}, True),
    (Urgency.IMMEDIATE, {"weapon": True}, False),
    (Urgency.HIGH, {"injured": True}, False),
    (Urgency.IMMEDIATE, {"injured": True}, False),  # above the suggestion is the agent's call
    (Urgency.LOW, {}, False),
])
def test_a_case_below_its_suggestion_is_pointed_out(urgency, risk, below):
    assert is_below_suggestion(urgency, risk) is below
