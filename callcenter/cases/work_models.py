"""The records of the work on a case that are kept beside it: reassignments to another
owner, openings with a reason (break the glass), and merges of duplicates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.cases.models import CaseStatus
from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class CaseAssignment(Base):
    """A case handed from one owner (and team) to another, with the reason; the history
    of who held the case (callcenter.cases.assignment)."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    reason: Mapped[str] = mapped_column(String(300))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAccessGrant(Base):
    """A break-the-glass opening: an agent read a case that is not theirs, saying why.

    Lets that agent read the case until ``expires_at`` (``cases.need_to_know``); listed
    for the supervisors, who mark it reviewed with an optional note.
    """

    __tablename__ = "case_access_grants"
    __table_args__ = (
        # The rule asks for one person's grants still in force.
        Index("ix_case_access_grants_user_expires", "user_id", "expires_at"),
        # The review list: newest first, the unreviewed ones alone.
        Index("ix_case_access_grants_review", "reviewed_at", "granted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # What the agent wrote (10 to 300 characters); shown to supervisors, never logged.
    reason: Mapped[str] = mapped_column(String(300))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(String(300))


class CaseMerge(Base):
    """A duplicate case merged into another by a supervisor (``cases.merging``).

    ``moved`` names, per table, the rows that went from the duplicate to the target, so
    an admin's undo moves back exactly those and leaves what was added since. The
    duplicate stays, closed as ``duplicate``; its number still finds the target.
    """

    __tablename__ = "case_merges"
    __table_args__ = (
        # A case is merged away once at a time, even when two supervisors merge it at once.
        Index("uq_case_merges_active_source", "source_case_id", unique=True,
              postgresql_where=text("undone_at IS NULL"),
              sqlite_where=text("undone_at IS NULL")),
        Index("ix_case_merges_merged_at", "merged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    target_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {table name: [row keys moved]}: ids, or the call ids of ``case_calls``.
    moved: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    # The duplicate's status before the merge closed it, given back by an undo.
    source_status_before: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "source_status_before"))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None]
    undone_reason: Mapped[str | None] = mapped_column(String(300))
