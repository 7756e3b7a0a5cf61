"""The rules of follow-up tasks and of their reminders. Pure: no session, no clock.

A task is created due in the future (a minute's tolerance, for a form filled in slowly
or a clock a little apart), for an active worker, on a case that is not closed; it is
done or cancelled once. Its reminders: "due" to the assignee at the due time, and
"overdue" to the assignee's supervisors once a grace has passed without it being done.
Referrals still waiting on their agency after their due time get the same two, to the
case's owner and the owner's supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.errors import Conflict, InvalidInput

NOTE_MAX = 300
# A form filled in slowly, or two clocks a little apart, is not "in the past".
PAST_TOLERANCE = timedelta(minutes=1)
# Further ahead than this is a typing error (a year typed wrong), not a plan.
FUTURE_LIMIT = timedelta(days=366)
WORKER_ROLES = frozenset({"agent", "supervisor", "admin"})


@dataclass(frozen=True)
class Assignee:
    """What the rules need to know of the person a task is given to."""

    role: str
    active: bool


def check_due(due_at: datetime, now: datetime) -> datetime:
    """A new task's due time: in the future (within the tolerance) and within a year."""
    if due_at.tzinfo is None:
        raise InvalidInput("give the due time with its zone", field="due_at")
    if due_at < now - PAST_TOLERANCE:
        raise InvalidInput("a follow-up cannot be due in the past: choose a later time",
                           field="due_at")
    if due_at > now + FUTURE_LIMIT:
        raise InvalidInput("a follow-up is due within a year", field="due_at")
    return due_at


def check_assignee(assignee: Assignee | None) -> None:
    if assignee is None or not assignee.active or assignee.role not in WORKER_ROLES:
        raise InvalidInput("give the task to an active agent or supervisor",
                           field="assignee_id")



def check_case_open(case_closed: bool) -> None:
    if case_closed:
        raise Conflict("a closed case takes no new follow-up: reopen it first", field="case")


def check_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"the note is at most {NOTE_MAX} characters", field="note")
    return text or None


def check_still_open(*, done: bool, cancelled: bool) -> None:
    """Done or cancelled once: a second click (another tab) is told, not applied again."""
    if done:
        raise Conflict("this follow-up is already done", field="follow_up")
    if cancelled:
        raise Conflict("this follow-up was already cancelled", field="follow_up")


# --- what is late --------------------------------------------------------------------------

def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at < now


def due_reminder_owed(due_at: datetime, now: datetime) -> bool:
    """The assignee hears of a task (the owner of a referral) once it is due."""
    return due_at <= now


def supervisor_reminder_owed(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """The supervisors hear once the grace past the due time has run out."""
    return due_at + grace <= now


def bucket(due_at: datetime, now: datetime, *, day_end: datetime) -> str:
    """Where a task sits in "my tasks": overdue, today (due later today), or upcoming."""
    if due_at < now:
        return "overdue"
    if due_at < day_end:
        return "today"
    return "upcoming"
