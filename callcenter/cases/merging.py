"""Merging a duplicate case into the case that carries on, and an admin's undo.

The work recorded on the duplicate (persons, notes, referrals, calls, dispatches …)
moves to the target in one transaction, the duplicate closes as ``duplicate`` naming
the target, and the ``case_merges`` row keeps exactly which rows moved so an undo moves
back those and nothing added since. Takes the session, never commits.

The tables that move are named in ``MOVABLE`` by table name, not by model: ``dispatches``
belongs to a layer above cases, which this module must not import. Adding a table whose
rows belong to one case is one line there (``tests/cases/test_merging.py`` fails while
a table pointing at ``cases.id`` is in neither ``MOVABLE`` nor ``STAYS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, func, select, table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.cases import merge_policy, service
from callcenter.cases.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    ClosureOutcome,
    ClosureRequest,
    ClosureState,
)
from callcenter.cases.work_models import CaseMerge
from callcenter.db import utcnow
from callcenter.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True)
class Movable:
    """A table whose rows belong to one case: ``column`` names the case, ``key`` a row."""

    name: str
    key: str = "id"
    column: str = "case_id"
    # Only the rows where this column is NULL move (the others follow another table's).
    unless: str | None = None

    def clause(self):
        names = [self.key, self.column] + ([self.unless] if self.unless else [])
        return table(self.name, *(column(n) for n in names))


# The registry: every table whose rows follow a duplicate into the case that carries on.
MOVABLE: tuple[Movable, ...] = (
    Movable("case_persons"),
    Movable("case_notes"),
    Movable("referrals"),
    # A call is linked to a case once: one already on the target stays where it is.
    Movable("case_calls", key="call_id"),
    Movable("dispatches"),
    Movable("follow_up_tasks"),
    # Phone contacts follow their case_calls row (ON UPDATE CASCADE), or stay with it when
    # the call is on both cases: this line moves walk-ins and messages only.
    Movable("case_contacts", unless="call_id"),
    # A report from the website or an app follows the case it opened or was attached to.
    Movable("public_reports"),
    # So does a chat conversation the case was opened from.
    Movable("chat_conversations"),
)
# Tables that point at a case and stay with it: its own history, the requests and forms
# that were about it, the merges themselves.
STAYS = frozenset({"case_status_changes", "case_closure_requests", "case_drafts",
                   "case_merges", "case_assignments",
                   # An opening with a reason was for that case, and reviewed as such.
                   "case_access_grants"})


def _keys_to_move(session: Session, movable: Movable, *, from_id: int, to_id: int,
                  only: Iterable[int] | None = None) -> list[int]:
    t = movable.clause()
    key, case = t.c[movable.key], t.c[movable.column]
    already = select(key).where(case == to_id)
    stmt = select(key).where(case == from_id, key.not_in(already)).order_by(key)
    if movable.unless:
        stmt = stmt.where(t.c[movable.unless].is_(None))
    if only is not None:
        stmt = stmt.where(key.in_(list(only)))
    return list(session.scalars(stmt))


def _move(session: Session, movable: Movable, keys: list[int], *, from_id: int,
          to_id: int) -> None:
    if keys:
        t = movable.clause()
        session.execute(update(t).where(t.c[movable.column] == from_id,
                                        t.c[movable.key].in_(keys))
                        .values({movable.column: to_id}))


# --- reading ------------------------------------------------------------------------------


def get(session: Session, merge_id: int, *, lock: bool = False) -> CaseMerge:
    stmt = select(CaseMerge).where(CaseMerge.id == merge_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"case merge {merge_id} not found")
    return row


def merged_into(session: Session, case_id: int) -> CaseMerge | None:
    """The merge that took this case away, while it stands."""
    return session.scalars(select(CaseMerge).where(
        CaseMerge.source_case_id == case_id, CaseMerge.undone_at.is_(None))).first()


def of_case(session: Session, case_id: int) -> list[CaseMerge]:
    """Every merge into or out of the case, undone ones too, oldest first."""
    return list(session.scalars(select(CaseMerge).where(
        (CaseMerge.source_case_id == case_id) | (CaseMerge.target_case_id == case_id))
        .order_by(CaseMerge.id)))


def recent(session: Session, *, limit: int = 200) -> list[CaseMerge]:
    """The latest merges, newest first."""
    return list(session.scalars(select(CaseMerge).order_by(CaseMerge.id.desc()).limit(limit)))


@dataclass(frozen=True, slots=True)
class MergeView:
    """A merge as pages and the API show it: with both numbers and whether it may be undone."""

    merge: CaseMerge
    source_number: str
    target_number: str
    undo_until: datetime
    can_undo: bool


def views(session: Session, rows: list[CaseMerge], *,
          now: datetime | None = None) -> list[MergeView]:
    now = now or utcnow()
    named = numbers(session, {r.source_case_id for r in rows} | {r.target_case_id for r in rows})
    targets = {r.target_case_id for r in rows}
    merged_away = set(session.scalars(select(CaseMerge.source_case_id).where(
        CaseMerge.undone_at.is_(None), CaseMerge.source_case_id.in_(targets)))) if rows else set()
    return [MergeView(
        merge=r, source_number=named.get(r.source_case_id, ""),
        target_number=named.get(r.target_case_id, ""),
        undo_until=merge_policy.undo_deadline(r.merged_at),
        can_undo=merge_policy.can_undo(merged_at=r.merged_at, undone=r.undone_at is not None,
                                       now=now, target_merged_away=r.target_case_id in merged_away))
        for r in rows]


def numbers(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(session.execute(select(Case.id, Case.number).where(Case.id.in_(wanted))).all())


def by_number(session: Session, number: str) -> Case:
    case = session.scalars(select(Case).where(Case.number == number.strip())).first()
    if case is None:
        raise NotFound("no case has this number", field="source_number")
    return case


def _side(session: Session, case: Case) -> merge_policy.Side:
    taken = merged_into(session, case.id)
    waiting = session.scalar(select(func.count()).select_from(ClosureRequest).where(
        ClosureRequest.case_id == case.id, ClosureRequest.state == ClosureState.PENDING))
    return merge_policy.Side(id=case.id, status=case.status,
                             merged_into=taken.target_case_id if taken else None,
                             closure_waiting=bool(waiting))


def preview(session: Session, source: Case, target: Case) -> dict[str, int]:
    """How many rows of each table would move; refused as the merge itself would be."""
    merge_policy.check_merge(_side(session, source), _side(session, target))
    return {m.name: len(_keys_to_move(session, m, from_id=source.id, to_id=target.id))
            for m in MOVABLE}


# --- merging and undoing --------------------------------------------------------------------


def _lock(session: Session, *ids: int) -> dict[int, Case]:
    """Both cases, locked in id order so two merges of the same pair cannot deadlock
    (FOR UPDATE on PostgreSQL; SQLite has one writer anyway)."""
    found = {c.id: c for c in session.scalars(
        select(Case).where(Case.id.in_(sorted(set(ids)))).order_by(Case.id)
        .with_for_update().execution_options(populate_existing=True))}
    for case_id in ids:
        if case_id not in found:
            raise NotFound(f"case {case_id} not found")
    return found


def merge(session: Session, *, source_id: int, target_id: int, reason: str | None,
          actor_id: int, role: str, now: datetime | None = None) -> CaseMerge:
    """Move the duplicate's work to the target and close the duplicate; all or nothing."""
    merge_policy.check_may_merge(role)
    text = merge_policy.check_reason(reason)
    cases = _lock(session, source_id, target_id)
    source, target = cases[source_id], cases[target_id]
    merge_policy.check_merge(_side(session, source), _side(session, target))
    now = now or utcnow()
    row = CaseMerge(source_case_id=source.id, target_case_id=target.id, reason=text,
                    merged_by_id=actor_id, merged_at=now, moved={},
                    source_status_before=source.status)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another supervisor merged this duplicate a moment ago (the partial unique index).
        raise Conflict(f"case {source.id} was already merged", field="merged_into") from None
    row.moved = {m.name: _moved_rows(session, m, from_id=source.id, to_id=target.id)
                 for m in MOVABLE}
    before = source.status
    service.change_status(session, source, to=CaseStatus.CLOSED, actor_id=actor_id,
                          reason=f"{target.number} · {text}"[:merge_policy.MAX_REASON],
                          outcome=ClosureOutcome.DUPLICATE)
    # Ids only in the trail; the reason stays on the merge and the status change.
    audit.record(session, actor_id=actor_id, action="case.merged", entity_type="case",
                 entity_id=source.id, changes=audit.changes_between(
                     {"status": before, "merged_into": None},
                     {"status": source.status, "merged_into": target.id}))
    audit.record(session, actor_id=actor_id, action="case.merged", entity_type="case",
                 entity_id=target.id, changes=audit.changes_between(
                     {"merged_from": None}, {"merged_from": source.id}))
    _settle(session)
    return row


def _moved_rows(session: Session, movable: Movable, *, from_id: int, to_id: int,
                only: Iterable[int] | None = None) -> list[int]:
    keys = _keys_to_move(session, movable, from_id=from_id, to_id=to_id, only=only)
    _move(session, movable, keys, from_id=from_id, to_id=to_id)
    return keys


def _settle(session: Session) -> None:
    """Write what is pending, then forget loaded rows: the moves were UPDATE statements
    the loaded persons, notes and dispatches know nothing of."""
    session.flush()
    session.expire_all()


def undo(session: Session, merge_id: int, *, reason: str | None, actor_id: int, role: str,
         now: datetime | None = None) -> CaseMerge:
    """Move back exactly the rows the merge moved and give the duplicate its status back."""
    row = get(session, merge_id, lock=True)
    cases = _lock(session, row.source_case_id, row.target_case_id)
    source = cases[row.source_case_id]
    now = now or utcnow()
    taken = merged_into(session, row.target_case_id)
    merge_policy.check_undo(role=role, merged_at=row.merged_at,
                            undone=row.undone_at is not None, now=now,
                            target_merged_into=taken.target_case_id if taken else None)
    text = merge_policy.check_reason(reason)
    for movable in MOVABLE:
        if row.moved.get(movable.name):
            _moved_rows(session, movable, from_id=row.target_case_id,
                        to_id=row.source_case_id, only=row.moved[movable.name])
    row.undone_by_id, row.undone_at, row.undone_reason = actor_id, now, text
    before = source.status
    if source.status is CaseStatus.CLOSED:
        _restore_status(session, source, row, actor_id=actor_id, now=now, reason=text)
    audit.record(session, actor_id=actor_id, action="case.merge_undone", entity_type="case",
                 entity_id=source.id, changes=audit.changes_between(
                     {"status": before, "merged_into": row.target_case_id},
                     {"status": source.status, "merged_into": None}))
    audit.record(session, actor_id=actor_id, action="case.merge_undone", entity_type="case",
                 entity_id=row.target_case_id, changes=audit.changes_between(
                     {"merged_from": row.source_case_id}, {"merged_from": None}))
    _settle(session)
    return row


def _restore_status(session: Session, case: Case, row: CaseMerge, *, actor_id: int,
                    now: datetime, reason: str) -> None:
    """The duplicate goes back to where it was before the merge closed it: not a move of
    the workflow (closed → screening is none) but the merge taken back, on the timeline."""
    session.add(CaseStatusChange(case_id=case.id, from_status=case.status,
                                 to_status=row.source_status_before, changed_by_id=actor_id,
                                 changed_at=now, reason=reason))
    case.status = row.source_status_before
    case.closed_at = None
    case.closure_outcome = None
