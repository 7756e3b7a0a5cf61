"""JSON API of follow-up tasks: the same as the pages of ``follow_ups.py``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from agent_console import access, follow_up_view
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import ReadableCase
from agent_console.case_steps import changeable, record_read
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from callcenter.agents.models import Role
from callcenter.cases import follow_up_schemas as schemas
from callcenter.cases import follow_ups
from callcenter.cases.models import Case
from callcenter.db import utcnow

router = APIRouter(prefix="/api", tags=["follow-ups"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
Province = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$")


def _mine(rows) -> list[schemas.MyTaskOut]:
    return [schemas.MyTaskOut(**schemas.FollowUpOut.model_validate(t).model_dump(),
                              case_number=c.number, urgency=c.urgency) for t, c in rows]


@router.get("/follow-ups", response_model=schemas.MyTasksOut, responses=errors(422))
def my_tasks(request: Request, viewer: Viewer = Worker, db: Session = DB):
    """My open tasks: overdue, due later today (the hotline's day), and upcoming."""
    now = datetime.now(request.app.state.settings.zone)
    day_end = datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)
    tasks = follow_ups.mine(db, viewer.id, now=utcnow(), day_end=day_end)
    return schemas.MyTasksOut(overdue=_mine(tasks.overdue), today=_mine(tasks.today),
                              upcoming=_mine(tasks.upcoming))


@router.get("/follow-ups/team", response_model=list[schemas.LateItemOut],
            responses=errors(422))
def team_overdue(province: str = Province, viewer: Viewer = Supervisor, db: Session = DB):
    """The team's overdue tasks and referrals by province, then urgency (most urgent first);
    a supervisor in no team, and admins, see the whole hotline's."""
    members = (follow_ups.team_members(db, viewer.id) if viewer.role is Role.SUPERVISOR
               else None)
    groups = follow_ups.team_overdue(db, member_ids=members, province_code=province or None)
    return [schemas.LateItemOut(
        case_id=i.case.id, case_number=i.case.number, province_code=i.case.province_code,
        urgency=i.case.urgency, due_at=i.due_at,
        task_id=i.task.id if i.task else None, task_kind=i.task.kind if i.task else None,
        assignee_id=i.task.assignee_id if i.task else None,
        referral_id=i.referral.id if i.referral else None,
        agency_name=i.referral.agency_name if i.referral else None)
        for items in groups.values() for i in items]


@router.get("/cases/{case_id}/follow-ups", response_model=list[schemas.FollowUpOut],
            responses=errors(404, 422))
def case_tasks(request: Request, viewer: Viewer = Worker, case: Case = ReadableCase,
               db: Session = DB):
    return follow_ups.of_case(db, record_read(db, case, viewer, request))


@router.post("/cases/{case_id}/follow-ups", response_model=schemas.FollowUpOut,
             status_code=201, responses=errors(404, 409, 422))
def add(data: schemas.FollowUpIn, request: Request, viewer: Viewer = Worker,
        case: Case = ReadableCase, db: Session = DB):
    """A task on the case; refused when due in the past (422, field ``due_at``) or the
    case is closed (409)."""
    changeable(viewer, case)
    task = follow_ups.create(db, case, kind=data.kind, due_at=data.due_at,
                             actor_id=viewer.id, assignee_id=data.assignee_id,
                             note=data.note, referral_id=data.referral_id)
    follow_up_view.schedule_after_commit(request, db, task)
    return task


def _finish(db: Session, viewer: Viewer, task_id: int, data: schemas.FinishIn, *,
            done: bool):
    task, case = follow_up_view.task_and_case(db, task_id)
    follow_up_view.check_may_finish(viewer, task, case)
    action = follow_ups.complete if done else follow_ups.cancel
    return action(db, task, actor_id=viewer.id, version=data.version)


@router.post("/follow-ups/{task_id}/done", response_model=schemas.FollowUpOut,
             responses=errors(404, 409, 422))
def done(task_id: Id, data: schemas.FinishIn, viewer: Viewer = Worker, db: Session = DB):
    """Mark the task done (once: a second time is 409, field ``state``)."""
    return _finish(db, viewer, task_id, data, done=True)


@router.post("/follow-ups/{task_id}/cancel", response_model=schemas.FollowUpOut,
             responses=errors(404, 409, 422))
def cancel(task_id: Id, data: schemas.FinishIn, viewer: Viewer = Worker, db: Session = DB):
    return _finish(db, viewer, task_id, data, done=False)
