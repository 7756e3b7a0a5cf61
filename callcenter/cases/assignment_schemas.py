"""What the reassignment, "my cases" and hand-over API accept and answer
(``callcenter.cases.assignment``, ``callcenter.cases.caseload``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from callcenter.cases.assignment import HANDOVER_REASON, MAX_BATCH
from callcenter.cases.models import CaseStatus
from callcenter.taxonomy import Urgency

DbId = Field(ge=1, le=2**31 - 1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssignmentIn(_Strict):
    """Give the case to ``owner_id``. ``team_id`` left out keeps the case's team; given as
    null, the case leaves its team. ``version``: the case's, as last read."""

    owner_id: int = DbId
    team_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    reason: str = Field(default="", max_length=300)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class AssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    from_owner_id: int | None
    to_owner_id: int
    from_team_id: int | None
    to_team_id: int | None
    reason: str
    by_id: int
    at: datetime


class HandoverCase(_Strict):
    case_id: int = DbId
    # The case's version as the hand-over list showed it.
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class HandoverIn(_Strict):
    """The ticked cases, dealt in turn to the next shift's workers (each keeps its team)."""

    cases: list[HandoverCase] = Field(min_length=1, max_length=MAX_BATCH)
    to_owner_ids: list[int] = Field(min_length=1, max_length=50)
    reason: str = Field(default=HANDOVER_REASON, max_length=300)


class CaseLoadOut(BaseModel):
    """A case in a worker's list: no person's data, what is due next."""

    id: int
    number: str
    status: CaseStatus
    urgency: Urgency
    province_code: str | None
    owner_id: int | None
    team_id: int | None
    version: int
    next_due_at: datetime | None
    overdue: bool


class MyCasesOut(BaseModel):
    owned: list[CaseLoadOut]
    closed: list[CaseLoadOut]
    team: list[CaseLoadOut]


class HandoverListOut(BaseModel):
    worker_id: int
    cases: list[CaseLoadOut]
