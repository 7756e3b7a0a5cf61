"""Follow-up tasks on a case: created, done, cancelled (audited, on the clock), cancelled
with the case when it closes; my lists and the team's overdue work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callcenter.agents import teams
from callcenter.agents.models import Role
from callcenter.cases import follow_ups
from callcenter.cases import service as cases
from callcenter.cases.follow_up_models import TaskKind
from callcenter.cases.models import CaseStatus, ClosureOutcome
from callcenter.db import utcnow
from callcenter.dispatch import case_clock
from callcenter.errors import Conflict, InvalidInput, StaleEdit
from callcenter.taxonomy import Urgency
from tests.support import builders
from tests.support.audit_trail import audited


@pytest.fixture
def world(db_session):
    agent = builders.user(db_session, Role.AGENT)
    builders.province(db_session, "TH-50")
    case = cases.open_case(db_session, created_by_id=agent.id, province_code="TH-50",
                           urgency=Urgency.HIGH, summary="ติดตามผล")
    db_session.flush()
    return agent, case


def add(db, case, agent, **kw):
    values = {"kind": TaskKind.CALL_BACK, "due_at": utcnow() + timedelta(hours=2),
              "actor_id": agent.id, **kw}
    return follow_ups.create(db, case, **values)


def test_a_task_is_created_for_the_actor_by_default_and_audited_without_its_note(
        db_session, world):
    agent, case = world
    task = add(db_session, case, agent, note="โทรหลัง 18.00 น.")
    assert (task.assignee_id, task.note, task.is_open, task.version) == (
        agent.id, "โทรหลัง 18.00 น.", True, 1)
    event = audited(db_session, "follow_up.create", actor_id=agent.id, entity_type="case",
                    entity_id=case.id)
    assert event.changes["task_id"] == [None, task.id]
    assert "note" not in event.changes


def test_a_task_due_in_the_past_is_refused(db_session, world):
    agent, case = world
    with pytest.raises(InvalidInput) as refused:
        add(db_session, case, agent, due_at=utcnow() - timedelta(hours=1))
    assert refused.value.field == "due_at"


def test_a_task_for_an_inactive_person_or_a_unit_member_is_refused(db_session, world):
    agent, case = world
    gone = builders.user(db_session, Role.AGENT)
    gone.active = False
    with pytest.raises(InvalidInput):
        add(db_session, case, agent, assignee_id=gone.id)


def test_done_once_then_a_second_click_is_told(db_session, world):
    agent, case = world
    task = add(db_session, case, agent)
    follow_ups.complete(db_session, task, actor_id=agent.id, version=1)
    assert task.done_by_id == agent.id and task.version == 2
    with pytest.raises(Conflict) as again:
        follow_ups.complete(db_session, task, actor_id=agent.id, version=1)
    assert again.value.field == "follow_up"
    with pytest.raises(Conflict):
        follow_ups.cancel(db_session, task, actor_id=agent.id)
    audited(db_session, "follow_up.done", actor_id=agent.id, entity_type="case",
            entity_id=case.id)


def test_a_stale_version_is_refused_and_changes_nothing(db_session, world):
    agent, case = world
    task = add(db_session, case, agent)
    with pytest.raises(StaleEdit):
        follow_ups.cancel(db_session, task, actor_id=agent.id, version=7)
    assert task.is_open


def test_closing_the_case_cancels_its_open_tasks_and_a_closed_case_takes_none(
        db_session, world):
    agent, case = world
    done = add(db_session, case, agent)
    follow_ups.complete(db_session, done, actor_id=agent.id)
    open_one = add(db_session, case, agent, kind=TaskKind.VISIT)
    cases.change_status(db_session, case, to=CaseStatus.CLOSED, actor_id=agent.id,
                        outcome=ClosureOutcome.RESOLVED)
    assert open_one.cancelled_by_close and open_one.cancelled_at is not None
    assert done.cancelled_at is None
    event = audited(db_session, "follow_up.cancel_on_close", actor_id=agent.id,
                    entity_type="case", entity_id=case.id)
    assert event.changes == {"task_ids": [None, [open_one.id]]}
    with pytest.raises(Conflict) as refused:
        add(db_session, case, agent)
    assert refused.value.field == "case"


def test_the_case_clock_takes_the_first_task_done_as_its_first_follow_up(db_session, world):
    agent, case = world
    assert case_clock.times(db_session, case).first_follow_up is None
    first = add(db_session, case, agent)
    follow_ups.complete(db_session, first, actor_id=agent.id)
    later = add(db_session, case, agent)
    follow_ups.complete(db_session, later, actor_id=agent.id,
                        now=utcnow() + timedelta(hours=1))
    assert case_clock.times(db_session, case).first_follow_up == first.done_at


def test_my_tasks_are_split_into_overdue_today_and_upcoming(db_session, world):
    agent, case = world
    now = utcnow()
    late = add(db_session, case, agent)
    late.due_at = now - timedelta(hours=1)  # written as it stands an hour later
    soon = add(db_session, case, agent, due_at=now + timedelta(hours=1))
    later = add(db_session, case, agent, due_at=now + timedelta(days=3))
    mine = follow_ups.mine(db_session, agent.id, now=now, day_end=now + timedelta(hours=5))
    assert [t.id for t, _ in mine.overdue] == [late.id]
    assert [t.id for t, _ in mine.today] == [soon.id]
    assert [t.id for t, _ in mine.upcoming] == [later.id]
    assert follow_ups.overdue_count(db_session, agent.id, now=now) == 1


def test_the_team_sees_its_members_overdue_tasks_by_province_and_urgency(db_session, world):
    agent, case = world
    lead = builders.user(db_session, Role.SUPERVISOR)
    stranger = builders.user(db_session, Role.AGENT)  # in another team
    loner = builders.user(db_session, Role.AGENT)  # in no team: every supervisor's
    teams.create_team(db_session, name="ทีมติดตามผล", member_ids=[agent.id, lead.id])
    teams.create_team(db_session, name="ทีมจังหวัด", member_ids=[stranger.id])
    mine = add(db_session, case, agent)
    theirs = add(db_session, case, agent, assignee_id=stranger.id)
    lonely = add(db_session, case, agent, assignee_id=loner.id)
    for task in (mine, theirs, lonely):
        task.due_at = utcnow() - timedelta(hours=1)
    members = follow_ups.team_members(db_session, lead.id)
    assert set(members) == {agent.id, lead.id, loner.id}
    groups = follow_ups.team_overdue(db_session, member_ids=members)
    assert list(groups) == [("TH-50", "high")]
    assert {i.task.id for i in groups[("TH-50", "high")]} == {mine.id, lonely.id}
    everyone = follow_ups.team_overdue(db_session, member_ids=None)
    assert {i.task.id for i in everyone[("TH-50", "high")]} == {mine.id, theirs.id, lonely.id}
