"""Dispatches to rapid-response units, their timeline, and the alerts owed to units.

An ``Alert`` row is the outbox: it is written in the same transaction as its dispatch,
so PostgreSQL, not Redis, is the record of what must still be delivered.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.provinces.models import AlertChannel
from callcenter.taxonomy import Urgency

# An SMS of this many Thai characters is about eight parts; longer belongs on the case.
UNIT_BRIEF_MAX = 500


class DispatchStatus(StrEnum):
    CREATED = "created"
    ALERTED = "alerted"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    COMPLETED = "completed"
    DECLINED = "declined"
    ESCALATED = "escalated"
    # Closed by a hotline supervisor with a reason (duplicate, resolved by phone, …).
    CANCELLED = "cancelled"


class AlertStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Dispatch(Base):
    __tablename__ = "dispatches"
    __table_args__ = (
        Index("ix_dispatches_unit_status", "unit_id", "status"),
        Index("ix_dispatches_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("response_units.id"))
    status: Mapped[DispatchStatus] = mapped_column(
        enum_type(DispatchStatus, "dispatch_status"), default=DispatchStatus.CREATED
    )
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency, "urgency"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    alerted_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    en_route_at: Mapped[datetime | None]
    on_scene_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # What the unit needs to act, written by the agent at dispatch for the unit (it goes
    # in the alerts too). The unit never sees the case's summary: it may name the
    # reporter or the alleged perpetrator.
    unit_brief: Mapped[str] = mapped_column(String(UNIT_BRIEF_MAX), default="",
                                            server_default="")
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str | None] = mapped_column(String(80))
    field_report: Mapped[str | None] = mapped_column(Text)
    # "Every contact tried" steps since the ladder last (re)started: they back off and
    # stop after a limit, while the alarm stays until someone acts.
    alarm_repeats: Mapped[int] = mapped_column(default=0, server_default="0")


class DispatchEvent(Base):
    """One step of a dispatch's timeline."""

    __tablename__ = "dispatch_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(
        ForeignKey("dispatches.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DispatchStatus] = mapped_column(enum_type(DispatchStatus, "dispatch_status"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class Alert(Base):
    """An alert owed to a unit over one channel (the outbox row)."""

    __tablename__ = "alerts"
    __table_args__ = (
        # Retried deliveries carry the same key, so the unit never sees two alerts.
        UniqueConstraint("idempotency_key"),
        Index("ix_alerts_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id"), index=True)
    channel: Mapped[AlertChannel] = mapped_column(enum_type(AlertChannel, "alert_channel"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("unit_contacts.id"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[AlertStatus] = mapped_column(
        enum_type(AlertStatus, "alert_status"), default=AlertStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    attempt_count: Mapped[int] = mapped_column(default=0)


class AlertAttempt(Base):
    """One try at delivering an alert, with the provider's answer or error."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    succeeded: Mapped[bool] = mapped_column(default=False)
    provider_reference: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(String(500))


class AlertTest(Base):
    """A test alert an admin sent to one unit contact, through the same channel adapters,
    RQ queue and relay as a dispatch's alerts, and acknowledged on the unit's console.

    A row of its own rather than a dispatch: no case, no escalation, and nothing a
    report, the dispatch board or the response statistics could ever count. It is its
    own outbox row too (claimed under a lease, swept by the relay when Redis lost it).
    """

    __tablename__ = "alert_tests"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_alert_tests_contact_created", "contact_id", "created_at"),
        Index("ix_alert_tests_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("response_units.id", ondelete="CASCADE"),
                                         index=True)
    # A removed contact takes its tests with it: they said whether *it* worked.
    contact_id: Mapped[int] = mapped_column(ForeignKey("unit_contacts.id", ondelete="CASCADE"))
    channel: Mapped[AlertChannel] = mapped_column(enum_type(AlertChannel, "alert_channel"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[AlertStatus] = mapped_column(
        enum_type(AlertStatus, "alert_status"), default=AlertStatus.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempt_count: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
    # The provider's answer: its reference on success, its error on failure.
    provider_reference: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(String(500))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
