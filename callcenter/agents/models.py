"""People who sign in: hotline agents, supervisors, unit members, administrators."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.pick_lists import PickItem


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
    # The TOTP secret, sealed with the application's secret key (callcenter.agents.totp).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    # The last accepted TOTP time step: a code is good once (ASVS 2.8.4).
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Wrong passwords and wrong second-factor codes are counted apart: a right password
    # must not wipe the codes' count, or "password, then four wrong codes" repeats forever.
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_codes: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Counts administrative edits (not sign-ins): an admin's form carries the version it
    # was drawn from, and a save over a newer version is refused with what changed.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    last_sign_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Set by an admin: the next sign-in leads to choosing a new password, and nothing else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")


class ConsoleSession(Base):
    """A signed-in browser. The cookie holds a random token; the row holds its SHA-256,
    so a dump of the table yields no usable cookie. PostgreSQL is the record, so a
    lost Redis never signs anyone out."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Supervisors and admins pass a second factor before the session is complete.
    second_factor_done: Mapped[bool] = mapped_column(default=False)
    # A TOTP secret being enrolled (sealed), until one code confirms it.
    pending_totp: Mapped[str | None] = mapped_column(String(255))
    # When this session last passed a TOTP code: sensitive administrative actions ask for
    # a fresh one once this is older than ``callcenter.agents.step_up.FRESH_FOR``.
    fresh_factor_at: Mapped[datetime | None]


class SignInFailures(Base):
    """Failed sign-ins from one client address, for the per-address throttle
    (``callcenter.agents.throttle``). In the database, not Redis, as sessions are: signing
    in must keep working, and keep being slowed, when Redis is lost."""

    __tablename__ = "sign_in_failures"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(index=True)


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


class AgentState(StrEnum):
    LOGGED_IN = "logged_in"
    AVAILABLE = "available"
    RINGING = "ringing"
    IN_CALL = "in_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"
    # Signed in, but the phone cannot be rung (Asterisk device state invalid/unavailable).
    UNAVAILABLE = "unavailable"
    LOGGED_OUT = "logged_out"


class AgentStateChange(Base):
    """One row each time an agent's state changes; a state lasts until the next row.

    The bridge writes it; the reports read pause time by reason from it.
    """

    __tablename__ = "agent_state_changes"
    __table_args__ = (
        Index("ix_agent_state_changes_interface_at", "agent_interface", "changed_at"),
        Index("ix_agent_state_changes_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(40))
    # The queue member interface, as every AMI queue event names the agent.
    agent_interface: Mapped[str] = mapped_column(String(128))
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[AgentState] = mapped_column(enum_type(AgentState, "agent_state"))
    # The pause reason the agent or supervisor chose (Asterisk's PausedReason).
    reason: Mapped[str | None] = mapped_column(String(80))
    changed_at: Mapped[datetime]


class SetupLink(Base):
    """A one-time link with which a person chooses their password (``setup_links.py``).

    The admin hands the link over; the row keeps only the token's SHA-256, so neither a
    dump of the table nor the audit trail yields a usable link. A link is good once and
    for a day; a newer link for the same person ends the older ones (``expires_at`` moved
    to the moment it was replaced).
    """

    __tablename__ = "setup_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Team(Base):
    """A group of workers who share cases: the hotline's follow-up team, a province's.

    A case may belong to a team as well as to its owner; the team's members read it and
    pick it up when its owner is away. The team's supervisors are the ones told when its
    members' follow-ups run late. Teams are kept by admins and never deleted.
    """

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The province a provincial team covers; None for the hotline's own teams.
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class TeamMember(Base):
    """Who is in a team; a person may be in several (a supervisor leads more than one)."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PauseReason(PickItem, Base):
    """A reason an agent may pause for (callcenter.pick_lists): the code is Asterisk's
    PausedReason and the reports' key; the labels are what people read."""

    __tablename__ = "pause_reasons"
    __table_args__ = (UniqueConstraint("code"),)
