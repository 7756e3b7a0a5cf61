"""Reference data and demo accounts. Safe to run any number of times.

The provinces, their units and the queues are written by their domains' services; the
demo accounts are this module's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

from callcenter.agents import pause_reasons
from callcenter.agents import service as agents
from callcenter.agents.models import AgentSkill, Role, User
from callcenter.calls import dispositions
from callcenter.provinces import service as provinces
from callcenter.queues import service as queues

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


@cache
def _demo_password_hash() -> str:
    # argon2 is slow on purpose; one hash serves every demo account.
    return agents.hash_password(DEMO_PASSWORD)


def seed_demo_users(session: Session) -> None:
    queue_rows = queues.by_name(session)
    for demo in DEMO_USERS:
        if agents.by_login(session, demo.login) is not None:
            continue
        user: User = agents.create_user(
            session,
            login=demo.login,
            display_name=demo.display_name,
            password_hash=_demo_password_hash(),
            role=demo.role,
            unit_id=_unit_id(session, demo.unit_code),
            languages=list(demo.languages),
            phone_interface=demo.phone_interface,
        )
        for penalty, name in enumerate(demo.queues):
            session.add(AgentSkill(user_id=user.id, queue_id=queue_rows[name].id, penalty=penalty))
    session.flush()


def _unit_id(session: Session, unit_code: str | None) -> int | None:
    if unit_code is None:
        return None
    unit = provinces.unit_by_code(session, unit_code)
    assert unit is not None, unit_code  # units are written before the demo accounts
    return unit.id


def seed_all(session: Session, *, demo_users: bool) -> None:
    provinces.sync_catalog(session)
    provinces.sync_units(session)
    queues.sync_catalog(session)
    pause_reasons.sync_defaults(session)
    dispositions.sync_defaults(session)
    if demo_users:
        seed_demo_users(session)
