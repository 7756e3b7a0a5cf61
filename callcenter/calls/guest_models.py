"""The interpreters' roster and the guests a call had: interpreters and emergency services.

A guest is anyone the agent dialled into the call's conference (docs/console.md, "Three-way
calls and wrap-up"). The row is the call's record of who joined, in which language or for
which service, and when they came and went; the case shows it through the calls attached
to it (``case_calls``), so nothing here points at a case and a merge moves nothing.
"""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class Interpreter(Base):
    """Someone the hotline may dial in to interpret, kept by admins.

    ``days`` are the weekdays they take calls, Monday = 0 ("01234" is Monday to Friday);
    ``from_time``..``until_time`` is Bangkok time, an ``until_time`` at or before
    ``from_time`` runs past midnight (00:00..00:00 is the whole day).
    """

    __tablename__ = "interpreters"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), index=True)  # ISO 639-1/-3 code
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))  # E.164 (+66…), dialled as 0…
    days: Mapped[str] = mapped_column(String(7), default="0123456")
    from_time: Mapped[time]
    until_time: Mapped[time]
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GuestRole(StrEnum):
    INTERPRETER = "interpreter"
    SERVICE = "service"  # an emergency service taking the caller over (191, 1669, 1387)


class CallGuest(Base):
    """One guest dialled into a call's conference."""

    __tablename__ = "call_guests"
    __table_args__ = (Index("ix_call_guests_call_id", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    role: Mapped[GuestRole] = mapped_column(enum_type(GuestRole, "guest_role"))
    language: Mapped[str | None] = mapped_column(String(8))
    service: Mapped[str | None] = mapped_column(String(16))  # police | ems | children
    interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(20))
    # The guest's channel once the bridge saw it join: what a drop kicks.
    channel: Mapped[str | None] = mapped_column(String(128))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime]
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    # A service's warm hand-off: when the agent left the caller and the service together.
    agent_left_at: Mapped[datetime | None]
