"""The case workflow: which status may follow which. Pure."""

from callcenter.cases.models import CaseStatus as S
from callcenter.errors import InvalidTransition

ALLOWED: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.SCREENING, S.CLOSED}),
    S.SCREENING: frozenset({S.REFERRED, S.DISPATCHED, S.FOLLOW_UP, S.CLOSED}),
    # A referred case may still need the rapid-response unit, and the reverse.
    S.REFERRED: frozenset({S.DISPATCHED, S.FOLLOW_UP, S.CLOSED}),
    S.DISPATCHED: frozenset({S.REFERRED, S.FOLLOW_UP, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.REFERRED, S.DISPATCHED, S.CLOSED}),
    # Reopening goes back to follow-up, with its reason on the timeline.
    S.CLOSED: frozenset({S.FOLLOW_UP}),
}


def can_move(current: S, target: S) -> bool:
    return target in ALLOWED[current]


def check_move(current: S, target: S) -> None:
    if not can_move(current, target):
        raise InvalidTransition(
            f"a case cannot go from {current.value} to {target.value}", field="status"
        )
