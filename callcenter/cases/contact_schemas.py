"""What the contacts API accepts and answers: a call attached or a walk-in or message
recorded, and each contact with its call record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from callcenter.calls.models import CallDirection, CallOutcome
from callcenter.cases.contact_rules import SUMMARY_MAX
from callcenter.cases.models import ContactChannel


class ContactIn(BaseModel):
    """``phone`` with the ``call_id`` of one of the worker's own calls; ``walk_in`` or
    ``message`` with when it happened (now if not given) and an optional summary."""

    model_config = ConfigDict(extra="forbid")

    channel: ContactChannel
    call_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    occurred_at: AwareDatetime | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True,
                                              max_length=SUMMARY_MAX)] | None = None


class CallRecordOut(BaseModel):
    """The call behind a phone contact, as its row has it (the number masked by role)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    direction: CallDirection
    caller_number: str | None
    queue_name: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: int | None
    talk_seconds: int | None
    outcome: CallOutcome
    disposition: str | None


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    channel: ContactChannel
    call_id: int | None
    handled_by_id: int | None
    handled_by: str | None = None
    occurred_at: datetime
    summary: str | None
    attached_by_id: int | None
    attached_at: datetime
    call: CallRecordOut | None = None
