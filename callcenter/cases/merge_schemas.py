"""What the merge API accepts and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callcenter.cases.merging import MergeView
from callcenter.cases.models import CaseStatus

NUMBER_PATTERN = r"^\d{4}-\d{4}-\d{6}$"


class MergeIn(BaseModel):
    """The duplicate, by id or by number (as people find it), and why it is one."""

    model_config = ConfigDict(extra="forbid")

    source_case_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    source_number: str | None = Field(default=None, pattern=NUMBER_PATTERN)
    # Checked by the service (required, at most 300 characters once trimmed).
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def one_source(self) -> MergeIn:
        if (self.source_case_id is None) == (self.source_number is None):
            raise ValueError("give the duplicate's source_case_id or its source_number")
        return self


class UndoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class MergeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_case_id: int
    source_number: str
    target_case_id: int
    target_number: str
    reason: str
    merged_by_id: int
    merged_at: datetime
    # {table: [row ids]} moved from the duplicate (``case_calls``: call ids).
    moved: dict[str, list[int]]
    source_status_before: CaseStatus
    undone_by_id: int | None
    undone_at: datetime | None
    undone_reason: str | None
    # The last moment an admin may undo it, and whether one may now.
    undo_until: datetime
    can_undo: bool

    @classmethod
    def of(cls, view: MergeView) -> MergeOut:
        row = view.merge
        return cls(
            id=row.id, source_case_id=row.source_case_id, source_number=view.source_number,
            target_case_id=row.target_case_id, target_number=view.target_number,
            reason=row.reason, merged_by_id=row.merged_by_id, merged_at=row.merged_at,
            moved=row.moved, source_status_before=row.source_status_before,
            undone_by_id=row.undone_by_id, undone_at=row.undone_at,
            undone_reason=row.undone_reason, undo_until=view.undo_until,
            can_undo=view.can_undo)


class PreviewOut(BaseModel):
    source_case_id: int
    source_number: str
    target_case_id: int
    target_number: str
    # {table: rows that would move}
    moves: dict[str, int]
