"""Provinces and their rapid-response units (หน่วยเคลื่อนที่เร็ว)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow


class Region(StrEnum):
    """The six geographic regions used by Thai statistics."""

    NORTH = "north"
    NORTHEAST = "northeast"
    CENTRAL = "central"
    EAST = "east"
    WEST = "west"
    SOUTH = "south"


class AlertChannel(StrEnum):
    """How a unit can be alerted; a unit's contacts are tried in their order."""

    CONSOLE = "console"
    SMS = "sms"
    LINE = "line"
    EMAIL = "email"
    VOICE = "voice"


class ContactRole(StrEnum):
    """Who a contact reaches: the ladder ends with the provincial supervisor."""

    DUTY_CONSOLE = "duty_console"
    DUTY_PHONE = "duty_phone"
    DUTY_LINE = "duty_line"
    DUTY_EMAIL = "duty_email"
    TEAM_LEAD = "team_lead"
    PROVINCIAL_SUPERVISOR = "provincial_supervisor"


class Province(Base):
    __tablename__ = "provinces"

    # ISO 3166-2:TH, e.g. TH-10 for Bangkok.
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    region: Mapped[Region] = mapped_column(enum_type(Region, "region"))

    units: Mapped[list[ResponseUnit]] = relationship(back_populates="province")


class ResponseUnit(Base):
    """A provincial rapid-response unit, run by the province's พมจ."""

    __tablename__ = "response_units"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name_th: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    # The unit's 24-hour duty phone, dialled by a voice alert.
    duty_phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # Counts administrative edits: a form carries the version it was drawn from.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    province: Mapped[Province] = relationship(back_populates="units")
    contacts: Mapped[list[UnitContact]] = relationship(
        back_populates="unit", order_by="UnitContact.position", cascade="all, delete-orphan"
    )


class UnitContact(Base):
    """One way to alert a unit; ``position`` gives the order channels are tried in."""

    __tablename__ = "unit_contacts"
    __table_args__ = (UniqueConstraint("unit_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("response_units.id", ondelete="CASCADE"))
    position: Mapped[int]
    channel: Mapped[AlertChannel] = mapped_column(enum_type(AlertChannel, "alert_channel"))
    # Phone number, LINE user id, e-mail address, or empty for the console.
    address: Mapped[str] = mapped_column(String(200), default="")
    label: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[ContactRole] = mapped_column(enum_type(ContactRole, "contact_role"),
                                              default=ContactRole.DUTY_PHONE,
                                              server_default=ContactRole.DUTY_PHONE.value)
    # An inactive contact stays on the unit's page but the ladder skips it.
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[ResponseUnit] = relationship(back_populates="contacts")


class CentreLine(Base):
    """The number a unit in the field calls to reach the 1300 centre: one row, or none.

    Without a row the units call 1300 itself (``centre_line.DEFAULT``). Admins keep it on
    the console (``/admin/centre-line``), never in a configuration file, so a new direct
    line reaches every unit's page at once.
    """

    __tablename__ = "centre_line"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # E.164 (+6621234567) or a Thai short code (1300).
    phone: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
