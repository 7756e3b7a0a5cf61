"""Every recorded transcript, replayed byte for byte over TCP into the bridge."""

import asyncio
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from callcenter.calls.models import Call
from tests.ami.conftest import NODE, node_bridge, wait_for
from tests.ami.replay import ReplayServer
from tests.ami.support import sent_actions

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


# The snapshot's three calls: up when any other transcript's bridge resynchronises (the
# replay server answers its QueueStatus/CoreShowChannels with snapshot.ami's lists), so
# the bridge adopts them; nothing ever ends them in those replays.
ADOPTED = {"1795345690.2": "0811111111", "1795345690.3": "0822222222",
           "1795345690.5": "0833333333"}


def rows(sessions, *, adopted=False, name=""):
    """The transcript's own call rows (or, `adopted`, those of the snapshot's calls)."""
    with sessions() as s:
        found = list(s.scalars(select(Call).order_by(Call.started_at, Call.uniqueid)))
    if name == "snapshot":  # its calls are its own
        return [] if adopted else found
    return [r for r in found if (r.uniqueid in ADOPTED) == adopted]


async def replay(name, aredis, sessions, *, split_thai=False, prepare=None, until=None,
                 max_gap=0.02):
    server = ReplayServer(name, split_thai=split_thai, max_gap=max_gap)
    port = await server.start()
    bridge = node_bridge(port, redis=aredis, sessions=sessions, action_timeout=3,
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
           for r in rows(committing_sessionmaker, name=name)]
    if name == "snapshot":
        # Calls found up already: each start is "now" less the age the PBX reports, taken
        # as its event is read, so two calls of about the same age may swap places.
        got, expected = sorted(got), sorted(EXPECTED_ROWS[name])
    else:
        expected = EXPECTED_ROWS[name]
    assert got == expected
    assert bridge.counters["handler_errors"] == 0
    assert not [k for k in bridge.counters if k.startswith("problem.")]
    assert server.received.startswith(b"Action: Login\r\n")
    # The resync was answered and applied, never timed out.
    assert server.answered >= 2 and bridge.counters["resyncs"] >= 1
    assert bridge.counters["resync_failed"] == 0 and not bridge.counters["timeout.QueueStatus"]
    for record in rows(committing_sessionmaker, name=name):
        updates = published.topic(f"call.{record.uniqueid}.updated")
        assert updates[-1]["outcome"] == record.outcome.value
    # Once the transcript has ended, only the calls adopted at the resync are live.
    adopted = {} if name == "snapshot" else ADOPTED
    assert set(bridge.tracker.calls) == set(adopted)
    assert {(r.uniqueid, r.caller_number, r.outcome.value)
            for r in rows(committing_sessionmaker, adopted=True, name=name)} == {
        (uid, number, "in_progress") for uid, number in adopted.items()}
    live = await aredis.hkeys(f"live.{NODE}.calls")
    assert {k.decode() for k in live} == set(adopted)


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
    # Only the snapshot's waiting caller, adopted at the resync, is still waiting.
    assert [w["uniqueid"] for w in queue[-1]["waiting"]] == ["1795345690.5"]
    assert queue[-1]["logged_in"] == 2
    # The snapshot's calls as the resync found them: two talking in violence, one waiting.
    live = {k.decode(): json.loads(v)
            for k, v in (await aredis.hgetall(f"live.{NODE}.calls")).items()}
    assert {uid: (c["state"], c["queue_name"]) for uid, c in live.items()} == {
        "1795345690.2": ("talking", "violence"), "1795345690.3": ("talking", "violence"),
        "1795345690.5": ("queued", "violence")}
    (row,) = rows(committing_sessionmaker)
    assert (row.wait_seconds, row.talk_seconds, row.agent_name) == (2, 6, "สมหญิง ใจดี")
    # Replayed faster than recorded, but every time is on Asterisk's clock (recording day).
    assert row.started_at.date() == row.ended_at.date() == date(2026, 11, 22)
    assert row.queued_at <= row.answered_at <= row.ended_at
    assert (row.ended_at - row.started_at).total_seconds() < 15


def subsequence(wanted, seen):
    it = iter(seen)
    return all(any(x == w for x in it) for w in wanted)


async def test_queue_timeout_rings_the_agent_twice_without_answer(aredis, published,
                                                                  committing_sessionmaker):
    # Paced so that each ring and each RingNoAnswer reaches Redis before the next one.
    await replay("queue-timeout", aredis, committing_sessionmaker, max_gap=0.1)
    statuses = [a["status"] for a in published.topic("agent.Local/agent5@agents/n.updated")]
    assert subsequence(["available", "ringing", "available", "ringing", "available"],
                       statuses), statuses
    assert statuses[-1] == "available"
    (row,) = rows(committing_sessionmaker)
    assert (row.agent_interface, row.answered_at, row.wait_seconds) == (None, None, 20)
    queue = published.topic("queue.pregnancy.updated")
    assert max(len(q["waiting"]) for q in queue) == 1 and queue[-1]["waiting"] == []


async def test_abandoned_caller_waits_in_welfare_and_its_agent_is_never_rung(
        aredis, published, committing_sessionmaker):
    await replay("abandoned", aredis, committing_sessionmaker)
    # The recording's only welfare agent was paused beforehand (not in the file); the
    # snapshot's QueueStatus, answered at the resync, lists her as a member of welfare.
    agent6 = published.topic("agent.Local/agent6@agents/n.updated")
    assert agent6 and {a["status"] for a in agent6} == {"available"}
    assert agent6[-1]["queues"]["welfare"]["device_state"] == "not_in_use"
    queue = published.topic("queue.welfare.updated")
    assert [m["interface"] for m in queue[-1]["members"]] == ["Local/agent6@agents/n"]
    assert max(len(q["waiting"]) for q in queue) == 1 and queue[-1]["waiting"] == []
    (row,) = rows(committing_sessionmaker)
    assert (row.queue_name, row.wait_seconds, row.agent_interface) == ("welfare", 5, None)


async def test_the_snapshot_resync_is_answered_in_the_stream_and_drops_nothing(
        aredis, published, committing_sessionmaker):
    bridge, server = await replay("snapshot", aredis, committing_sessionmaker)
    assert server.answered == 2 and bridge.counters["resyncs"] == 1
    # The lists came mid-call (two talking, one waiting): applied in order with the
    # events, none of the three was taken for gone.
    assert [r.outcome.value for r in rows(committing_sessionmaker, name="snapshot")] == [
        "answered", "answered", "abandoned"]
    agents = {a["interface"] for _, a in published.messages
              if a.get("node") == NODE and "interface" in a}
    assert {f"Local/agent{n}@agents/n" for n in range(1, 8)} <= agents
    # QueueSummary and Status were answered to the recording's own client, not the bridge.
    assert bridge.counters["reply_unmatched"] >= 2


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
    assert len(rows(committing_sessionmaker, name="snapshot")) == 3


async def test_shutdown_event_then_close_sets_link_reconnecting(aredis, published):
    # At the recorded pace: the Shutdown came 1 s after the login, the bridge up by then.
    _, server = await replay("reconnect", aredis, None, max_gap=3,
                             until=lambda bridge, server: server.connections >= 3)
    links = published.topic(f"bridge.{NODE}.link.updated")
    assert [(e["state"], e["fault"]) for e in links][:3] == [
        ("reconnecting", None), ("up", None), ("reconnecting", "asterisk restarting")]
    # Reconnect attempts while Asterisk restarts keep the fault and when it began.
    restarting = [e for e in links if e["fault"] == "asterisk restarting"]
    assert len(restarting) == 1
    assert server.connections >= 3


def add_user(sessions, login, phone=None):
    from callcenter.agents.models import Role, User

    with sessions() as s:
        u = User(login=login, display_name=login, password_hash="-", role=Role.AGENT,
                 phone_interface=phone)
        s.add(u)
        s.commit()
        return u.id


def state_rows(sessions, interface):
    from callcenter.agents.models import AgentStateChange

    with sessions() as s:
        return [(r.state.value, r.reason, r.agent_user_id, r.changed_at) for r in s.scalars(
            select(AgentStateChange).filter_by(agent_interface=interface)
            .order_by(AgentStateChange.changed_at, AgentStateChange.id))]


async def test_agent_states_become_the_agents_history_on_asterisks_clock(
        aredis, committing_sessionmaker):
    # Signed in by the console: member name = the user's login.
    uid = add_user(committing_sessionmaker, "รัตนา ชัยโย")
    await replay("agent-states", aredis, committing_sessionmaker, max_gap=0.05)
    got = state_rows(committing_sessionmaker, "Local/agent8@agents/n")
    assert [(state, reason, user) for state, reason, user, _ in got] == [
        ("available", None, uid), ("paused", "case paperwork", uid),
        ("available", None, uid), ("logged_out", None, uid)]
    # Asterisk's clock: the day of the recording, not the replay's.
    assert {at.date() for *_, at in got} == {date(2026, 11, 22)}


async def test_an_answered_call_names_its_agents_user_and_their_states(
        aredis, committing_sessionmaker):
    uid = add_user(committing_sessionmaker, "somying", "PJSIP/agent1")
    await replay("answered", aredis, committing_sessionmaker, max_gap=0.05)
    (row,) = rows(committing_sessionmaker)
    assert (row.agent_interface, row.agent_user_id) == ("Local/agent1@agents/n", uid)
    states = [s for s, *_ in state_rows(committing_sessionmaker, "Local/agent1@agents/n")]
    # In a call with the snapshot's caller when the resync lists her, then rung for this
    # call, talking, and free again when it ends.
    assert states == ["in_call", "ringing", "in_call", "available"]
