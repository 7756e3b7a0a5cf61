"""One case's clock: gathers its timestamps (calls, dispatches, status changes) for the
pure ``cases.clock``. Here because it reads dispatches, which depend on cases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.calls.models import Call
from callcenter.cases import clock, follow_ups
from callcenter.cases.models import Case, CaseCall, CaseStatus, CaseStatusChange
from callcenter.dispatch.models import Dispatch


def times(session: Session, case: Case) -> clock.ClockTimes:
    calls = session.execute(
        select(Call.started_at, Call.answered_at)
        .join(CaseCall, CaseCall.call_id == Call.id)
        .where(CaseCall.case_id == case.id)).all()
    dispatched, acknowledged, on_scene = session.execute(
        select(func.min(Dispatch.created_at), func.min(Dispatch.acknowledged_at),
               func.min(Dispatch.on_scene_at))
        .where(Dispatch.case_id == case.id)).one()
    # The first closing counts (a reopened case keeps the time it first took to close);
    # a case reopened and not closed again shows the first closing too.
    closed = session.scalar(
        select(func.min(CaseStatusChange.changed_at))
        .where(CaseStatusChange.case_id == case.id,
               CaseStatusChange.to_status == CaseStatus.CLOSED))
    return clock.ClockTimes(
        first_contact=clock.first_contact(created_at=case.created_at,
                                          calls=[(s, a) for s, a in calls]),
        opened=case.created_at, dispatched=dispatched, acknowledged=acknowledged,
        on_scene=on_scene,
        # The first follow-up task marked done.
        first_follow_up=follow_ups.first_done_at(session, case.id),
        closed=closed)


def steps(session: Session, case: Case) -> list[clock.Step]:
    return clock.steps(times(session, case))
