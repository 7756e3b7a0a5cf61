"""What the unit must do next at each step of a dispatch, and the one button for it. Pure.

A unit member reads the page in the sun on a motorbike: one sentence says what is owed
now and one button does it. The page shows the sentence's message key in its language;
the minutes to acknowledge come from the escalation ladder's timeout for the urgency, so
the unit reads the same deadline the ladder keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.dispatch import policy
from callcenter.dispatch.models import DispatchStatus

S = DispatchStatus

# The action each open status is waiting for; its route is /unit/dispatches/{id}/<action>.
MAIN_ACTION: dict[S, str] = {
    S.CREATED: "acknowledge",
    S.ALERTED: "acknowledge",
    S.ESCALATED: "acknowledge",
    S.ACKNOWLEDGED: "en-route",
    S.EN_ROUTE: "on-scene",
    S.ON_SCENE: "complete",
}


@dataclass(frozen=True, slots=True)
class NextStep:
    """The sentence (a message key and its values) and the main action, if any is owed."""

    message_key: str
    action: str | None
    minutes: int | None = None


def next_step(status: S, *, ack_minutes: float) -> NextStep:
    """What the unit owes in ``status``; ``ack_minutes`` is the ladder's timeout."""
    if status in policy.AWAITING_UNIT:
        # Never "within 0 minutes": a timeout under a minute still reads as one.
        return NextStep("unit.next.acknowledge", MAIN_ACTION[status],
                        minutes=max(1, round(ack_minutes)))
    if status in MAIN_ACTION:
        return NextStep(f"unit.next.{status.value}", MAIN_ACTION[status])
    # Closed: completed, declined or cancelled; nothing is owed, the sentence says why.
    return NextStep(f"unit.next.{status.value}", None)
