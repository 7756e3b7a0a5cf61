"""Public reports (the website form, the app) and what their reporters add later."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.taxonomy import Language

# The queue every public report waits in, whatever its priority: agents read it on
# /web-reports (no Asterisk queue: nobody is on the line).
WEB_QUEUE = "web"


class ReportSource(StrEnum):
    WEBSITE = "website"
    APP = "app"


class ReportState(StrEnum):
    """Where a report is in the web queue (the reporter sees ``policy.public_status``)."""

    WAITING = "waiting"    # nobody has taken it yet
    TAKEN = "taken"        # an agent is reading it
    HANDLED = "handled"    # a case was opened from it, or it was attached to one
    FLAGGED = "flagged"    # a prank or abuse of the form: no case


class ReportFlag(StrEnum):
    """What a report that is no case was, as a call's disposition says (prank) or worse."""

    PRANK = "prank"
    ABUSE = "abuse"


class ContactWay(StrEnum):
    """How the person may be reached: never, or by what, at the times they said are safe."""

    NONE = "none"
    PHONE = "phone"
    EMAIL = "email"


class PublicReport(Base):
    __tablename__ = "public_reports"
    __table_args__ = (
        UniqueConstraint("tracking_hash"),
        # A retried submission (same key) finds its report instead of making another.
        UniqueConstraint("idempotency_hash"),
        # The web queue: waiting reports by priority, then oldest first.
        Index("ix_public_reports_state_priority", "state", "priority", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed digest of the tracking code: the code itself is shown once, never stored.
    tracking_hash: Mapped[str] = mapped_column(String(64))
    # A keyed digest of the client's idempotency key, and of what it sent with it.
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[ReportSource] = mapped_column(enum_type(ReportSource, "report_source"))
    language: Mapped[Language] = mapped_column(enum_type(Language, "report_language"))
    priority: Mapped[int]
    urgent: Mapped[bool] = mapped_column(default=False)
    queue: Mapped[str] = mapped_column(String(20), default=WEB_QUEUE)
    state: Mapped[ReportState] = mapped_column(
        enum_type(ReportState, "report_state"), default=ReportState.WAITING)
    flag: Mapped[ReportFlag | None] = mapped_column(enum_type(ReportFlag, "report_flag"))

    # What the person wrote: survivor data, never logged, shown only to the agent on it.
    what_happened: Mapped[str] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    district_code: Mapped[str | None] = mapped_column(String(4))
    in_danger_now: Mapped[bool] = mapped_column(default=False)
    contact_way: Mapped[ContactWay] = mapped_column(enum_type(ContactWay, "report_contact"))
    contact_value: Mapped[str | None] = mapped_column(String(120))
    safe_times: Mapped[str | None] = mapped_column(String(200))
    # Empty: the person stayed anonymous.
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    consent: Mapped[bool]
    # A keyed digest of the sender's address (never the address): reports flagged from
    # the same address are counted, as a number's prank calls are.
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    # The partner application that sent it (``source`` is ``app``); none from the website.
    app_key_id: Mapped[int | None] = mapped_column(ForeignKey("intake_app_keys.id"))
    # Raised by every agent's step: a step drawn on an older page is refused (409).
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class ReportAddition(Base):
    """Something the reporter added later with the tracking code."""

    __tablename__ = "public_report_additions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("public_reports.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppKey(Base):
    """A partner application's key to ``POST /api/intake/reports``.

    The key itself is shown once when issued and never stored: only its digest
    (``app_key_rules.digest``) and a short prefix that lets admins tell keys apart.
    Revoked, never deleted: the reports and the audit trail keep naming it.
    """

    __tablename__ = "intake_app_keys"
    __table_args__ = (UniqueConstraint("digest"), UniqueConstraint("prefix"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # The application as agents see it on the web queue ("แอป ... ของกระทรวง").
    name: Mapped[str] = mapped_column(String(120))
    # Who answers for the application (a person, an e-mail, a phone): staff data.
    contact: Mapped[str] = mapped_column(String(200))
    per_minute: Mapped[int]
    prefix: Mapped[str] = mapped_column(String(24))
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(300))
