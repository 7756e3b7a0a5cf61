"""What the closure API accepts and answers: decisions on waiting closes, the case clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter.cases.models import ClosureOutcome, ClosureState


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The request's version as it was read: a second decision learns of the first.
    version: int = Field(ge=1, le=2_147_483_647)


class SendBackIn(ApproveIn):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=300)]


class ClosureRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    outcome: ClosureOutcome
    reason: str | None
    requested_by_id: int
    requested_at: datetime
    state: ClosureState
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str | None
    version: int


class WaitingClosureOut(ClosureRequestOut):
    case_number: str


class ClockStepOut(BaseModel):
    name: str
    at: datetime | None
    seconds: float | None


class CaseClockOut(BaseModel):
    case_id: int
    first_contact: datetime
    steps: list[ClockStepOut]
