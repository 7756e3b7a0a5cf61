"""The risk checklist's suggestion: the least urgency the ticked risks call for. Pure.

The intake form shows it beside the urgency and the agent may choose otherwise; the
server never raises the urgency by itself (docs/console.md says why). The case file
points out a case whose urgency is below what its risks suggest.
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter.taxonomy import Urgency

# Lowest first: a suggestion is a floor on this scale.
ORDER = (Urgency.LOW, Urgency.NORMAL, Urgency.HIGH, Urgency.IMMEDIATE)

# What each question of ``schemas.RISK_QUESTIONS`` calls for on its own.
FLOOR: dict[str, Urgency] = {
    # Someone's life or safety is at stake now: the rapid-response unit goes at once.
    "in_danger_now": Urgency.IMMEDIATE,
    "child_alone": Urgency.IMMEDIATE,
    "weapon": Urgency.IMMEDIATE,
    "suicide_risk": Urgency.IMMEDIATE,
    # Serious, but the person may be safe for the moment (at a neighbour's, at hospital).
    "perpetrator_present": Urgency.HIGH,
    "injured": Urgency.HIGH,
}

# Risks that together call for more than each alone: hurt and still with the person
# who hurt them is being in danger now.
TOGETHER: tuple[tuple[frozenset[str], Urgency], ...] = (
    (frozenset({"injured", "perpetrator_present"}), Urgency.IMMEDIATE),
)


def rank(urgency: Urgency) -> int:
    return ORDER.index(urgency)


def suggested_urgency(risk: Mapping[str, bool]) -> Urgency | None:
    """The urgency the ticked risks call for, or ``None`` when none is ticked."""
    ticked = {question for question, answer in risk.items() if answer}
    found = [FLOOR[q] for q in ticked if q in FLOOR]
    found += [urgency for questions, urgency in TOGETHER if questions <= ticked]
    return max(found, key=rank) if found else None


def is_below_suggestion(urgency: Urgency, risk: Mapping[str, bool]) -> bool:
    """Whether ``urgency`` is lower than the risks suggest (the agent chose otherwise)."""
    suggestion = suggested_urgency(risk)
    return suggestion is not None and rank(urgency) < rank(suggestion)
