"""Follow-up tasks on cases: create, mark done, cancel, and the lists of what is due.
Takes the session, never commits; the rules are ``follow_up_rules``.

Every change a person makes is audited on the case (``follow_up.create``, ``.done``,
``.cancel``) with ids and codes only: the task's note stays on the task. Closing a case
cancels its open tasks (``cancel_for_closed_case``, called by the close itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import teams
from callcenter.agents.models import Role, User
from callcenter.cases import agencies
from callcenter.cases import follow_up_rules as rules
from callcenter.cases.follow_up_models import FollowUpTask, TaskKind
from callcenter.cases.models import Case, CaseStatus, Referral
from callcenter.db import utcnow
from callcenter.errors import InvalidInput, NotFound, StaleEdit

OPEN = (FollowUpTask.done_at.is_(None), FollowUpTask.cancelled_at.is_(None))
LIST_LIMIT = 500


def get(session: Session, task_id: int) -> FollowUpTask:
    row = session.get(FollowUpTask, task_id)
    if row is None:
        raise NotFound(f"follow-up {task_id} not found")
    return row


def _snapshot(task: FollowUpTask) -> dict[str, object]:
    # Codes and ids only: the note is the worker's words about a person.
    return {"task_id": task.id, "kind": task.kind, "assignee_id": task.assignee_id,
            "due_at": task.due_at, "referral_id": task.referral_id}


def create(session: Session, case: Case, *, kind: TaskKind, due_at: datetime, actor_id: int,
           assignee_id: int | None = None, note: str | None = None,
           referral_id: int | None = None, now: datetime | None = None) -> FollowUpTask:
    """A new task on an open case, for an active worker (the actor by default)."""
    now = now or utcnow()
    rules.check_case_open(case.status is CaseStatus.CLOSED)
    assignee = session.get(User, assignee_id or actor_id)
    rules.check_assignee(None if assignee is None else rules.Assignee(
        role=assignee.role.value, active=assignee.active))
    assert assignee is not None
    rules.check_due(due_at, now)
    text = rules.check_note(note)
    if referral_id is not None:
        referral = session.get(Referral, referral_id)
        if referral is None or referral.case_id != case.id:
            raise InvalidInput("the referral is not one of this case's", field="referral_id")
    task = FollowUpTask(case_id=case.id, kind=kind, note=text, assignee_id=assignee.id,
                        due_at=due_at, referral_id=referral_id, created_by_id=actor_id,
                        created_at=now, version=1)
    session.add(task)
    session.flush()
    audit.record(session, actor_id=actor_id, action="follow_up.create", entity_type="case",
                 entity_id=case.id, changes=audit.changes_between({}, _snapshot(task)))
    return task


def _check(task: FollowUpTask, version: int | None) -> None:
    rules.check_still_open(done=task.done_at is not None,
                           cancelled=task.cancelled_at is not None)
    if version is not None and version != task.version:
        raise StaleEdit(changed={"version": task.version})


def complete(session: Session, task: FollowUpTask, *, actor_id: int,
             version: int | None = None, now: datetime | None = None) -> FollowUpTask:
    _check(task, version)
    task.done_at, task.done_by_id = now or utcnow(), actor_id
    task.version += 1
    audit.record(session, actor_id=actor_id, action="follow_up.done", entity_type="case",
                 entity_id=task.case_id, changes={"task_id": [None, task.id]})
    return task


def cancel(session: Session, task: FollowUpTask, *, actor_id: int,
           version: int | None = None, now: datetime | None = None) -> FollowUpTask:
    _check(task, version)
    task.cancelled_at, task.cancelled_by_id = now or utcnow(), actor_id
    task.version += 1
    audit.record(session, actor_id=actor_id, action="follow_up.cancel", entity_type="case",
                 entity_id=task.case_id, changes={"task_id": [None, task.id]})
    return task


def cancel_for_closed_case(session: Session, case: Case, *, actor_id: int) -> list[int]:
    """The case closed: its open tasks are cancelled with it (the timeline says why)."""
    now = utcnow()
    tasks = list(session.scalars(select(FollowUpTask).where(
        FollowUpTask.case_id == case.id, *OPEN).order_by(FollowUpTask.id)))
    for task in tasks:
        task.cancelled_at, task.cancelled_by_id = now, actor_id
        task.cancelled_by_close = True
        task.version += 1
    if tasks:
        audit.record(session, actor_id=actor_id, action="follow_up.cancel_on_close",
                     entity_type="case", entity_id=case.id,
                     changes={"task_ids": [None, [t.id for t in tasks]]})
    return [t.id for t in tasks]


def of_case(session: Session, case: Case) -> list[FollowUpTask]:
    """The case's tasks, open ones first by due time, then the finished ones."""
    rows = list(session.scalars(select(FollowUpTask).where(FollowUpTask.case_id == case.id)
                                .order_by(FollowUpTask.due_at, FollowUpTask.id)))
    return sorted(rows, key=lambda t: not t.is_open)


def first_done_at(session: Session, case_id: int) -> datetime | None:
    """The case clock's "first follow-up": the first task marked done."""
    return session.scalar(select(func.min(FollowUpTask.done_at))
                          .where(FollowUpTask.case_id == case_id))


# --- lists ----------------------------------------------------------------------------------

@dataclass
class MyTasks:
    overdue: list[tuple[FollowUpTask, Case]] = field(default_factory=list)
    today: list[tuple[FollowUpTask, Case]] = field(default_factory=list)
    upcoming: list[tuple[FollowUpTask, Case]] = field(default_factory=list)


def mine(session: Session, user_id: int, *, now: datetime, day_end: datetime) -> MyTasks:
    """A person's open tasks: overdue, due later today, and upcoming, soonest first."""
    out = MyTasks()
    for task, case in session.execute(
            select(FollowUpTask, Case).join(Case, Case.id == FollowUpTask.case_id)
            .where(FollowUpTask.assignee_id == user_id, *OPEN)
            .order_by(FollowUpTask.due_at, FollowUpTask.id).limit(LIST_LIMIT)):
        getattr(out, rules.bucket(task.due_at, now, day_end=day_end)).append((task, case))
    return out


def overdue_count(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    return session.scalar(select(func.count()).select_from(FollowUpTask).where(
        FollowUpTask.assignee_id == user_id, *OPEN,
        FollowUpTask.due_at < (now or utcnow()))) or 0


@dataclass(frozen=True)
class LateItem:
    """An overdue task or referral of the team's, as the supervisors' list shows it."""

    case: Case
    due_at: datetime
    task: FollowUpTask | None = None
    referral: Referral | None = None


def team_members(session: Session, supervisor_id: int) -> list[int] | None:
    """The people of the supervisor's teams and those in no team (every supervisor answers
    for them); None (everyone) for a supervisor in no team."""
    team_ids = teams.team_ids_of(session, supervisor_id)
    if not team_ids:
        return None
    return sorted({m.id for t in team_ids for m in teams.members_of(session, t)}
                  | set(teams.unteamed_worker_ids(session)))


def team_overdue(session: Session, *, member_ids: Iterable[int] | None,
                 now: datetime | None = None, province_code: str | None = None
                 ) -> dict[tuple[str | None, str], list[LateItem]]:
    """Overdue tasks (of the members) and referrals (of cases they own), grouped by the
    case's province and urgency, most urgent first within a province."""
    now = now or utcnow()
    members = None if member_ids is None else list(member_ids)
    tasks = (select(FollowUpTask, Case).join(Case, Case.id == FollowUpTask.case_id)
             .where(*OPEN, FollowUpTask.due_at < now))
    if members is not None:
        tasks = tasks.where(FollowUpTask.assignee_id.in_(members))
    if province_code:
        tasks = tasks.where(Case.province_code == province_code)
    items = [LateItem(case=c, due_at=t.due_at, task=t)
             for t, c in session.execute(tasks.order_by(FollowUpTask.due_at).limit(LIST_LIMIT))]
    for referral, case in agencies.overdue(session, now=now, province_code=province_code):
        if members is None or case.owner_id in members:
            items.append(LateItem(case=case, due_at=referral.due_at, referral=referral))
    groups: dict[tuple[str | None, str], list[LateItem]] = {}
    order = agencies.URGENCY_ORDER
    for item in sorted(items, key=lambda i: (i.case.province_code or "",
                                             order.index(i.case.urgency), i.due_at)):
        groups.setdefault((item.case.province_code, item.case.urgency.value), []).append(item)
    return groups


def open_tasks_due(session: Session, *, before: datetime) -> list[FollowUpTask]:
    """Open tasks due before the moment (the reminder sweep's candidates)."""
    return list(session.scalars(select(FollowUpTask).where(
        *OPEN, FollowUpTask.due_at <= before).order_by(FollowUpTask.due_at)
        .limit(LIST_LIMIT)))


def cases_by_id(session: Session, ids: Iterable[int]) -> dict[int, Case]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(wanted)))}


def people(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def assignable(session: Session) -> list[User]:
    """Who a task may be given to: active agents and supervisors, by name."""
    return list(session.scalars(select(User).where(
        User.active.is_(True), User.role.in_((Role.AGENT, Role.SUPERVISOR)))
        .order_by(User.display_name)))
