"""What the follow-up pages and API share: who may finish a task, the Thai date and time
a form gives, the reminders scheduled after the commit, and the case page's part."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.deps import Viewer, language
from callcenter import after_commit
from callcenter.cases import follow_ups, reminder_jobs
from callcenter.cases import service as cases
from callcenter.cases.follow_up_models import FollowUpTask, TaskKind
from callcenter.cases.models import Case
from callcenter.db import utcnow
from callcenter.errors import Forbidden, InvalidInput
from callcenter.thaidate import parse_typed_clock, parse_typed_day, typed_day_text


def check_may_finish(viewer: Viewer, task: FollowUpTask, case: Case) -> None:
    """The assignee finishes their own task; the case's owner and supervisors any."""
    if viewer.id != task.assignee_id and not access.can_change(viewer, case):
        raise Forbidden(f"follow-up {task.id} is another worker's")


def parse_due(day: str, clock: str, request: Request) -> datetime:
    """A typed date (d/m/yyyy in either era, or a date picker's yyyy-mm-dd) and a time
    (HH:MM), on the hotline's clock."""
    try:
        parsed = parse_typed_day(day)
    except ValueError:
        raise InvalidInput("give the date as d/m/yyyy", field="follow_up_date") from None
    try:
        at = parse_typed_clock(clock or "09:00")
    except ValueError:
        raise InvalidInput("give the time as HH:MM", field="follow_up_time") from None
    return datetime.combine(parsed, at, request.app.state.settings.zone)


def schedule_after_commit(request: Request, db: Session, task: FollowUpTask) -> None:
    """The task's reminders go on RQ once it is committed (the sweep is the safety net)."""
    client = getattr(request.app.state, "redis", None)
    if client is not None:
        after_commit.register(db, partial(reminder_jobs.schedule_task, client, task.id,
                                          task.due_at))


def case_context(db: Session, case: Case, request: Request) -> dict[str, Any]:
    """The case page's tasks section: the tasks, who they are for, the add form's choices."""
    tasks = follow_ups.of_case(db, case)
    now = datetime.now(request.app.state.settings.zone)
    default_due = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    return {
        "follow_up_tasks": tasks,
        "follow_up_people": follow_ups.people(
            db, [t.assignee_id for t in tasks] + [t.done_by_id for t in tasks]),
        "follow_up_kinds": list(TaskKind), "follow_up_assignable": follow_ups.assignable(db),
        "follow_up_overdue": {t.id for t in tasks if t.is_open and t.due_at < utcnow()},
        "follow_up_default_date": typed_day_text(default_due.date(), language(request)),
        "follow_up_default_time": f"{default_due:%H:%M}",
    }


def timeline_entries(db: Session, case: Case) -> list[dict[str, Any]]:
    """Each task created, done, and cancelled (by a person or by the case's closing)."""
    entries: list[dict[str, Any]] = []
    for task in follow_ups.of_case(db, case):
        entries.append({"at": task.created_at, "kind": "follow_up", "item": task,
                        "step": "created"})
        if task.done_at is not None:
            entries.append({"at": task.done_at, "kind": "follow_up", "item": task,
                            "step": "done"})
        if task.cancelled_at is not None:
            entries.append({"at": task.cancelled_at, "kind": "follow_up", "item": task,
                            "step": "closed" if task.cancelled_by_close else "cancelled"})
    return entries


def task_and_case(db: Session, task_id: int) -> tuple[FollowUpTask, Case]:
    task = follow_ups.get(db, task_id)
    return task, cases.get(db, task.case_id)
