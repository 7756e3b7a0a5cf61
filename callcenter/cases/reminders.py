"""Which follow-up reminders are owed, and sending each exactly once.

A reminder is owed for an open task once it is due (to its assignee) and once the grace
past its due time has run out (to the assignee's supervisors, ``teams.supervisors_of``);
for a referral still sent or accepted after its due time, the same two go to the case's
owner and the owner's supervisors. PostgreSQL says what is owed: a reminder is sent when a
``follow_up_reminders`` row is written for it, one per subject, kind and recipient. The
sender writes the rows of one reminder in a transaction of their own, and publishes on
the recipients' notice topics only after that commit; a second sender's insert fails on
the unique key, so it publishes nothing. The RQ job at the due time and the worker's
sweep (``reminder_jobs``) both send through here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import redis as redis_lib
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import topics
from callcenter.agents import teams
from callcenter.agents.models import User
from callcenter.cases import agencies
from callcenter.cases import follow_up_rules as rules
from callcenter.cases.follow_up_models import (
    FollowUpReminder,
    FollowUpTask,
    ReminderKind,
    referral_subject,
    task_subject,
)
from callcenter.cases.models import Case, Referral
from callcenter.settings import load

log = logging.getLogger(__name__)
BATCH = 500


class ReminderSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLCENTER_", extra="ignore")

    # How long past its due time a task or referral may stay open before the assignee's
    # (the case owner's) supervisors hear of it.
    follow_up_overdue_grace_minutes: float = Field(default=30, ge=0)
    # How often the worker's sweep looks for reminders nobody sent (a lost job, a dead
    # worker); the scheduled job sends on time, the sweep at most this late.
    follow_up_sweep_seconds: float = Field(default=60, gt=0)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.follow_up_overdue_grace_minutes)


@lru_cache(maxsize=1)
def get_reminder_settings() -> ReminderSettings:
    return load(ReminderSettings)


@dataclass(frozen=True)
class Owed:
    """One reminder: its rows (a recipient each) and the notice they are told."""

    subject: str
    kind: ReminderKind
    recipients: tuple[int, ...]
    payload: dict[str, Any]
    task_id: int | None = None
    referral_id: int | None = None


def _notice(kind: str, case: Case, due_at: datetime, **ids: Any) -> dict[str, Any]:
    # Ids, codes and the due time only: no person's data goes on the bus.
    return {"kind": kind, "case_id": case.id, "case_number": case.number, **ids,
            "due_at": due_at.isoformat()}


def _supervisors(session: Session, user_id: int) -> tuple[int, ...]:
    return tuple(u.id for u in teams.supervisors_of(session, user_id))


def _active(session: Session, user_id: int | None) -> bool:
    user = session.get(User, user_id) if user_id is not None else None
    return user is not None and user.active


def for_task(session: Session, task: FollowUpTask, case: Case, *, now: datetime,
             grace: timedelta) -> list[Owed]:
    """The reminders an open task is owed by now (sent or not: ``claim`` decides)."""
    if not task.is_open:
        return []
    out = []
    ids = {"task_id": task.id, "task_kind": task.kind.value}
    if rules.due_reminder_owed(task.due_at, now) and _active(session, task.assignee_id):
        out.append(Owed(task_subject(task.id), ReminderKind.DUE, (task.assignee_id,),
                        _notice("follow_up_due", case, task.due_at, **ids), task_id=task.id))
    if rules.supervisor_reminder_owed(task.due_at, now, grace):
        leads = _supervisors(session, task.assignee_id)
        if leads:
            out.append(Owed(task_subject(task.id), ReminderKind.OVERDUE_TO_SUPERVISOR, leads,
                            _notice("follow_up_overdue", case, task.due_at,
                                    **ids, assignee_id=task.assignee_id), task_id=task.id))
    return out


def for_referral(session: Session, referral: Referral, case: Case, *, now: datetime,
                 grace: timedelta) -> list[Owed]:
    if not agencies.is_overdue(referral, now) or case.owner_id is None:
        return []
    assert referral.due_at is not None
    ids = {"referral_id": referral.id}
    out = []
    if _active(session, case.owner_id):
        out.append(Owed(referral_subject(referral.id), ReminderKind.DUE, (case.owner_id,),
                        _notice("referral_overdue", case, referral.due_at, **ids,
                                to_supervisor=False), referral_id=referral.id))
    if rules.supervisor_reminder_owed(referral.due_at, now, grace):
        leads = _supervisors(session, case.owner_id)
        if leads:
            out.append(Owed(referral_subject(referral.id), ReminderKind.OVERDUE_TO_SUPERVISOR,
                            leads, _notice("referral_overdue", case, referral.due_at, **ids,
                                           to_supervisor=True), referral_id=referral.id))
    return out


def _unsent(column: Any, owner: Any, kind: ReminderKind) -> Any:
    return ~exists().where(column == owner, FollowUpReminder.kind == kind)


def owed(session: Session, *, now: datetime, grace: timedelta) -> list[Owed]:
    """Every reminder owed and not yet sent (the sweep): due tasks and overdue referrals
    without their row of that kind."""
    out: list[Owed] = []
    for kind, before in ((ReminderKind.DUE, now),
                         (ReminderKind.OVERDUE_TO_SUPERVISOR, now - grace)):
        tasks = session.execute(
            select(FollowUpTask, Case).join(Case, Case.id == FollowUpTask.case_id)
            .where(FollowUpTask.done_at.is_(None), FollowUpTask.cancelled_at.is_(None),
                   FollowUpTask.due_at <= before,
                   _unsent(FollowUpReminder.task_id, FollowUpTask.id, kind))
            .order_by(FollowUpTask.due_at).limit(BATCH))
        for task, case in tasks:
            out += [o for o in for_task(session, task, case, now=now, grace=grace)
                    if o.kind is kind]
        referrals = session.execute(
            select(Referral, Case).join(Case, Case.id == Referral.case_id)
            .where(Referral.status.in_(agencies.OVERDUE_STATUSES),
                   Referral.due_at.is_not(None), Referral.due_at < before,
                   _unsent(FollowUpReminder.referral_id, Referral.id, kind))
            .order_by(Referral.due_at).limit(BATCH))
        for referral, case in referrals:
            out += [o for o in for_referral(session, referral, case, now=now, grace=grace)
                    if o.kind is kind]
    return out


def owed_for_task(session: Session, task_id: int, *, now: datetime,
                  grace: timedelta) -> list[Owed]:
    """The reminders one task is owed now (its scheduled job), sent or not."""
    task = session.get(FollowUpTask, task_id)
    if task is None:
        return []
    case = session.get(Case, task.case_id)
    assert case is not None
    return for_task(session, task, case, now=now, grace=grace)


def still_owed(session: Session, item: Owed, *, now: datetime, grace: timedelta) -> bool:
    """Read again in the sending transaction: a task done meanwhile is owed nothing."""
    if item.task_id is not None:
        found = owed_for_task(session, item.task_id, now=now, grace=grace)
    else:
        referral = session.get(Referral, item.referral_id)
        case = session.get(Case, referral.case_id) if referral is not None else None
        found = ([] if referral is None or case is None
                 else for_referral(session, referral, case, now=now, grace=grace))
    return any(o.kind is item.kind for o in found)


def claim(session: Session, item: Owed, *, now: datetime) -> bool:
    """Write the reminder's rows; False when another sender wrote them first (then this
    one must publish nothing). Only these rows go in the caller's transaction."""
    try:
        with session.begin_nested():
            for recipient in item.recipients:
                session.add(FollowUpReminder(
                    subject=item.subject, kind=item.kind, recipient_id=recipient,
                    task_id=item.task_id, referral_id=item.referral_id, sent_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def publish(client: redis_lib.Redis, item: Owed) -> None:
    """Tell each recipient's open pages (after the claim's commit)."""
    body = json.dumps(item.payload, ensure_ascii=False)
    for recipient in item.recipients:
        client.publish(topics.notices_topic(recipient), body)
    log.info("follow_up.reminder subject=%s kind=%s recipients=%s", item.subject,
             item.kind.value, len(item.recipients))
