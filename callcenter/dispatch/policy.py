"""The dispatch lifecycle and delivery timing. Pure: no session, no clock, no I/O.

created → alerted → acknowledged → en route → on scene → completed, or declined, or
escalated. An escalated dispatch is still waiting for the unit: a late acknowledgement
is welcome (someone is going) and stops the escalation. A declined one is back with the
hotline agent: the unit can no longer acknowledge it. A hotline supervisor may cancel
any open dispatch, with a reason.
"""

from __future__ import annotations

from callcenter.dispatch.models import UNIT_BRIEF_MAX
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.errors import DomainError, InvalidTransition

AWAITING_UNIT = frozenset({S.CREATED, S.ALERTED, S.ESCALATED})
CLOSED = frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED})

ALLOWED: dict[S, frozenset[S]] = {
    S.CREATED: frozenset({S.ALERTED, S.ACKNOWLEDGED, S.DECLINED, S.ESCALATED, S.CANCELLED}),
    S.ALERTED: frozenset({S.ACKNOWLEDGED, S.DECLINED, S.ESCALATED, S.CANCELLED}),
    # ESCALATED → ESCALATED: each further step of the ladder is one more event.
    S.ESCALATED: frozenset({S.ACKNOWLEDGED, S.DECLINED, S.ESCALATED, S.CANCELLED}),
    # A unit may reach the person without a drive, or find nobody there: it completes
    # with an outcome from any point after acknowledging.
    S.ACKNOWLEDGED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.COMPLETED, S.CANCELLED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.COMPLETED, S.CANCELLED}),
    S.ON_SCENE: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Order of the unit's own steps, so a repeated or late step can be recognised as done.
PROGRESS = (S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE, S.COMPLETED)


def can_move(current: S, target: S) -> bool:
    return target in ALLOWED[current]


def check_move(current: S, target: S) -> None:
    if not can_move(current, target):
        raise InvalidTransition(
            f"a dispatch cannot go from {current.value} to {target.value}", field="status"
        )


def already_reached(current: S, target: S) -> bool:
    """True when the unit's step ``target`` is already behind ``current`` (a repeat)."""
    if current not in PROGRESS or target not in PROGRESS:
        return False
    return PROGRESS.index(current) >= PROGRESS.index(target)


def alarm_backoff(timeout: float, repeats: int) -> float:
    """Seconds before the next "every contact tried" step: the timeout, doubling each time."""
    return timeout * 2 ** max(0, repeats)


def retry_delay(attempts_made: int, *, base: float, cap: float) -> float:
    """Seconds before the next try: doubling from ``base``, never above ``cap``."""
    return min(cap, base * 2 ** max(0, attempts_made - 1))


def is_transient(status_code: int) -> bool:
    """Whether an HTTP answer from a provider is worth trying again."""
    return status_code >= 500 or status_code in (408, 425, 429)


def unit_brief(text: str | None) -> str:
    """The agent's text for the unit, trimmed; refused when empty or too long.

    Required because it is the only account of the case the unit gets (never the
    summary), and nothing writes it for the agent: a prefilled text would be sent unread.
    """
    brief = (text or "").strip()
    if not brief:
        raise DomainError("write what the unit needs to act", field="unit_brief")
    if len(brief) > UNIT_BRIEF_MAX:
        raise DomainError(f"at most {UNIT_BRIEF_MAX} characters for the unit",
                          field="unit_brief")
    return brief
