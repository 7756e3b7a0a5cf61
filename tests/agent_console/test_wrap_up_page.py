"""After-call work on the agent page: a queue that requires it keeps the agent paused
until the call has a disposition or a case, then lets them take calls again."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.db import utcnow
from callcenter.queues.models import Queue
from tests.agent_console.console_support import add_call, signed_in
from tests.agent_console.wallboard.conftest import FakeBridge, agent_payload, put_live

AGENT = "Local/agent1@agents/n"


@pytest.fixture
def ended_call(seeded_session):
    call = add_call(seeded_session, uniqueid="1700000100.1", agent_interface=AGENT)
    call.agent_user_id = seeded_session.scalar(select(User.id).where(User.login == "agent1"))
    call.ended_at = utcnow() - timedelta(seconds=30)
    seeded_session.flush()
    return call


def _require(seeded_session, required: bool = True) -> None:
    seeded_session.scalar(select(Queue).where(Queue.name == "violence")).wrap_up_required = \
        required
    seeded_session.flush()


def _agent(redis_client, status: str, **extra) -> None:
    put_live(redis_client, "agent", AGENT, agent_payload(
        AGENT, "agent1", status, {"violence": status == "paused"}, **extra))


def test_an_agent_who_owes_wrap_up_is_paused_for_it(client, seeded_session, redis_client,
                                                     ended_call):
    _require(seeded_session)
    _agent(redis_client, "available")
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    with FakeBridge(redis_client) as bridge:
        page = client.post("/agent/wrap-up", headers=h)
    assert page.status_code == 200
    assert 'data-owed="yes"' in page.text and "wrap-up-timer" in page.text
    assert [(r["command"], r["args"].get("reason")) for r in bridge.received] == [
        ("pause", "wrap_up")]


def test_a_disposition_ends_the_wrap_up_and_the_agent_takes_calls_again(
        client, seeded_session, redis_client, ended_call):
    _require(seeded_session)
    ended_call.disposition = "information"
    seeded_session.flush()
    _agent(redis_client, "paused", paused_reason="wrap_up",
           changed_at=(ended_call.ended_at + timedelta(seconds=2)).isoformat())
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    with FakeBridge(redis_client) as bridge:
        page = client.post("/agent/wrap-up", headers=h)
    assert 'data-owed="yes"' not in page.text
    assert [r["command"] for r in bridge.received] == ["unpause"]


def test_a_pause_the_agent_chose_before_the_call_ended_is_left_alone(
        client, seeded_session, redis_client, ended_call):
    _require(seeded_session)
    ended_call.disposition = "information"
    seeded_session.flush()
    _agent(redis_client, "paused", paused_reason="wrap_up",
           changed_at=datetime(2020, 1, 1, tzinfo=UTC).isoformat())
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    with FakeBridge(redis_client) as bridge:
        client.post("/agent/wrap-up", headers=h)
    assert bridge.received == []


def test_a_queue_without_the_rule_asks_nothing_of_the_agent(client, seeded_session,
                                                           redis_client, ended_call):
    _require(seeded_session, False)
    _agent(redis_client, "available")
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    with FakeBridge(redis_client) as bridge:
        page = client.post("/agent/wrap-up", headers=h)
    assert page.status_code == 200 and "wrap-up-state" not in page.text
    assert bridge.received == []


def test_admins_switch_the_rule_on_for_a_queue(client, seeded_session):
    from tests.agent_console.permission_table import QUEUE_SETTINGS

    h = {"X-CSRF-Token": signed_in(client, "admin")}
    saved = client.put("/api/admin/queues/violence", headers=h,
                       json={**QUEUE_SETTINGS, "active": True, "wrap_up_required": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["wrap_up_required"] is True
