"""Small explicit builders: a province, its unit with contacts, an agent, a screened case."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callcenter.agents.models import Role, User
from callcenter.cases import service as cases
from callcenter.cases.models import CasePerson, CaseStatus, PersonRole
from callcenter.dispatch.config import DispatchSettings
from callcenter.provinces.models import AlertChannel, Province, Region, ResponseUnit, UnitContact
from callcenter.taxonomy import Urgency

VICTIM_NAME = "สมใจ ทดสอบ"


@dataclass
class World:
    province: Province
    unit: ResponseUnit
    agent: User
    member: User
    case_id: int


def settings(**overrides: object) -> DispatchSettings:
    """Provider settings for tests: nothing from the environment, every channel set up.

    One rung at a time: the ladder tests read more plainly without the phone alerted
    beside the console for urgent cases (``test_service`` covers that on its own).
    """
    values: dict[str, object] = {
        "phone_with_console_urgencies": [],
        "sms_gateway_url": "http://127.0.0.1:9/sms",
        "line_api_url": "http://127.0.0.1:9",
        "line_channel_token": "test-token",
        "smtp_host": "127.0.0.1",
        "voice_node": "test",
        "console_base_url": "https://console.example.test",
    }
    values.update(overrides)
    return DispatchSettings(_env_file=None, **values)  # type: ignore[call-arg]


def province(session: Session, code: str = "TH-50") -> Province:
    found = session.get(Province, code)
    if found is not None:
        return found
    row = Province(code=code, name_th="เชียงใหม่", name_en="Chiang Mai", region=Region.NORTH)
    session.add(row)
    session.flush()
    return row


def unit(session: Session, province_code: str, contacts: list[tuple[AlertChannel, str]]
         ) -> ResponseUnit:
    tag = secrets.token_hex(3)
    row = ResponseUnit(code=f"RRU-{tag}", province_code=province_code, name_th="หน่วย",
                       name_en="Unit", duty_phone="+6653000000")
    row.contacts = [UnitContact(position=i + 1, channel=channel, address=address,
                                label=f"{channel.value} {i + 1}")
                    for i, (channel, address) in enumerate(contacts)]
    session.add(row)
    session.flush()
    return row


def user(session: Session, role: Role, unit_id: int | None = None) -> User:
    row = User(login=f"{role.value}-{secrets.token_hex(4)}", display_name="ผู้ทดสอบ",
               password_hash="not-a-hash", role=role, unit_id=unit_id)
    session.add(row)
    session.flush()
    return row


def case(session: Session, world: World, *, urgency: Urgency = Urgency.IMMEDIATE) -> int:
    """Another screened case in the world's province (one case has one open dispatch
    per unit, so a test that needs two dispatches to a unit needs two cases)."""
    row = cases.open_case(session, created_by_id=world.agent.id,
                          province_code=world.province.code, district="อำเภอเมือง",
                          urgency=urgency, summary="ผู้สูงอายุถูกทอดทิ้ง")
    row.persons.append(CasePerson(role=PersonRole.VICTIM, full_name=VICTIM_NAME,
                                  nickname="ยาย", address="บ้านเลขที่ 2"))
    cases.change_status(session, row, to=CaseStatus.SCREENING, actor_id=world.agent.id)
    session.flush()
    return row.id


def world(
    session: Session,
    contacts: list[tuple[AlertChannel, str]] | None = None,
    *,
    urgency: Urgency = Urgency.IMMEDIATE,
    province_code: str = "TH-50",
) -> World:
    prov = province(session, province_code)
    rru = unit(session, prov.code, contacts if contacts is not None
               else [(AlertChannel.CONSOLE, "")])
    agent = user(session, Role.AGENT)
    member = user(session, Role.UNIT_MEMBER, unit_id=rru.id)
    case = cases.open_case(session, created_by_id=agent.id, province_code=prov.code,
                           district="อำเภอเมือง", urgency=urgency,
                           summary="เด็กถูกทำร้ายร่างกาย")
    case.persons.append(CasePerson(role=PersonRole.VICTIM, full_name=VICTIM_NAME,
                                   nickname="ใจ", phone="0812345678", address="บ้านเลขที่ 1"))
    case.persons.append(CasePerson(role=PersonRole.REPORTER, full_name="ผู้แจ้ง ลับ"))
    cases.change_status(session, case, to=CaseStatus.SCREENING, actor_id=agent.id)
    session.flush()
    return World(prov, rru, agent, member, case.id)
