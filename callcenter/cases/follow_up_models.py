"""Follow-up tasks on a case and the reminders sent about them (and about referrals)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class TaskKind(StrEnum):
    """What the follow-up is: a closed list, so the lists and the report can count it."""

    CALL_BACK = "call_back"            # call the person back
    CHECK_REFERRAL = "check_referral"  # ask the agency how the referral goes
    VISIT = "visit"                    # a home or field visit
    OTHER = "other"


class ReminderKind(StrEnum):
    DUE = "due"                                        # to the assignee (or case owner)
    OVERDUE_TO_SUPERVISOR = "overdue_to_supervisor"    # past the grace, to their supervisors


class FollowUpTask(Base):
    """Something someone must do on a case by a given time; done or cancelled once."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        # The reminder sweep and the lists read open tasks by due time.
        Index("ix_follow_up_tasks_open_due", "done_at", "cancelled_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TaskKind] = mapped_column(enum_type(TaskKind, "follow_up_kind"))
    # The worker's words about the work; never copied into the audit trail or a reminder.
    note: Mapped[str | None] = mapped_column(String(300))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime]
    # A check_referral task names the referral it checks.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Cancelled because the case closed (said so on the timeline), not by a person's click.
    cancelled_by_close: Mapped[bool] = mapped_column(default=False)
    # Two tabs marking the same task: the second learns the first already did.
    version: Mapped[int] = mapped_column(default=1)

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


class FollowUpReminder(Base):
    """One reminder sent to one person: the row is the proof, and its unique key the
    guard, that it was sent once (two senders racing: the second insert fails)."""

    __tablename__ = "follow_up_reminders"
    __table_args__ = (UniqueConstraint("subject", "kind", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "task:<id>" or "referral:<id>": one key for both kinds of subject.
    subject: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_tasks.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind, "reminder_kind"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


def task_subject(task_id: int) -> str:
    return f"task:{task_id}"


def referral_subject(referral_id: int) -> str:
    return f"referral:{referral_id}"
