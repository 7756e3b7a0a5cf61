"""What the follow-up API accepts and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from callcenter.cases.follow_up_models import TaskKind
from callcenter.cases.follow_up_rules import NOTE_MAX
from callcenter.taxonomy import Urgency

DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: TaskKind
    # With its zone (ISO 8601, e.g. 2026-12-07T09:00:00+07:00); not in the past.
    due_at: AwareDatetime
    # Who does it; the one asking when not given.
    assignee_id: DbId | None = None
    note: Note | None = None
    # For check_referral: the referral of this case it checks.
    referral_id: DbId | None = None


class FinishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The task's version as read; optional (a one-click list sends it).
    version: DbId | None = None


class FollowUpOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    kind: TaskKind
    note: str | None
    assignee_id: int
    due_at: datetime
    referral_id: int | None
    created_by_id: int
    created_at: datetime
    done_at: datetime | None
    done_by_id: int | None
    cancelled_at: datetime | None
    cancelled_by_id: int | None
    cancelled_by_close: bool
    version: int


class MyTaskOut(FollowUpOut):
    case_number: str
    urgency: Urgency


class MyTasksOut(BaseModel):
    overdue: list[MyTaskOut]
    today: list[MyTaskOut]
    upcoming: list[MyTaskOut]


class LateItemOut(BaseModel):
    """An overdue task (``task_id``) or referral (``referral_id``) of the team's."""

    case_id: int
    case_number: str
    province_code: str | None
    urgency: Urgency
    due_at: datetime
    task_id: int | None = None
    task_kind: TaskKind | None = None
    assignee_id: int | None = None
    referral_id: int | None = None
    agency_name: str | None = None
