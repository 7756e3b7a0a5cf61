"""Rows for tests, built explicitly: provinces and units, people, calls, cases, dispatches.

One module for the whole suite, so a test that needs a row finds its builder here:

- a dispatch world (``world``: a province, its unit with contacts, an agent, a member, a
  screened case) and dispatch settings with every channel set up;
- report rows from a spec (``reference_data``, ``add_call``, ``add_case``,
  ``add_dispatch``, ``add_state``);
- live-page rows over the seeded data (``add_queue_call``, ``add_aged_dispatch``,
  ``user_by_login``);
- case-work report rows: a referral with its answer (``add_referral``), a closing
  (``add_closing``).
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents import pause_reasons
from callcenter.agents.models import AgentState, AgentStateChange, Role, User
from callcenter.calls import dispositions
from callcenter.calls.models import Call, CallDirection, CallLeg, CallOutcome, LegEnd
from callcenter.cases import service as cases
from callcenter.cases.models import (
    AgencyType,
    Case,
    CasePerson,
    CaseStatus,
    CaseStatusChange,
    ClosureOutcome,
    PersonRole,
    Referral,
    ReferralStatus,
)
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Dispatch, DispatchStatus
from callcenter.provinces import service as provinces
from callcenter.provinces.models import AlertChannel, Province, Region, ResponseUnit, UnitContact
from callcenter.queues import service as queues
from callcenter.taxonomy import Gender, IssueArea, TargetGroup, Urgency

# The node of the live-page rows: not pbx1, whose bridges other suites run.
LIVE_NODE = "wbtest"

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


# Report rows, from a spec.
_ids = itertools.count(1)


def reference_data(session: Session) -> User:
    """Provinces, units, queues, the pick lists and one agent (no password hashing: it
    is slow)."""
    provinces.sync_catalog(session)
    provinces.sync_units(session)
    queues.sync_catalog(session)
    pause_reasons.sync_defaults(session)
    dispositions.sync_defaults(session)
    user = User(login=f"agent{next(_ids)}", display_name="สมหญิง ใจดี", password_hash="-",
                role=Role.AGENT, phone_interface="PJSIP/agent1")
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class CallSpec:
    started_at: datetime
    outcome: CallOutcome = CallOutcome.ANSWERED
    queue: str | None = "violence"
    wait: int | None = 10
    talk: int | None = 60
    agent: str | None = "PJSIP/agent1"
    agent_user_id: int | None = None
    direction: CallDirection = CallDirection.INBOUND

    @property
    def answered(self) -> bool:
        return self.outcome in (CallOutcome.ANSWERED, CallOutcome.TRANSFERRED)


def add_call(session: Session, spec: CallSpec) -> Call:
    answered = spec.answered
    call = Call(
        node="pbx1",
        uniqueid=f"1700000000.{next(_ids)}",
        direction=spec.direction,
        started_at=spec.started_at,
        queued_at=spec.started_at + timedelta(seconds=8) if spec.queue else None,
        answered_at=spec.started_at + timedelta(seconds=8 + (spec.wait or 0))
        if answered else None,
        ended_at=spec.started_at + timedelta(minutes=5),
        queue_name=spec.queue,
        outcome=spec.outcome,
        wait_seconds=spec.wait,
        talk_seconds=spec.talk if answered else None,
        agent_interface=spec.agent if answered else None,
        agent_name="สมหญิง ใจดี" if answered and spec.agent else None,
        agent_user_id=spec.agent_user_id if answered else None,
        caller_number="0812345678",
    )
    session.add(call)
    if spec.queue:
        # Its one queue visit, as the bridge (or migration 0013) writes it.
        session.flush()
        session.add(CallLeg(
            call_id=call.id, seq=1, queue_name=spec.queue, joined_at=call.queued_at,
            answered_at=call.answered_at, agent_interface=call.agent_interface,
            agent_name=call.agent_name, agent_user_id=call.agent_user_id,
            wait_seconds=call.wait_seconds, talk_seconds=call.talk_seconds,
            ended_at=call.ended_at, ended_how=LEG_ENDS.get(spec.outcome)))
    return call


LEG_ENDS = {CallOutcome.ANSWERED: LegEnd.ANSWERED, CallOutcome.ABANDONED: LegEnd.ABANDONED,
            CallOutcome.QUEUE_TIMEOUT: LegEnd.TIMEOUT,
            CallOutcome.TRANSFERRED: LegEnd.TRANSFERRED}


@dataclass(frozen=True)
class Victim:
    gender: Gender = Gender.FEMALE
    age: int | None = 30


@dataclass(frozen=True)
class CaseSpec:
    created_at: datetime
    issue_area: IssueArea | None = IssueArea.FAMILY_VIOLENCE
    target_group: TargetGroup | None = TargetGroup.WOMAN
    province: str | None = "TH-10"
    victims: tuple[Victim, ...] = (Victim(),)
    reporters: int = 1


def add_case(session: Session, spec: CaseSpec, *, user: User) -> Case:
    n = next(_ids)
    case = Case(
        number=f"1300-2569-{n:06d}", year_be=2569, sequence=n,
        issue_area=spec.issue_area, target_group=spec.target_group,
        province_code=spec.province, created_by_id=user.id, created_at=spec.created_at,
        summary="",
    )
    case.persons = [
        CasePerson(role=PersonRole.VICTIM, gender=v.gender, age_years=v.age)
        for v in spec.victims
    ] + [
        # A reporter is never counted as a victim, whatever their age or gender.
        CasePerson(role=PersonRole.REPORTER, gender=Gender.FEMALE, age_years=10)
        for _ in range(spec.reporters)
    ]
    session.add(case)
    return case


@dataclass(frozen=True)
class DispatchSpec:
    created_at: datetime
    province: str = "TH-10"
    # Seconds from creation to each step; None: the step never happened.
    steps: dict[str, int | None] = field(default_factory=dict)


def add_dispatch(session: Session, spec: DispatchSpec, *, case: Case, user: User) -> Dispatch:
    unit_id = session.scalar(
        select(ResponseUnit.id).where(ResponseUnit.province_code == spec.province)
    )

    def at(step: str) -> datetime | None:
        seconds = spec.steps.get(step)
        return None if seconds is None else spec.created_at + timedelta(seconds=seconds)

    dispatch = Dispatch(
        case_id=case.id, unit_id=unit_id, urgency=Urgency.HIGH, created_by_id=user.id,
        created_at=spec.created_at, alerted_at=at("alert"), acknowledged_at=at("acknowledge"),
        on_scene_at=at("on_scene"), completed_at=at("complete"),
    )
    session.add(dispatch)
    return dispatch


def add_state(session: Session, *, at: datetime, state: AgentState, reason: str | None = None,
              interface: str = "PJSIP/agent1", user_id: int | None = None) -> None:
    session.add(AgentStateChange(node="pbx1", agent_interface=interface, agent_user_id=user_id,
                                 state=state, reason=reason, changed_at=at))


# Live-page rows, over the seeded data.

def add_queue_call(db, uniqueid: str, queue: str, outcome: CallOutcome, *, wait: int,
                   talk: int | None = None, started: datetime | None = None,
                   node: str = LIVE_NODE) -> Call:
    """A finished call with its one queue visit, minutes ago, as the bridge writes it."""
    started = started or datetime.now(UTC) - timedelta(minutes=5)
    answered = outcome == CallOutcome.ANSWERED
    call = Call(node=node, uniqueid=uniqueid, started_at=started, queue_name=queue,
                queued_at=started, outcome=outcome, wait_seconds=wait, talk_seconds=talk,
                answered_at=started + timedelta(seconds=wait) if answered else None,
                ended_at=started + timedelta(seconds=wait + (talk or 0)))
    db.add(call)
    db.flush()
    # Its one queue visit, as the bridge writes it with the call.
    db.add(CallLeg(call_id=call.id, seq=1, queue_name=queue, joined_at=started,
                   answered_at=call.answered_at, wait_seconds=wait, talk_seconds=talk,
                   ended_at=call.ended_at, ended_how=LEG_ENDS.get(outcome)))
    db.flush()
    return call


def user_by_login(db, login: str) -> User:
    """A seeded account (the demo's logins)."""
    return db.scalar(select(User).where(User.login == login))


def add_aged_dispatch(db, *, province: str, status: DispatchStatus, age: timedelta,
                      urgency: Urgency = Urgency.HIGH, seq: int = 1) -> Dispatch:
    """A case in the province sent to its seeded unit ``age`` ago, by agent1."""
    creator = user_by_login(db, "agent1")
    now = datetime.now(UTC)
    case = Case(number=f"1300-2569-{seq:06d}", year_be=2569, sequence=seq,
                urgency=urgency, province_code=province, created_by_id=creator.id,
                created_at=now - age)
    db.add(case)
    db.flush()
    unit = db.scalar(select(ResponseUnit).where(ResponseUnit.province_code == province))
    dispatch = Dispatch(case_id=case.id, unit_id=unit.id, status=status, urgency=urgency,
                        created_by_id=creator.id, created_at=now - age)
    db.add(dispatch)
    db.flush()
    return dispatch


@dataclass(frozen=True)
class ReferralSpec:
    sent_at: datetime
    agency_type: AgencyType = AgencyType.POLICE
    agency_name: str = "สถานีตำรวจทดสอบ"
    status: ReferralStatus = ReferralStatus.SENT
    due_after: timedelta | None = timedelta(hours=24)
    # From sending to the agency's answer (accepted or rejected), and to the end of its
    # work, as cases.service.move_referral stamps them (a rejection: both at once).
    answered_after: timedelta | None = None
    ended_after: timedelta | None = None


def add_referral(session: Session, case: Case, spec: ReferralSpec, *, user: User) -> Referral:
    def at(after: timedelta | None) -> datetime | None:
        return None if after is None else spec.sent_at + after

    row = Referral(case_id=case.id, agency_type=spec.agency_type, agency_name=spec.agency_name,
                   status=spec.status, sent_at=spec.sent_at, due_at=at(spec.due_after),
                   responded_at=at(spec.answered_after), closed_at=at(spec.ended_after),
                   created_by_id=user.id, status_by_id=user.id, status_at=spec.sent_at)
    session.add(row)
    session.flush()
    return row


def add_closing(session: Session, case: Case, *, at: datetime, user: User,
                outcome: ClosureOutcome = ClosureOutcome.RESOLVED) -> CaseStatusChange:
    """The case closed at ``at`` with the outcome (its status change and the case's)."""
    change = CaseStatusChange(case_id=case.id, from_status=case.status,
                              to_status=CaseStatus.CLOSED, changed_by_id=user.id,
                              changed_at=at, outcome=outcome)
    case.status, case.closed_at, case.closure_outcome = CaseStatus.CLOSED, at, outcome
    session.add(change)
    session.flush()
    return change
