"""Follow-up reminders are sent once: the sweep and the job alike write the reminder's row
before they publish, two senders racing send one, a sweep run again sends nothing; the
supervisors hear after the grace; overdue referrals are reminded like tasks."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callcenter import topics
from callcenter.agents import teams
from callcenter.agents.models import Role
from callcenter.cases import follow_ups, reminder_jobs, reminders
from callcenter.cases import service as cases
from callcenter.cases.follow_up_models import FollowUpReminder, ReminderKind, TaskKind
from callcenter.cases.models import AgencyType, Referral, ReferralStatus
from callcenter.db import utcnow
from callcenter.taxonomy import Urgency
from tests.support import builders

GRACE = timedelta(minutes=30)


@pytest.fixture
def ctx(committing_sessionmaker, redis_client):
    return reminder_jobs.Context(committing_sessionmaker, redis_client, GRACE, 60.0)


@pytest.fixture
def people(committing_sessionmaker):
    with committing_sessionmaker.begin() as session:
        builders.province(session, "TH-50")
        agent = builders.user(session, Role.AGENT)
        lead = builders.user(session, Role.SUPERVISOR)
        teams.create_team(session, name="ทีมเชียงใหม่", member_ids=[agent.id, lead.id])
        case = cases.open_case(session, created_by_id=agent.id, province_code="TH-50",
                               urgency=Urgency.HIGH, summary="ติดตามผล")
        session.flush()
        return agent.id, lead.id, case.id


def new_task(sessions, agent_id: int, case_id: int, *, due_in: timedelta = timedelta(0)) -> int:
    with sessions.begin() as session:
        case = cases.get(session, case_id)
        return follow_ups.create(session, case, kind=TaskKind.CALL_BACK,
                                 due_at=utcnow() + due_in, actor_id=agent_id).id


class Heard:
    """The notices published to some users, as a page's stream would hear them."""

    def __init__(self, client, *user_ids: int) -> None:
        self.pubsub = client.pubsub()
        self.pubsub.subscribe(*(topics.notices_topic(u) for u in user_ids))
        self.pubsub.get_message(timeout=1)  # the subscription confirmations
        self.messages: list[tuple[str, dict]] = []

    def collect(self, seconds: float = 0.5) -> list[tuple[str, dict]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.1)
            if message and message["type"] == "message":
                self.messages.append((message["channel"].decode(),
                                      json.loads(message["data"])))
        return self.messages


def rows(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(FollowUpReminder))


def test_the_sweep_sends_a_due_task_once_and_a_second_sweep_sends_nothing(
        ctx, people, redis_client):
    agent, _lead, case_id = people
    heard = Heard(redis_client, agent)
    task_id = new_task(ctx.sessions, agent, case_id)
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(seconds=1)) == 1
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(seconds=2)) == 0
    assert reminder_jobs.remind(ctx, task_id, now=utcnow() + timedelta(seconds=3)) == 0
    (channel, notice), = heard.collect()
    assert channel == topics.notices_topic(agent)
    assert notice["kind"] == "follow_up_due" and notice["task_id"] == task_id
    assert notice["case_id"] == case_id and notice["case_number"].startswith("1300-")
    assert rows(ctx.sessions) == 1


def test_two_senders_racing_send_one_reminder(ctx, people, redis_client):
    agent, _lead, case_id = people
    heard = Heard(redis_client, agent)
    task_id = new_task(ctx.sessions, agent, case_id)
    now = utcnow() + timedelta(seconds=1)
    with ctx.sessions() as session:
        item, = reminders.owed_for_task(session, task_id, now=now, grace=GRACE)
    start, results = threading.Barrier(2), []

    def sender() -> None:
        start.wait()
        results.append(reminder_jobs.send(ctx, item, now=now))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == [False, True]
    assert len(heard.collect()) == 1
    assert rows(ctx.sessions) == 1


def test_a_task_not_due_yet_or_done_is_owed_nothing(ctx, people, redis_client):
    agent, _lead, case_id = people
    later = new_task(ctx.sessions, agent, case_id, due_in=timedelta(hours=1))
    assert reminder_jobs.remind(ctx, later) == 0
    done = new_task(ctx.sessions, agent, case_id)
    with ctx.sessions.begin() as session:
        follow_ups.complete(session, follow_ups.get(session, done), actor_id=agent)
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(seconds=30)) == 0
    assert rows(ctx.sessions) == 0


def test_past_the_grace_the_assignees_supervisors_hear_of_it_once(ctx, people, redis_client):
    agent, lead, case_id = people
    heard = Heard(redis_client, agent, lead)
    task_id = new_task(ctx.sessions, agent, case_id)
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(minutes=29)) == 1
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(minutes=31)) == 1
    assert reminder_jobs.sweep(ctx, now=utcnow() + timedelta(minutes=32)) == 0
    got = {(channel, n["kind"]) for channel, n in heard.collect()}
    assert got == {(topics.notices_topic(agent), "follow_up_due"),
                   (topics.notices_topic(lead), "follow_up_overdue")}
    with ctx.sessions() as session:
        kinds = {(r.kind, r.recipient_id) for r in session.scalars(
            select(FollowUpReminder).where(FollowUpReminder.task_id == task_id))}
    assert kinds == {(ReminderKind.DUE, agent), (ReminderKind.OVERDUE_TO_SUPERVISOR, lead)}


def test_an_overdue_referral_reminds_the_case_owner_then_the_supervisors(
        ctx, people, redis_client):
    agent, lead, case_id = people
    heard = Heard(redis_client, agent, lead)
    with ctx.sessions.begin() as session:
        referral = Referral(case_id=case_id, agency_type=AgencyType.POLICE, agency_name="สภ.เมือง",
                            status=ReferralStatus.SENT, created_by_id=agent,
                            due_at=utcnow() - timedelta(hours=1))
        session.add(referral)
        session.flush()
        referral_id = referral.id
    assert reminder_jobs.sweep(ctx, now=utcnow()) == 2  # an hour late: past the grace too
    assert reminder_jobs.sweep(ctx, now=utcnow()) == 0
    got = sorted((channel, n["kind"], n["to_supervisor"], n["referral_id"])
                 for channel, n in heard.collect())
    assert got == sorted([(topics.notices_topic(agent), "referral_overdue", False, referral_id),
                          (topics.notices_topic(lead), "referral_overdue", True, referral_id)])


def test_the_job_path_queued_in_redis_resolves_to_the_job():
    from rq.utils import import_attribute

    assert import_attribute(reminder_jobs.REMIND) is reminder_jobs.remind_task
