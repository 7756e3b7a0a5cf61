"""A call handed from one staff member to another by a transfer (table `call_handovers`).

The bridge's legs say what Asterisk did with the channels; this row says what the console
asked for and who it was for, so that the receiver's screen-pop finds the draft or case
the first agent was writing, and the case's timeline can say "from whom to whom, blind or
warm, when". It points at the call only: a case finds its hand-overs through the calls
linked to it, so a draft opened as a case later needs no update here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class HandoverKind(StrEnum):
    BLIND = "blind"  # AMI BlindTransfer: the caller goes at once, nobody is consulted
    WARM = "warm"  # AMI Atxfer: the agent consults first, the caller on hold


class HandoverState(StrEnum):
    CONSULTING = "consulting"  # a warm transfer's consultation is going on
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CallHandover(Base):
    __tablename__ = "call_handovers"
    __table_args__ = (Index("ix_call_handovers_call", "call_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    kind: Mapped[HandoverKind] = mapped_column(enum_type(HandoverKind, "handover_kind"))
    state: Mapped[HandoverState] = mapped_column(enum_type(HandoverState, "handover_state"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Exactly one target: a colleague, a queue (whoever answers it is known later and
    # then written to to_user_id), or an outside service's number (warm only).
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_queue: Mapped[str | None] = mapped_column(String(64))
    to_number: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
