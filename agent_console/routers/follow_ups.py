"""Follow-up tasks (pages): my tasks, the team's overdue work, adding a task on the case
page, marking one done or cancelling it, and the navigation's count of my overdue tasks.

The JSON twins are in ``api_follow_ups.py``; the rules in ``callcenter.cases.follow_ups``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, follow_up_view, htmx
from agent_console.case_access import ReadableCase
from agent_console.case_steps import changeable
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.templating import templates
from callcenter.agents.models import Role
from callcenter.cases import agencies, follow_ups
from callcenter.cases.follow_up_models import TaskKind
from callcenter.cases.models import Case
from callcenter.db import utcnow
from callcenter.provinces import catalog

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Supervisor = Depends(require(*access.AUDIT_ROLES))
Province = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$")
VERSION = Form(default=None, ge=1, le=2_147_483_647)
# Where a one-click form sends the person back: the list, or the task's case.
Back = Literal["list", "case"]


def _day_end(request: Request) -> datetime:
    now = datetime.now(request.app.state.settings.zone)
    return datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)


@router.get("/follow-ups", response_class=HTMLResponse)
def my_tasks(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    tasks = follow_ups.mine(db, viewer.id, now=utcnow(), day_end=_day_end(request))
    return templates.TemplateResponse(request, "follow_ups/mine.html", page_context(
        request, tasks=tasks))


@router.get("/follow-ups/team", response_class=HTMLResponse)
def team_overdue(request: Request, province: str = Province, viewer: Viewer = Supervisor,
                 db: Session = DB) -> Response:
    members = (follow_ups.team_members(db, viewer.id) if viewer.role is Role.SUPERVISOR
               else None)
    groups = follow_ups.team_overdue(db, member_ids=members, province_code=province or None)
    assignees = follow_ups.people(db, [i.task.assignee_id for items in groups.values()
                                       for i in items if i.task is not None])
    return templates.TemplateResponse(request, "follow_ups/team.html", page_context(
        request, groups=groups, province=province, provinces=catalog.provinces(),
        province_by_code=agencies.provinces_by_code(), assignees=assignees,
        whole_hotline=members is None))


@router.get("/follow-ups/count", response_class=HTMLResponse)
def overdue_count(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The navigation's badge: how many of my tasks are overdue (nothing when none)."""
    count = follow_ups.overdue_count(db, viewer.id)
    return templates.TemplateResponse(request, "follow_ups/_count.html", page_context(
        request, count=count))


@router.post("/cases/{case_id}/follow-ups")
def add(request: Request, kind: TaskKind = Form(),
        due_date: str = Form(default="", max_length=10),
        due_time: str = Form(default="", max_length=5),
        assignee_id: int | None = Form(default=None, ge=1, le=2_147_483_647),
        note: str = Form(default="", max_length=300),
        referral_id: int | None = Form(default=None, ge=1, le=2_147_483_647),
        viewer: Viewer = Worker, case: Case = ReadableCase, db: Session = DB) -> Response:
    changeable(viewer, case)
    due_at = follow_up_view.parse_due(due_date, due_time, request)
    task = follow_ups.create(db, case, kind=kind, due_at=due_at, actor_id=viewer.id,
                             assignee_id=assignee_id, note=note, referral_id=referral_id)
    follow_up_view.schedule_after_commit(request, db, task)
    return htmx.redirect(request, f"/cases/{case.id}#follow-ups")


def _finish(request: Request, db: Session, viewer: Viewer, task_id: int, *, done: bool,
            version: int | None, back: str) -> Response:
    task, case = follow_up_view.task_and_case(db, task_id)
    follow_up_view.check_may_finish(viewer, task, case)
    action = follow_ups.complete if done else follow_ups.cancel
    action(db, task, actor_id=viewer.id, version=version)
    return htmx.redirect(request, "/follow-ups" if back == "list"
                         else f"/cases/{case.id}#follow-ups")


@router.post("/follow-ups/{task_id}/done")
def done(task_id: Id, request: Request, version: int | None = VERSION,
         back: Back = Form(default="list"), viewer: Viewer = Worker,
         db: Session = DB) -> Response:
    return _finish(request, db, viewer, task_id, done=True, version=version, back=back)


@router.post("/follow-ups/{task_id}/cancel")
def cancel(task_id: Id, request: Request, version: int | None = VERSION,
           back: Back = Form(default="case"), viewer: Viewer = Worker,
           db: Session = DB) -> Response:
    return _finish(request, db, viewer, task_id, done=False, version=version, back=back)
