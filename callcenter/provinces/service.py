"""Reading and writing provinces and their rapid-response units. Never commits.

The catalog (``catalog.py``) is the reference data; these functions put it in the tables
and find the units other domains need. A unit's alert ladder is dispatch's business
(``callcenter.dispatch.ladder``).
"""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from callcenter.collation import by_display_name
from callcenter.provinces.catalog import demo_duty_phone, demo_supervisor_phone, provinces
from callcenter.provinces.models import (
    AlertChannel,
    ContactRole,
    Province,
    ResponseUnit,
    UnitContact,
)


def sync_catalog(session: Session) -> int:
    """Write the 77 provinces from the catalog (names, region); how many existed before."""
    existing = {p.code: p for p in session.scalars(select(Province))}
    for spec in provinces():
        row = existing.get(spec.code) or Province(code=spec.code)
        row.name_th, row.name_en, row.region = spec.name_th, spec.name_en, spec.region
        session.add(row)
    session.flush()
    return len(existing)


def sync_units(session: Session) -> None:
    """One rapid-response unit per province: its console first, then its duty phone, and
    last the provincial supervisor's phone, so every ladder ends with the supervisor.

    A phone is a number the dialplan's ``rru`` context dials (``Local/<number>@rru``);
    made-up ones at first (``demo_duty_phone``, ``demo_supervisor_phone``), replaced by
    the province's real numbers when the hotline sets it up. Units that exist are only
    brought up to date, never reset.
    """
    existing = {u.code: u for u in session.scalars(select(ResponseUnit))}
    for province in session.scalars(select(Province).order_by(Province.code)):
        code = f"RRU-{province.code}"
        phone = demo_duty_phone(province.code)
        unit = existing.get(code)
        if unit is not None:
            _renumber_old_voice_contact(unit, province.code, phone)
            _add_supervisor_if_missing(unit, province.code)
            continue
        unit = ResponseUnit(
            code=code,
            province_code=province.code,
            name_th=f"หน่วยเคลื่อนที่เร็ว พมจ.{province.name_th}",
            name_en=f"Rapid-response unit, {province.name_en}",
            duty_phone=phone,
        )
        unit.contacts = [
            UnitContact(position=1, channel=AlertChannel.CONSOLE, label="unit console",
                        role=ContactRole.DUTY_CONSOLE),
            UnitContact(position=2, channel=AlertChannel.VOICE, address=phone,
                        label="duty phone", role=ContactRole.DUTY_PHONE),
            _supervisor_contact(3, province.code),
        ]
        session.add(unit)
    session.flush()


def active_unit(session: Session, province_code: str) -> ResponseUnit | None:
    """The province's active unit (the first one made, if it ever has several)."""
    return session.scalars(
        select(ResponseUnit).where(ResponseUnit.province_code == province_code,
                                   ResponseUnit.active.is_(True))
        .order_by(ResponseUnit.id).limit(1)
    ).first()


def unit_by_code(session: Session, code: str) -> ResponseUnit | None:
    """A unit by its code (``RRU-TH-50``), as the dialplan hands it back."""
    return session.scalars(select(ResponseUnit).where(ResponseUnit.code == code)).first()



def by_thai_name(session: Session) -> list[Province]:
    """Every province in Thai dictionary order, as the forms' province list shows them
    (English pages re-sort by the English name)."""
    return by_display_name(session.scalars(select(Province)), "th")


def get(session: Session, code: str | None) -> Province | None:
    return session.get(Province, code) if code else None


def unit_of(session: Session, province_code: str | None) -> ResponseUnit | None:
    """The province's active rapid-response unit, or None without a province."""
    return active_unit(session, province_code) if province_code else None


def name_rows(session: Session) -> list[Row[tuple[str, str, str]]]:
    """Every province's code, Thai and English name, by code (the boards' filter)."""
    return list(session.execute(select(Province.code, Province.name_th, Province.name_en)
                                .order_by(Province.code)).all())


def names(session: Session, codes: set[str], lang: str) -> dict[str, str]:
    """These provinces' names in the page's language (English unless Thai), by code."""
    if not codes:
        return {}
    rows = session.execute(select(Province.code, Province.name_th, Province.name_en)
                           .where(Province.code.in_(codes))).all()
    return {code: th if lang == "th" else en for code, th, en in rows}


def _supervisor_contact(position: int, province_code: str) -> UnitContact:
    return UnitContact(position=position, channel=AlertChannel.VOICE,
                       address=demo_supervisor_phone(province_code),
                       label="provincial supervisor", role=ContactRole.PROVINCIAL_SUPERVISOR)


def _add_supervisor_if_missing(unit: ResponseUnit, province_code: str) -> None:
    """Units made before contacts had roles get the supervisor as their last rung."""
    if any(c.role is ContactRole.PROVINCIAL_SUPERVISOR for c in unit.contacts):
        return
    last = max((c.position for c in unit.contacts), default=0)
    unit.contacts.append(_supervisor_contact(last + 1, province_code))


def _renumber_old_voice_contact(unit: ResponseUnit, province_code: str, phone: str) -> None:
    """Earlier versions stored the dial string ``Local/th50@rru``, which the ``rru`` context
    cannot dial; give such a contact the number instead (no other contact is touched)."""
    old = f"Local/{province_code.lower().replace('-', '')}@rru"
    for contact in unit.contacts:
        if contact.channel == AlertChannel.VOICE and contact.address == old:
            contact.address = phone
            if unit.duty_phone is None:
                unit.duty_phone = phone
