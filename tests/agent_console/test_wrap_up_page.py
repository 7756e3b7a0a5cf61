"""After-call work on the agent page: it shows the state, its timer and what is owed, and
only reads (the server's wrap-up job pauses and frees the agent: tests/calls)."""

from datetime import timedelta

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


def test_the_page_shows_after_call_work_and_what_is_owed_without_commanding_the_pbx(
        client, seeded_session, redis_client, ended_call):
    _require(seeded_session)
    _agent(redis_client, "available")
    signed_in(client, "agent1")
    with FakeBridge(redis_client) as bridge:
        page = client.get("/agent/wrap-up")
    assert page.status_code == 200
    assert 'data-owed="yes"' in page.text and "wrap-up-timer" in page.text
    assert bridge.received == []  # the server holds the rule, not the page


def test_a_disposition_ends_what_the_page_shows_as_owed(
        client, seeded_session, redis_client, ended_call):
    _require(seeded_session)
    ended_call.disposition = "information"
    seeded_session.flush()
    _agent(redis_client, "paused", paused_reason="wrap_up",
           changed_at=(ended_call.ended_at + timedelta(seconds=2)).isoformat())
    signed_in(client, "agent1")
    with FakeBridge(redis_client) as bridge:
        page = client.get("/agent/wrap-up")
    assert 'data-owed="yes"' not in page.text
    assert bridge.received == []


def test_the_page_no_longer_accepts_a_post(client, seeded_session, ended_call):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    assert client.post("/agent/wrap-up", headers=h).status_code == 405


def test_a_queue_without_the_rule_asks_nothing_of_the_agent(client, seeded_session,
                                                           redis_client, ended_call):
    _require(seeded_session, False)
    _agent(redis_client, "available")
    signed_in(client, "agent1")
    with FakeBridge(redis_client) as bridge:
        page = client.get("/agent/wrap-up")
    assert page.status_code == 200 and "wrap-up-state" not in page.text
    assert bridge.received == []


def test_admins_switch_the_rule_on_for_a_queue(client, seeded_session):
    from tests.agent_console.permission_table import QUEUE_SETTINGS

    h = {"X-CSRF-Token": signed_in(client, "admin")}
    saved = client.put("/api/admin/queues/violence", headers=h,
                       json={**QUEUE_SETTINGS, "active": True, "wrap_up_required": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["wrap_up_required"] is True
