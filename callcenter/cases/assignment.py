"""Who owns a case and which team shares it: reassigning one case, or a shift's cases at
once, with a reason; and what each case has due next. Takes the session, never commits.

The rules at the top are pure (plain values in, a domain error out). A reassignment
locks the case's row, checks the version the form was drawn from (``cases.version``,
raised by every reassignment), moves owner and team, writes the history row
(``case_assignments``) and the audit event. A batch is all or nothing: every case is
checked before any is changed, and one refused case refuses the whole batch, naming it.
The new owner is told after the commit (``notices``; the console publishes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import teams
from callcenter.agents.models import Role, Team, User
from callcenter.cases import policy
from callcenter.cases.agencies import OVERDUE_STATUSES
from callcenter.cases.models import Case, CaseStatus, Referral
from callcenter.cases.work_models import CaseAssignment
from callcenter.db import utcnow
from callcenter.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, StaleEdit

# Besides the case's owner, these roles reassign any case (the values of agents' Role).
REASSIGNING_ROLES = frozenset({Role.SUPERVISOR.value, Role.ADMIN.value})
# Who may own a case: the people who work cases on the phone.
OWNER_ROLES = frozenset({Role.AGENT.value, Role.SUPERVISOR.value})
# The hand-over page's reason unless the supervisor writes another.
HANDOVER_REASON = "ส่งเวร"
MAX_BATCH = 200


# --- the rules (pure) ---------------------------------------------------------------------

def may_reassign(*, actor_id: int, actor_role: str, owner_id: int | None) -> bool:
    return actor_role in REASSIGNING_ROLES or (actor_id == owner_id and owner_id is not None)


def check_may_reassign(*, actor_id: int, actor_role: str, owner_id: int | None) -> None:
    if not may_reassign(actor_id=actor_id, actor_role=actor_role, owner_id=owner_id):
        raise Forbidden("only the case's owner or a supervisor reassigns it", field="case")


def check_open(status: CaseStatus) -> None:
    # A closed case has no work left to hand on; reopening it (with a reason) comes first.
    if status is CaseStatus.CLOSED:
        raise Conflict("a closed case is not reassigned; reopen it first", field="status")


def check_new_owner(*, role: str | None, active: bool) -> None:
    """The new owner works cases (an agent or a supervisor) and can sign in."""
    if role not in OWNER_ROLES or not active:
        raise InvalidInput("the new owner must be an active agent or supervisor",
                           field="owner_id")


def check_changes(*, from_owner: int | None, to_owner: int, from_team: int | None,
                  to_team: int | None) -> None:
    if (from_owner, from_team) == (to_owner, to_team):
        raise Conflict("the case already has this owner and team", field="owner_id")


def check_reason(reason: str | None) -> str:
    """Required, at most 300 characters: it stays on the case's timeline."""
    return policy.check_reason(reason)


def round_robin(case_ids: Sequence[int], owner_ids: Sequence[int]) -> list[tuple[int, int]]:
    """Deal the cases, in their order, to the next shift's workers in turn."""
    if not owner_ids:
        raise InvalidInput("choose at least one worker of the next shift", field="to_owner_ids")
    return [(case_id, owner_ids[i % len(owner_ids)]) for i, case_id in enumerate(case_ids)]


# --- reassigning --------------------------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """One case to reassign: the version its form showed (None: the current one) and,
    unless ``keep_team``, its new team (None: no team)."""

    case_id: int
    to_owner_id: int
    version: int | None = None
    keep_team: bool = True
    to_team_id: int | None = None


def _locked(session: Session, case_ids: Iterable[int]) -> dict[int, Case]:
    """The cases, their rows locked until the commit (in id order: two batches never
    wait on each other), read afresh rather than from the session's memory."""
    ids = sorted(set(case_ids))
    rows = session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)
                           .with_for_update().execution_options(populate_existing=True))
    return {case.id: case for case in rows}


def _refused_in(case: Case, exc: DomainError, batch: bool) -> DomainError:
    """In a batch, the refusal names the case it is about (and nothing was changed)."""
    if batch:
        exc.message = f"case {case.number}: {exc.message}; nothing was reassigned"
        exc.args = (exc.message,)
        exc.case_number = case.number  # type: ignore[attr-defined]
    return exc


def _check(case: Case, move: Move, *, actor_id: int, actor_role: str,
           people: dict[int, User], team_rows: dict[int, Team], batch: bool) -> int | None:
    """The case's team after the move, once every rule lets it through."""
    to_team = case.team_id if move.keep_team else move.to_team_id
    try:
        check_may_reassign(actor_id=actor_id, actor_role=actor_role, owner_id=case.owner_id)
        if move.version is not None and move.version != case.version:
            raise StaleEdit("someone reassigned this case after you opened it",
                            changed={"owner_id": case.owner_id, "team_id": case.team_id})
        check_open(case.status)
        owner = people.get(move.to_owner_id)
        check_new_owner(role=owner.role.value if owner else None,
                        active=bool(owner and owner.active))
        if to_team is not None and to_team != case.team_id:
            team = team_rows.get(to_team)
            if team is None or not team.active:
                raise InvalidInput("choose an active team", field="team_id")
        check_changes(from_owner=case.owner_id, to_owner=move.to_owner_id,
                      from_team=case.team_id, to_team=to_team)
    except DomainError as exc:
        raise _refused_in(case, exc, batch) from None
    return to_team


def reassign_many(session: Session, moves: Sequence[Move], *, actor_id: int, actor_role: str,
                  reason: str | None, action: str = "case.reassign",
                  source_ip: str | None = None) -> list[CaseAssignment]:
    """Reassign every case of ``moves`` or none (see the module's note)."""
    text = check_reason(reason)
    if not moves:
        raise InvalidInput("tick at least one case", field="case_ids")
    if len(moves) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} cases at once", field="case_ids")
    if len({m.case_id for m in moves}) != len(moves):
        raise InvalidInput("a case is listed twice", field="case_ids")
    cases = _locked(session, (m.case_id for m in moves))
    missing = [m.case_id for m in moves if m.case_id not in cases]
    if missing:
        raise NotFound(f"case {missing[0]} not found", field="case_ids")
    people = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_({m.to_owner_id for m in moves})))}
    team_rows = {t.id: t for t in session.scalars(select(Team))}
    batch = len(moves) > 1
    planned = [(cases[m.case_id], m.to_owner_id,
                _check(cases[m.case_id], m, actor_id=actor_id, actor_role=actor_role,
                       people=people, team_rows=team_rows, batch=batch))
               for m in moves]
    now = utcnow()
    rows = []
    for case, to_owner, to_team in planned:
        before = {"owner_id": case.owner_id, "team_id": case.team_id}
        row = CaseAssignment(case_id=case.id, from_owner_id=case.owner_id, to_owner_id=to_owner,
                             from_team_id=case.team_id, to_team_id=to_team, reason=text,
                             by_id=actor_id, at=now)
        session.add(row)
        case.owner_id, case.team_id = to_owner, to_team
        case.version += 1
        # Ids of staff and teams only: the reason stays on the case, never in the trail.
        audit.record(session, actor_id=actor_id, action=action, entity_type="case",
                     entity_id=case.id, source_ip=source_ip,
                     changes=audit.changes_between(before, {"owner_id": to_owner,
                                                            "team_id": to_team}))
        rows.append(row)
    session.flush()
    return rows


def reassign(session: Session, case_id: int, *, to_owner_id: int, actor_id: int,
             actor_role: str, reason: str | None, version: int | None = None,
             keep_team: bool = True, to_team_id: int | None = None,
             source_ip: str | None = None) -> CaseAssignment:
    """Give one case to another owner (and team); ``version``: the one the form showed."""
    if session.get(Case, case_id) is None:  # a 404 before any rule
        raise NotFound(f"case {case_id} not found")
    move = Move(case_id, to_owner_id, version, keep_team=keep_team, to_team_id=to_team_id)
    return reassign_many(session, [move],
                         actor_id=actor_id, actor_role=actor_role, reason=reason,
                         source_ip=source_ip)[0]


def handover(session: Session, cases: Sequence[tuple[int, int | None]],
             to_owner_ids: Sequence[int], *, actor_id: int, actor_role: str,
             reason: str | None, source_ip: str | None = None) -> list[CaseAssignment]:
    """A shift's hand-over: ``cases`` (id, version) dealt in turn to the next shift's
    workers, each keeping its team; only supervisors and admins hand over."""
    if actor_role not in REASSIGNING_ROLES:
        raise Forbidden("only a supervisor hands a shift's cases over")
    versions = dict(cases)
    moves = [Move(case_id, owner, versions[case_id])
             for case_id, owner in round_robin([c for c, _ in cases], to_owner_ids)]
    return reassign_many(session, moves, actor_id=actor_id, actor_role=actor_role,
                         reason=reason or HANDOVER_REASON, action="case.handover",
                         source_ip=source_ip)


def history(session: Session, case: Case) -> list[CaseAssignment]:
    """The case's reassignments, oldest first, for its timeline."""
    return list(session.scalars(select(CaseAssignment).where(CaseAssignment.case_id == case.id)
                                .order_by(CaseAssignment.id)))


def notices(rows: Iterable[CaseAssignment], numbers: dict[int, str | None], *, actor_id: int,
            by: str) -> list[tuple[int, dict[str, object]]]:
    """(user id, notice): one per new owner who is not the one who reassigned, holding
    ids, case numbers and the reassigner's name, never a person's data.

    ``case_id`` and ``case_number`` name the first of the owner's cases; ``cases`` lists
    them all. One notice per owner, because a live stream keeps only the latest message
    of a topic when several arrive at once (``agent_console.sse``): a hand-over's cases
    must not leave the owner told of the last one only.
    """
    theirs: dict[int, list[dict[str, object]]] = {}
    for row in rows:
        if row.to_owner_id != actor_id:
            theirs.setdefault(row.to_owner_id, []).append(
                {"case_id": row.case_id, "case_number": numbers.get(row.case_id)})
    return [(owner, {"kind": "case_assigned", **cases[0], "by": by, "cases": cases})
            for owner, cases in theirs.items()]


# --- pickers and defaults -----------------------------------------------------------------

def workers(session: Session) -> list[User]:
    """Who a case may be given to: active agents and supervisors, by name."""
    return list(session.scalars(select(User).where(
        User.role.in_([Role(r) for r in OWNER_ROLES]), User.active.is_(True))
        .order_by(User.display_name, User.id)))


def default_team(session: Session, user_id: int) -> int | None:
    """The team a new case starts in: its opener's, when they are in exactly one."""
    ids = teams.team_ids_of(session, user_id)
    return ids[0] if len(ids) == 1 else None


# --- what is due next ---------------------------------------------------------------------

def next_due(session: Session, case_ids: Iterable[int]) -> dict[int, datetime | None]:
    """Each case's next due time: for now, the earliest due time of its referrals still
    waiting on the agency (sent or accepted); None when nothing is due.

    The one place "what is due next" is worked out: the lists of my cases and the
    hand-over read it, and follow-up tasks add their due times here.
    """
    ids = set(case_ids)
    due: dict[int, datetime | None] = dict.fromkeys(ids)
    if not ids:
        return due
    for case_id, earliest in session.execute(
            select(Referral.case_id, func.min(Referral.due_at))
            .where(Referral.case_id.in_(ids), Referral.status.in_(OVERDUE_STATUSES),
                   Referral.due_at.is_not(None))
            .group_by(Referral.case_id)):
        due[case_id] = earliest
    return due
