"""Small builders for report tests: one call, one case with its victims, one dispatch."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import AgentState, AgentStateChange, Role, User
from callcenter.calls.models import Call, CallDirection, CallLeg, CallOutcome, LegEnd
from callcenter.cases.models import Case, CasePerson, PersonRole
from callcenter.dispatch.models import Dispatch
from callcenter.provinces import service as provinces
from callcenter.provinces.models import ResponseUnit
from callcenter.queues import service as queues
from callcenter.taxonomy import Gender, IssueArea, TargetGroup, Urgency

_ids = itertools.count(1)


def reference_data(session: Session) -> User:
    """Provinces, units, queues and one agent (no password hashing: it is slow)."""
    provinces.sync_catalog(session)
    provinces.sync_units(session)
    queues.sync_catalog(session)
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
