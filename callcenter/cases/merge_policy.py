"""Which duplicate may be merged into which case, and which merge may still be undone.

Pure: the caller reads the cases and merges and passes what the rules need; no session,
no clock. The service (``cases.merging``) applies them inside the transaction that
locked both cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict, Forbidden, InvalidInput

# Supervisors merge (they see both cases' work); admins too. Values of ``agents.Role``.
MERGING_ROLES = frozenset({"supervisor", "admin"})
# Undoing hands rows back between cases: one role answers for it.
UNDOING_ROLES = frozenset({"admin"})
# After this, the target's work has grown around the merged rows: undoing would split it
# arbitrarily, so the merge stands.
UNDO_WINDOW = timedelta(days=30)
MAX_REASON = 300


@dataclass(frozen=True, slots=True)
class Side:
    """What the rules need of one case of a merge."""

    id: int
    status: CaseStatus
    # The case it was merged into, when it has been and the merge stands.
    merged_into: int | None = None
    # A close waiting for a supervisor's decision.
    closure_waiting: bool = False


def check_may_merge(role: str) -> None:
    if role not in MERGING_ROLES:
        raise Forbidden("only a supervisor merges duplicate cases", field="merge")


def check_reason(reason: str | None, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("say why the cases are the same matter", field=field)
    if len(text) > MAX_REASON:
        raise InvalidInput(f"the reason is at most {MAX_REASON} characters", field=field)
    return text


def check_merge(source: Side, target: Side) -> None:
    """Refuse a merge that would lose or tangle work, naming what is wrong.

    The duplicate must be open (a closed case's work is finished; reopen it first, or it
    was merged already) and so must the case that carries on (closing it was a decision
    about its work, which the duplicate's would change). A waiting close on either is
    decided first: merging would move its case's work from under the supervisor's eyes.
    """
    if source.id == target.id:
        raise InvalidInput("a case cannot be merged into itself", field="source_case_id")
    if source.merged_into is not None:
        raise Conflict(f"case {source.id} was already merged into case {source.merged_into}",
                       field="merged_into")
    if source.status is CaseStatus.CLOSED:
        raise Conflict(f"case {source.id} is closed: only an open duplicate is merged",
                       field="source_status")
    if target.merged_into is not None or target.status is CaseStatus.CLOSED:
        raise Conflict(f"case {target.id} is closed: a duplicate is merged only into an "
                       "open case", field="target_status")
    if source.closure_waiting or target.closure_waiting:
        raise Conflict("a close waits for a supervisor on one of the cases: decide it first",
                       field="closure")


def undo_deadline(merged_at: datetime) -> datetime:
    return merged_at + UNDO_WINDOW


def can_undo(*, merged_at: datetime, undone: bool, now: datetime,
             target_merged_away: bool) -> bool:
    """Whether an undo button makes sense (the same rules ``check_undo`` enforces)."""
    return not undone and now <= undo_deadline(merged_at) and not target_merged_away


def check_undo(*, role: str, merged_at: datetime, undone: bool, now: datetime,
               target_merged_into: int | None) -> None:
    """An admin undoes a merge within 30 days, unless the target has been merged away
    since: its rows (the moved ones too) are on another case now, undo that merge first."""
    if role not in UNDOING_ROLES:
        raise Forbidden("only an admin undoes a merge", field="undo")
    if undone:
        raise Conflict("this merge was already undone", field="undone_at")
    if now > undo_deadline(merged_at):
        raise Conflict(f"a merge is undone within {UNDO_WINDOW.days} days only",
                       field="undo_window")
    if target_merged_into is not None:
        raise Conflict(f"the case merged into was itself merged into case "
                       f"{target_merged_into} since: undo that merge first",
                       field="undo_target")
