"""Reference data and demo accounts. Safe to run any number of times.

The provinces, their units and the queues are written by their domains' services; the
demo accounts are this module's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from callcenter.agents import pause_reasons, teams
from callcenter.agents import service as agents
from callcenter.agents.models import AgentSkill, Role, Team, User
from callcenter.calls import dispositions, interpreter_examples
from callcenter.cases import agency_examples
from callcenter.chat import canned_replies
from callcenter.phones import service as phones
from callcenter.phones.policy import PhoneKind
from callcenter.provinces import catalog
from callcenter.provinces import service as provinces
from callcenter.provinces.models import ResponseUnit
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
    phone_kind: PhoneKind = PhoneKind.DESK


DEMO_USERS = (
    DemoUser("admin", "ผู้ดูแลระบบ", Role.ADMIN),
    # Phones are realtime endpoints (callcenter.phones), each named as its login; the
    # seed writes their rows with a random password nobody is shown (an admin gives a
    # phone a password it can use: /admin/phones, "new password").
    DemoUser("supervisor", "หัวหน้าเวร สมศรี", Role.SUPERVISOR,
             phone_interface="PJSIP/supervisor"),
    DemoUser("agent1", "สมหญิง ใจดี", Role.AGENT,
             ("urgent", "violence", "operator"), ("th",), phone_interface="PJSIP/agent1"),
    DemoUser("agent2", "Somchai Rakdee", Role.AGENT,
             ("urgent", "violence", "trafficking", "english"), ("th", "en"),
             phone_interface="PJSIP/agent2", phone_kind=PhoneKind.WEBRTC),
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


def _unit_member(spec: catalog.ProvinceSpec) -> DemoUser:
    number = spec.code.removeprefix("TH-")
    return DemoUser(f"unit.th{number}", f"หน่วยเคลื่อนที่เร็ว {spec.name_th}", Role.UNIT_MEMBER,
                    unit_code=f"RRU-{spec.code}")


# A member login for every other province's unit (``unit.th10`` … ``unit.th96``, the ISO
# 3166-2 number), so a case dispatched anywhere reaches someone on screen in the demo.
DEMO_UNIT_USERS = tuple(
    _unit_member(spec) for spec in sorted(catalog.provinces(), key=lambda p: p.code)
    if f"unit.th{spec.code.removeprefix('TH-')}" not in {u.login for u in DEMO_USERS})


@cache
def _demo_password_hash() -> str:
    # argon2 is slow on purpose; one hash serves every demo account.
    return agents.hash_password(DEMO_PASSWORD)


def seed_demo_users(session: Session) -> None:
    queue_rows = queues.by_name(session)
    existing = set(session.scalars(select(User.login)))
    for demo in DEMO_USERS:
        if demo.login in existing:
            # A database seeded before phones were kept in it.
            _seed_phone(session, agents.by_login(session, demo.login), demo)
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
        _seed_phone(session, user, demo)
        for penalty, name in enumerate(demo.queues):
            session.add(AgentSkill(user_id=user.id, queue_id=queue_rows[name].id, penalty=penalty))
    _seed_unit_members(session, existing)
    session.flush()
    _seed_team(session)


# The hotline's follow-up team: two of the demo's agents and their supervisor share its
# cases (a case opened by a member starts in it). agent1 and agent2 answer calls and are
# in no team, so each reads only their own cases, their calls' and what they open with a
# reason (need to know).
DEMO_TEAM = "ทีมติดตามผล 1300"
DEMO_TEAM_LOGINS = ("agent3", "agent4", "supervisor")


def _seed_team(session: Session) -> None:
    if session.scalar(select(Team.id).where(Team.name == DEMO_TEAM)) is not None:
        return
    members = list(session.scalars(select(User.id).where(User.login.in_(DEMO_TEAM_LOGINS))))
    teams.create_team(session, name=DEMO_TEAM, member_ids=members)


def _seed_unit_members(session: Session, existing: set[str]) -> None:
    """The other units' members in one INSERT: every seeded test pays for this, and 75
    accounts one by one (a look-up and a flush each) cost about a second."""
    unit_ids = dict(session.execute(select(ResponseUnit.code, ResponseUnit.id)).all())
    rows = [{"login": demo.login, "display_name": demo.display_name,
             "password_hash": _demo_password_hash(), "role": demo.role,
             "unit_id": unit_ids[demo.unit_code], "languages": list(demo.languages)}
            for demo in DEMO_UNIT_USERS if demo.login not in existing]
    if rows:
        session.execute(insert(User), rows)


def _seed_phone(session: Session, user: User, demo: DemoUser) -> None:
    endpoint = phones.endpoint_of(demo.phone_interface)
    if endpoint is None or user.phone_interface != demo.phone_interface \
            or phones.exists(session, endpoint):
        return
    user.phone_interface = None  # provision sets it again, with the rows
    phones.provision(session, user, kind=demo.phone_kind, endpoint=endpoint)


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
    canned_replies.sync_defaults(session)
    if demo_users:
        seed_demo_users(session)
        agency_examples.seed_examples(session)
        interpreter_examples.seed_examples(session)
