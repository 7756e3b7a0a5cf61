"""What the units' administration shows: each unit's members, contacts and last tests,
and the units that need a look (``health``).

It sits in dispatch because it reads across the domains below it: units and contacts
(provinces), members and their sign-ins (agents), and test alerts (here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from callcenter.agents.models import Role, User
from callcenter.dispatch.alert_tests import LastTest, last_by_contact
from callcenter.dispatch.models import AlertStatus
from callcenter.provinces.models import Province, ResponseUnit, UnitContact

# A unit none of whose members signed in for this long may not see its alerts.
QUIET_FOR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    code: str
    province_code: str
    province_th: str
    province_en: str
    name_th: str
    name_en: str
    active: bool
    members: int
    contacts: int
    active_contacts: int
    # The unit's newest test, whatever the contact.
    last_test: LastTest | None


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    login: str
    display_name: str
    active: bool
    last_sign_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnitHealth:
    id: int
    code: str
    name_th: str
    name_en: str
    # Active contacts never tested, and those whose last test failed (their labels).
    never_tested: list[UnitContact] = field(default_factory=list)
    failed: list[tuple[UnitContact, LastTest]] = field(default_factory=list)
    # No member signed in since ``QUIET_FOR`` ago (or the unit has no member at all).
    quiet: bool = False
    last_sign_in_at: datetime | None = None


def table(session: Session) -> list[UnitRow]:
    """Every unit with its counts and newest test, by province code."""
    members = dict(session.execute(
        select(User.unit_id, func.count()).where(User.role == Role.UNIT_MEMBER,
                                                 User.active.is_(True))
        .group_by(User.unit_id)).all())
    counts = {unit_id: (total, active or 0) for unit_id, total, active in session.execute(
        select(UnitContact.unit_id, func.count(),
               func.sum(case((UnitContact.active.is_(True), 1), else_=0)))
        .group_by(UnitContact.unit_id)).all()}
    tests = last_by_contact(session)
    contact_units = dict(session.execute(select(UnitContact.id, UnitContact.unit_id)).all())
    newest: dict[int, LastTest] = {}
    for contact_id, test in tests.items():
        unit_id = contact_units.get(contact_id)
        if unit_id is not None and (unit_id not in newest or newest[unit_id].id < test.id):
            newest[unit_id] = test
    rows = session.execute(
        select(ResponseUnit, Province.name_th, Province.name_en)
        .join(Province, Province.code == ResponseUnit.province_code)
        .order_by(ResponseUnit.province_code, ResponseUnit.id))
    return [UnitRow(u.id, u.code, u.province_code, p_th, p_en, u.name_th, u.name_en, u.active,
                    members.get(u.id, 0), *counts.get(u.id, (0, 0)), newest.get(u.id))
            for u, p_th, p_en in rows]


def members(session: Session, unit_id: int) -> list[Member]:
    """The unit's members (disabled ones too: the page says so), by name."""
    return [Member(u.id, u.login, u.display_name, u.active, u.last_sign_in_at)
            for u in session.scalars(select(User).where(User.unit_id == unit_id)
                                     .order_by(User.display_name, User.id))]


def health(session: Session, *, now: datetime) -> list[UnitHealth]:
    """Active units with a contact never tested or failing its last test, or with no
    member signed in during the last seven days; in province order."""
    tests = last_by_contact(session)
    last_sign_in = dict(session.execute(
        select(User.unit_id, func.max(User.last_sign_in_at))
        .where(User.role == Role.UNIT_MEMBER, User.active.is_(True))
        .group_by(User.unit_id)).all())
    contacts: dict[int, list[UnitContact]] = {}
    for contact in session.scalars(select(UnitContact).where(UnitContact.active.is_(True))
                                   .order_by(UnitContact.unit_id, UnitContact.position)):
        contacts.setdefault(contact.unit_id, []).append(contact)
    found = []
    for unit in session.scalars(select(ResponseUnit).where(ResponseUnit.active.is_(True))
                                .order_by(ResponseUnit.province_code, ResponseUnit.id)):
        mine = contacts.get(unit.id, [])
        never = [c for c in mine if c.id not in tests]
        failed = [(c, tests[c.id]) for c in mine
                  if c.id in tests and tests[c.id].status is AlertStatus.FAILED]
        signed_in = last_sign_in.get(unit.id)
        quiet = signed_in is None or signed_in < now - QUIET_FOR
        if never or failed or quiet:
            found.append(UnitHealth(unit.id, unit.code, unit.name_th, unit.name_en,
                                    never, failed, quiet, signed_in))
    return found

