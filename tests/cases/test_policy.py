import pytest

from callcenter.cases.models import CaseStatus as S
from callcenter.cases.policy import (
    ALLOWED,
    can_move,
    check_move,
    check_move_by_hand,
    moves_by_hand,
)
from callcenter.errors import InvalidTransition


def test_every_status_has_a_rule():
    assert set(ALLOWED) == set(S)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEW, S.SCREENING),
        (S.SCREENING, S.DISPATCHED),
        (S.SCREENING, S.REFERRED),
        (S.DISPATCHED, S.FOLLOW_UP),
        (S.REFERRED, S.FOLLOW_UP),
        (S.FOLLOW_UP, S.CLOSED),
        (S.CLOSED, S.FOLLOW_UP),
    ],
)
def test_the_documented_flow_is_allowed(current, target):
    assert can_move(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEW, S.DISPATCHED),
        (S.NEW, S.FOLLOW_UP),
        (S.CLOSED, S.NEW),
        (S.CLOSED, S.DISPATCHED),
        (S.FOLLOW_UP, S.NEW),
        (S.SCREENING, S.NEW),
    ],
)
def test_skipping_screening_or_going_back_to_new_is_refused(current, target):
    with pytest.raises(InvalidTransition, match=f"from {current.value} to {target.value}"):
        check_move(current, target)


def test_no_status_moves_to_itself():
    for status in S:
        assert not can_move(status, status)


@pytest.mark.parametrize("current", list(S))
def test_the_case_file_never_offers_dispatched(current):
    # Only sending the case to a unit makes it dispatched (the dispatch service moves it).
    assert S.DISPATCHED not in moves_by_hand(current)
    with pytest.raises(InvalidTransition):
        check_move_by_hand(current, S.DISPATCHED)
