"""Which duplicate may be merged into which case, and which merge may still be undone:
pure rules, literal inputs."""

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.cases import merge_policy as rules
from callcenter.cases.merge_policy import Side
from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict, Forbidden, InvalidInput

OPEN = CaseStatus.SCREENING
MERGED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def refusal(source: Side, target: Side) -> str | None:
    try:
        rules.check_merge(source, target)
    except (Conflict, InvalidInput) as exc:
        return exc.field
    return None


def test_two_open_cases_may_be_merged():
    assert refusal(Side(1, OPEN), Side(2, CaseStatus.FOLLOW_UP)) is None


def test_a_case_is_not_merged_into_itself():
    assert refusal(Side(1, OPEN), Side(1, OPEN)) == "source_case_id"


def test_a_closed_duplicate_or_a_closed_target_is_refused():
    assert refusal(Side(1, CaseStatus.CLOSED), Side(2, OPEN)) == "source_status"
    assert refusal(Side(1, OPEN), Side(2, CaseStatus.CLOSED)) == "target_status"


def test_a_duplicate_already_merged_is_named_as_such():
    assert refusal(Side(1, CaseStatus.CLOSED, merged_into=3), Side(2, OPEN)) == "merged_into"


def test_a_waiting_close_on_either_case_is_decided_first():
    assert refusal(Side(1, OPEN, closure_waiting=True), Side(2, OPEN)) == "closure"
    assert refusal(Side(1, OPEN), Side(2, OPEN, closure_waiting=True)) == "closure"


def test_only_supervisors_and_admins_merge():
    rules.check_may_merge("supervisor")
    rules.check_may_merge("admin")
    with pytest.raises(Forbidden):
        rules.check_may_merge("agent")


def test_a_merge_says_why_in_at_most_300_characters():
    assert rules.check_reason("  same caller, same night ") == "same caller, same night"
    for bad in ("", "   ", None, "x" * 301):
        with pytest.raises(InvalidInput):
            rules.check_reason(bad)


def undo_refusal(**given) -> str | None:
    values = {"role": "admin", "merged_at": MERGED_AT, "undone": False,
              "now": MERGED_AT + timedelta(days=1), "target_merged_into": None, **given}
    try:
        rules.check_undo(**values)
    except (Conflict, Forbidden) as exc:
        return exc.field
    return None


def test_an_admin_undoes_within_30_days():
    assert undo_refusal() is None
    assert undo_refusal(now=MERGED_AT + timedelta(days=30)) is None
    assert undo_refusal(now=MERGED_AT + timedelta(days=30, seconds=1)) == "undo_window"


def test_only_an_admin_undoes_and_only_once():
    assert undo_refusal(role="supervisor") == "undo"
    assert undo_refusal(undone=True) == "undone_at"


def test_a_merge_whose_target_was_merged_away_since_is_not_undone():
    assert undo_refusal(target_merged_into=9) == "undo_target"
    assert not rules.can_undo(merged_at=MERGED_AT, undone=False, now=MERGED_AT,
                              target_merged_away=True)
    assert rules.can_undo(merged_at=MERGED_AT, undone=False, now=MERGED_AT,
                          target_merged_away=False)
