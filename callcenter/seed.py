"""Reference data and demo accounts. Safe to run any number of times."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents import service as agents
from callcenter.agents.models import AgentSkill, Role, User
from callcenter.provinces.catalog import demo_duty_phone, provinces
from callcenter.provinces.models import (
    AlertChannel,
    ContactRole,
    Province,
    ResponseUnit,
    UnitContact,
)
from callcenter.queues.catalog import QUEUES
from callcenter.queues.models import Queue

# Known only to the demo; `seed` refuses to create these accounts in production.
DEMO_PASSWORD = "hotline-1300-demo"  # noqa: S105 (a published demo password)


@dataclass(frozen=True)
class DemoUser:
    login: str
    display_name: str
    role: Role
    queues: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("th",)
    unit_code: str | None = None
    phone_interface: str | None = None


DEMO_USERS = (
    DemoUser("admin", "ผู้ดูแลระบบ", Role.ADMIN),
    # Phones are the endpoints of asterisk_conf/pjsip.conf, each named as its login.
    DemoUser("supervisor", "หัวหน้าเวร สมศรี", Role.SUPERVISOR,
             phone_interface="PJSIP/supervisor"),
    DemoUser("agent1", "สมหญิง ใจดี", Role.AGENT,
             ("urgent", "violence", "operator"), ("th",), phone_interface="PJSIP/agent1"),
    DemoUser("agent2", "Somchai Rakdee", Role.AGENT,
             ("urgent", "violence", "trafficking", "english"), ("th", "en"),
             phone_interface="PJSIP/agent2"),
    DemoUser("agent3", "Malee Srisuk", Role.AGENT,
             ("trafficking", "burmese", "khmer", "lao"), ("th", "my", "km", "lo"),
             phone_interface="PJSIP/agent3"),
    DemoUser("agent4", "Pranee Kaewmanee", Role.AGENT,
             ("pregnancy", "welfare", "missing", "homeless", "operator"), ("th",),
             phone_interface="PJSIP/agent4"),
    DemoUser("unit.th50", "หน่วยเคลื่อนที่เร็ว เชียงใหม่", Role.UNIT_MEMBER, unit_code="RRU-TH-50"),
    DemoUser("unit.th10", "หน่วยเคลื่อนที่เร็ว กรุงเทพมหานคร", Role.UNIT_MEMBER,
             unit_code="RRU-TH-10"),
)


def seed_provinces(session: Session) -> int:
    existing = {p.code: p for p in session.scalars(select(Province))}
    for spec in provinces():
        row = existing.get(spec.code) or Province(code=spec.code)
        row.name_th, row.name_en, row.region = spec.name_th, spec.name_en, spec.region
        session.add(row)
    session.flush()
    return len(existing)


def demo_supervisor_phone(code: str) -> str:
    """The made-up phone of a province's duty supervisor (พมจ.): 09910000 + its number.

    Not a real line; the demo's simulated Asterisk answers it like any unknown number.
    """
    return "09910000" + code.removeprefix("TH-").zfill(2)


def seed_units(session: Session) -> None:
    """One rapid-response unit per province: its console first, then its duty phone, and
    last the provincial supervisor's phone, so every ladder ends with the supervisor.

    A phone is a number the dialplan's ``rru`` context dials (``Local/<number>@rru``);
    made-up ones in the seed (``demo_duty_phone``, ``demo_supervisor_phone``), replaced by
    the province's real numbers when the hotline sets it up.
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


def _supervisor_contact(position: int, province_code: str) -> UnitContact:
    return UnitContact(position=position, channel=AlertChannel.VOICE,
                       address=demo_supervisor_phone(province_code),
                       label="provincial supervisor", role=ContactRole.PROVINCIAL_SUPERVISOR)


def _add_supervisor_if_missing(unit: ResponseUnit, province_code: str) -> None:
    """Units seeded before contacts had roles get the supervisor as their last rung."""
    if any(c.role is ContactRole.PROVINCIAL_SUPERVISOR for c in unit.contacts):
        return
    last = max((c.position for c in unit.contacts), default=0)
    unit.contacts.append(_supervisor_contact(last + 1, province_code))


def _renumber_old_voice_contact(unit: ResponseUnit, province_code: str, phone: str) -> None:
    """Earlier seeds stored the dial string ``Local/th50@rru``, which the ``rru`` context
    cannot dial; give such a contact the number instead (no other contact is touched)."""
    old = f"Local/{province_code.lower().replace('-', '')}@rru"
    for contact in unit.contacts:
        if contact.channel == AlertChannel.VOICE and contact.address == old:
            contact.address = phone
            if unit.duty_phone is None:
                unit.duty_phone = phone


def seed_queues(session: Session) -> None:
    existing = {q.name: q for q in session.scalars(select(Queue))}
    for spec in QUEUES:
        row = existing.get(spec.name) or Queue(name=spec.name)
        row.label_th, row.label_en = spec.label_th, spec.label_en
        row.issue_area, row.language = spec.issue_area, spec.language
        row.priority, row.service_level_seconds = spec.priority, spec.service_level_seconds
        session.add(row)
    session.flush()


@cache
def _demo_password_hash() -> str:
    # argon2 is slow on purpose; one hash serves every demo account.
    return agents.hash_password(DEMO_PASSWORD)


def seed_demo_users(session: Session) -> None:
    queues = {q.name: q for q in session.scalars(select(Queue))}
    units = {u.code: u for u in session.scalars(select(ResponseUnit))}
    for demo in DEMO_USERS:
        if agents.by_login(session, demo.login) is not None:
            continue
        user: User = agents.create_user(
            session,
            login=demo.login,
            display_name=demo.display_name,
            password_hash=_demo_password_hash(),
            role=demo.role,
            unit_id=units[demo.unit_code].id if demo.unit_code else None,
            languages=list(demo.languages),
            phone_interface=demo.phone_interface,
        )
        for penalty, name in enumerate(demo.queues):
            session.add(AgentSkill(user_id=user.id, queue_id=queues[name].id, penalty=penalty))
    session.flush()


def seed_all(session: Session, *, demo_users: bool) -> None:
    seed_provinces(session)
    seed_units(session)
    seed_queues(session)
    if demo_users:
        seed_demo_users(session)
