"""Every recorded transcript, replayed byte for byte over TCP into the bridge."""

import asyncio
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from callcenter.calls.models import Call

from .conftest import NODE, node_bridge, wait_for
from .replay import ReplayServer
from .support import sent_actions

# (caller number, outcome, ended_by) of every call row a transcript must leave.
EXPECTED_ROWS = {
    "answered": [("0812345678", "answered", "caller")],
    "abandoned": [("0898765432", "abandoned", "caller")],
    "queue-timeout": [("0623456789", "queue_timeout", "system")],
    "ivr-hangup": [("0943334444", "ivr_hangup", "caller")],
    "ivr-invalid-then-valid": [("0851112222", "answered", "caller")],
    "ivr-timeout": [("0867778888", "answered", "caller")],
    "agent-hangup": [("0857778899", "answered", "agent")],
    "agent-hangup-ami": [("0857778800", "answered", "console")],
    "snapshot": [("0811111111", "answered", "caller"), ("0822222222", "answered", "caller"),
                 ("0833333333", "abandoned", "caller")],
    "originate-ack": [(None, "answered", None)],
    "originate-noanswer": [(None, "failed", None)],
    "originate-busy": [(None, "failed", None)],
    "agent-states": [],
    "reconnect": [],
    "reconnect-fresh": [],
    "reconnect-killed": [],
}


def rows(sessions):
    with sessions() as s:
        return list(s.scalars(select(Call).order_by(Call.started_at, Call.uniqueid)))


async def replay(name, aredis, sessions, *, split_thai=False, prepare=None, until=None,
                 max_gap=0.02):
    server = ReplayServer(name, split_thai=split_thai, max_gap=max_gap)
    port = await server.start()
    bridge = node_bridge(port, redis=aredis, sessions=sessions, action_timeout=0.3,
                         banner_timeout=0.5)
    if prepare is not None:
        prepare(bridge)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(server.sent_all.wait(), 30)
        await wait_for(lambda: bridge.counters["disconnects"] >= 1)
        if until is not None:
            await wait_for(lambda: until(bridge, server))
        await bridge.drain()
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        await server.stop()
    return bridge, server


def originate_prepare(name):
    (originate,) = [a for a in sent_actions(name) if a.get("Action") == "Originate"]

    def prepare(bridge):
        bridge.tracker.originate_requested(
            action_id=originate.action_id, channel=originate.get("Channel"),
            received_at=datetime.now(UTC))
    return prepare


def console_hangup_prepare(name):
    (hangup,) = [a for a in sent_actions(name) if a.get("Action") == "Hangup"]
    return lambda bridge: bridge.tracker.note_console_hangup(hangup.get("Channel"))


PREPARE = {
    "originate-ack": originate_prepare,
    "originate-noanswer": originate_prepare,
    "originate-busy": originate_prepare,
    "agent-hangup-ami": console_hangup_prepare,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
async def test_transcript_replayed_over_tcp_gives_the_recorded_calls(
        name, aredis, published, committing_sessionmaker):
    prepare = PREPARE.get(name, lambda n: None)(name)
    bridge, server = await replay(name, aredis, committing_sessionmaker, prepare=prepare)
    got = [(r.caller_number if r.direction == "inbound" else None, r.outcome.value, r.ended_by)
           for r in rows(committing_sessionmaker)]
    assert got == EXPECTED_ROWS[name]
    assert bridge.tracker.calls == {}
    assert bridge.counters["handler_errors"] == 0
    assert not [k for k in bridge.counters if k.startswith("problem.")]
    assert server.received.startswith(b"Action: Login\r\n")
    for record in rows(committing_sessionmaker):
        updates = published.topic(f"call.{record.uniqueid}.updated")
        assert updates[-1]["outcome"] == record.outcome.value
    # No call stays in the live snapshot once the transcript has ended.
    assert await aredis.hlen(f"live.{NODE}.calls") == 0


async def test_answered_call_publishes_agent_and_queue_states(aredis, published,
                                                              committing_sessionmaker):
    await replay("answered", aredis, committing_sessionmaker)
    agent = published.topic("agent.Local/agent1@agents/n.updated")
    statuses = [a["status"] for a in agent]
    # Updates are coalesced per batch, and the replay is faster than the recording: a
    # short state (ringing) may be superseded before it is published. The tracker tests
    # check every state; here, what must reach Redis.
    assert "in_call" in statuses
    assert statuses[-1] == "available" and agent[-1]["name"] == "สมหญิง ใจดี"
    snapshot = json.loads(await aredis.hget(f"live.{NODE}.agents", "Local/agent1@agents/n"))
    assert snapshot["status"] == "available"
    queue = published.topic("queue.violence.updated")
    assert queue[-1]["waiting"] == [] and queue[-1]["logged_in"] >= 1
    (row,) = rows(committing_sessionmaker)
    assert (row.wait_seconds, row.talk_seconds, row.agent_name) == (2, 6, "สมหญิง ใจดี")
    # Replayed faster than recorded, but every time is on Asterisk's clock (recording day).
    assert row.started_at.date() == row.ended_at.date() == date(2026, 11, 22)
    assert row.queued_at <= row.answered_at <= row.ended_at
    assert (row.ended_at - row.started_at).total_seconds() < 15


async def test_thai_names_split_inside_a_character_arrive_whole(aredis, published,
                                                                committing_sessionmaker):
    # Paced slower: each pause must be published before the next command's events.
    await replay("agent-states", aredis, committing_sessionmaker, split_thai=True,
                 max_gap=0.15)
    names = {a["name"] for a in published.topic("agent.Local/agent8@agents/n.updated")}
    assert names == {"รัตนา ชัยโย"}
    states = [(a["status"], a["paused_reason"])
              for a in published.topic("agent.Local/agent8@agents/n.updated")]
    assert ("paused", "case paperwork") in states and states[-1] == ("logged_out", None)


async def test_replaying_the_same_calls_twice_leaves_one_row_each(aredis,
                                                                  committing_sessionmaker):
    await replay("snapshot", aredis, committing_sessionmaker)
    await replay("snapshot", aredis, committing_sessionmaker)
    assert len(rows(committing_sessionmaker)) == 3


async def test_shutdown_event_then_close_sets_link_reconnecting(aredis, published):
    _, server = await replay("reconnect", aredis, None,
                             until=lambda bridge, server: server.connections >= 2)
    links = published.topic(f"bridge.{NODE}.link.updated")
    assert [entry["state"] for entry in links][:3] == ["reconnecting", "up", "reconnecting"]
    assert server.connections >= 2
