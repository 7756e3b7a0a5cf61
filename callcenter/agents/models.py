"""People who sign in: hotline agents, supervisors, unit members, administrators."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    UNIT_MEMBER = "unit_member"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("login"),
        # A unit member without a unit could see no dispatch, or all of them.
        CheckConstraint(
            "(role = 'unit_member') = (unit_id IS NOT NULL)", name="unit_member_has_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("response_units.id"), index=True)
    # ISO 639-1 codes of the languages the person can take calls in.
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["th"])
    # The Asterisk device the agent answers on, e.g. PJSIP/agent1001.
    phone_interface: Mapped[str | None] = mapped_column(String(80))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentSkill(Base):
    """A queue an agent signs in to; a lower penalty is rung first."""

    __tablename__ = "agent_skills"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    penalty: Mapped[int] = mapped_column(default=0)
