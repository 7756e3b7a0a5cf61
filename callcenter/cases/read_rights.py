"""Who may read which case, answered from the database: the facts ``need_to_know`` decides on.

An agent's teams, the cases linked to the call they handle now, and their grants in
force are read here; the rule itself is pure (``callcenter.cases.need_to_know``).
Supervisors, admins and unit members need no facts: their role decides.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callcenter.agents import teams
from callcenter.agents.models import Role
from callcenter.agents.state import is_own_interface
from callcenter.calls import handovers
from callcenter.calls.models import Call
from callcenter.cases import need_to_know as rule
from callcenter.cases.models import Case, CaseCall
from callcenter.cases.work_models import CaseAccessGrant


class Reader(Protocol):
    """The console's signed-in viewer, or a ``User`` row."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> Role: ...
    @property
    def phone_interface(self) -> str | None: ...


def facts(session: Session, reader: Reader, *, now: datetime,
          case_ids: Collection[int] | None = None) -> rule.ViewerFacts:
    """What the rule needs to know of this reader, for the given cases (all if None)."""
    if reader.role is not Role.AGENT:
        return rule.ViewerFacts(user_id=reader.id, role=reader.role)
    return rule.ViewerFacts(
        user_id=reader.id, role=reader.role,
        team_ids=frozenset(teams.team_ids_of(session, reader.id)),
        current_call_case_ids=frozenset(current_call_case_ids(session, reader, now=now,
                                                              case_ids=case_ids)),
        grants=tuple(grants_in_force(session, reader.id, now=now, case_ids=case_ids)))


def access(session: Session, reader: Reader, case: Case, *,
           now: datetime) -> rule.Access | None:
    """Why the reader may read this case (and until when, for a grant), or None.

    The facts are read in the order the rule weighs them, and only until one gives a
    reason: an agent's own case (the one they just opened, noted or dispatched) costs
    no query; the full facts would give the same answer (the rule's first reason)."""
    known = rule.ViewerFacts(user_id=reader.id, role=reader.role)
    found = rule.access(known, case, now=now)
    if found is not None or reader.role is not Role.AGENT:
        return found
    more = (
        lambda: {"team_ids": frozenset(teams.team_ids_of(session, reader.id))},
        lambda: {"current_call_case_ids": frozenset(current_call_case_ids(
            session, reader, now=now, case_ids=(case.id,)))},
        lambda: {"grants": tuple(grants_in_force(session, reader.id, now=now,
                                                 case_ids=(case.id,)))},
    )
    for facts_of in more:
        known = replace(known, **facts_of())
        found = rule.access(known, case, now=now)
        if found is not None:
            return found
    return None


def readable_ids(session: Session, reader: Reader, cases: Iterable[Case], *,
                 now: datetime) -> set[int]:
    """Which of these cases (a page of search results) the reader may read."""
    cases = list(cases)
    known = facts(session, reader, now=now, case_ids=[c.id for c in cases])
    return rule.readable_ids(known, cases, now=now)


def current_call_case_ids(session: Session, reader: Reader, *, now: datetime,
                          case_ids: Collection[int] | None = None) -> set[int]:
    """The cases linked to a call on this agent's phone that is up or just ended.

    "Theirs" as the screen-pop says it (``agent_console.own_calls``): the record names the
    agent or their phone, or a transfer handed the call to them. The time window is the
    rule's (``need_to_know.call_counts``); the query only narrows it to recent calls.
    """
    query = (select(CaseCall.case_id, Call.agent_user_id, Call.agent_interface,
                    Call.started_at, Call.ended_at, Call.id)
             .join(Call, Call.id == CaseCall.call_id)
             .where(or_(and_(Call.ended_at.is_(None),
                             Call.started_at >= now - rule.LONGEST_CALL),
                        Call.ended_at >= now - rule.AFTER_CALL)))
    if case_ids is not None:
        query = query.where(CaseCall.case_id.in_(list(case_ids)))
    found = set()
    rows = session.execute(query).all()
    # A call handed to this reader by a transfer is theirs too (a warm transfer's
    # receiver is on no leg the call's record names).
    received = handovers.received_by(session, reader.id, {row[5] for row in rows})
    for case_id, user_id, interface, started_at, ended_at, call_id in rows:
        theirs = (user_id == reader.id or is_own_interface(interface, reader)
                  or call_id in received)
        if theirs and rule.call_counts(started_at=started_at, ended_at=ended_at, now=now):
            found.add(case_id)
    return found


def grants_in_force(session: Session, user_id: int, *, now: datetime,
                    case_ids: Collection[int] | None = None) -> list[rule.Grant]:
    query = select(CaseAccessGrant.case_id, CaseAccessGrant.expires_at).where(
        CaseAccessGrant.user_id == user_id, CaseAccessGrant.expires_at > now)
    if case_ids is not None:
        query = query.where(CaseAccessGrant.case_id.in_(list(case_ids)))
    return [rule.Grant(case_id=c, expires_at=e) for c, e in session.execute(query)]
