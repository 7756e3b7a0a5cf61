"""The bridge against the simulated Asterisk over TCP: records, state, reconnects."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from callcenter.ami.bridge import command_server
from callcenter.calls import callbacks
from callcenter.calls.models import Call, CallOutcome
from callcenter.dispatch.channels import voice
from callcenter.simulators.asterisk import AmiSimulator
from tests.ami.conftest import NODE, node_bridge, wait_for


async def started(sim, bridge):
    task = asyncio.create_task(bridge.run())
    await asyncio.wait_for(bridge.up.wait(), 5)
    return task


async def finish(bridge, task):
    await bridge.stop()
    await asyncio.wait_for(task, 5)


def rows(sessions):
    with sessions() as s:
        return list(s.scalars(select(Call).order_by(Call.uniqueid)))


async def test_simulated_calls_become_rows_and_live_state(aredis, published,
                                                          committing_sessionmaker):
    sim = AmiSimulator(speed=50)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=committing_sessionmaker)
    task = await started(sim, bridge)
    try:
        snapshot = await aredis.hgetall(f"live.{NODE}.agents")
        assert b"Local/agent1@agents/n" in snapshot
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert link["state"] == "up"
        calls = [sim.new_call(shape=s, queue="violence", caller=f"08000000{i:02d}")
                 for i, s in enumerate(["answered", "abandoned", "queue_timeout",
                                        "ivr_hangup", "agent_hangup"])]
        await asyncio.gather(*(sim.play(c) for c in calls))
        await bridge.drain()
        await wait_for(lambda: len(rows(committing_sessionmaker)) == 5
                       and all(r.ended_at for r in rows(committing_sessionmaker)))
        got = {r.caller_number: r for r in rows(committing_sessionmaker)}
        assert got["0800000000"].outcome is CallOutcome.ANSWERED
        assert got["0800000001"].outcome is CallOutcome.ABANDONED
        assert got["0800000002"].outcome is CallOutcome.QUEUE_TIMEOUT
        assert got["0800000003"].outcome is CallOutcome.IVR_HANGUP
        assert got["0800000004"].ended_by == "agent"
        assert await aredis.hlen(f"live.{NODE}.calls") == 0
        updates = published.topic(f"call.{calls[0].uniqueid}.updated")
        assert updates and updates[-1]["outcome"] == "answered"
        await asyncio.sleep(1.2)  # counters are added once a second
        raw = await aredis.hgetall(f"bridge.{NODE}.stats")
        stats = {k.decode(): int(v) for k, v in raw.items()}
        assert stats["events"] > 100 and stats["written"] >= 5 and stats["published"] > 10
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_link_drop_mid_call_loses_and_doubles_no_row(aredis, committing_sessionmaker):
    sim = AmiSimulator(speed=50)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=committing_sessionmaker)
    task = await started(sim, bridge)
    try:
        survives = sim.new_call(shape="answered", queue="violence", caller="0811111111",
                                talk=300)
        ends_unseen = sim.new_call(shape="answered", queue="welfare", caller="0822222222",
                                   talk=10)
        play = [asyncio.create_task(sim.play(survives)),
                asyncio.create_task(sim.play(ends_unseen))]
        await wait_for(lambda: bridge.tracker.calls.get(survives.uniqueid) is not None
                       and bridge.tracker.calls[survives.uniqueid].state == "talking")
        logins = bridge.counters["logins"]
        sim.frozen = True  # the PBX stops answering; then the link drops
        dropped = datetime.now(UTC)
        sim.drop_all()
        await asyncio.sleep(2.0)  # the second call ends while the bridge is away
        sim.frozen = False
        await wait_for(lambda: bridge.counters["logins"] > logins, timeout=10)
        await asyncio.gather(*play)
        await bridge.drain()
        await wait_for(lambda: all(r.ended_at for r in rows(committing_sessionmaker)))
        got = {r.caller_number: r for r in rows(committing_sessionmaker)}
        assert len(got) == 2 and len(rows(committing_sessionmaker)) == 2
        assert got["0811111111"].outcome is CallOutcome.ANSWERED
        assert got["0811111111"].talk_seconds == 300
        cut = got["0822222222"]
        assert cut.outcome is CallOutcome.INTERRUPTED
        # Ended at the last event seen before the drop, not when the bridge came back;
        # how long it talked is unknown, so it is left empty.
        assert cut.answered_at is not None and cut.ended_at < dropped + timedelta(seconds=0.5)
        assert cut.talk_seconds is None and cut.wait_seconds == 2
        assert bridge.counters["resyncs"] >= 2
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_failed_login_is_reported_as_a_fault(aredis):
    sim = AmiSimulator()
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None, secret="wrong")
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.counters["login_failed"] >= 1)
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert link["state"] == "down" and link["fault"].startswith("login failed")
        assert "Authentication failed" in link["fault"]
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_missed_pongs_cut_a_hung_link_and_it_comes_back(aredis):
    sim = AmiSimulator()
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None, ping_interval=0.1,
                         pong_timeout=0.1, missed_pongs=2)
    task = await started(sim, bridge)
    try:
        sim.frozen = True
        await wait_for(lambda: bridge.counters["pong_missed"] >= 2)
        await wait_for(lambda: bridge.counters["disconnects"] >= 1)
        sim.frozen = False
        await wait_for(lambda: bridge.counters["logins"] >= 2)
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_nothing_listening_means_reconnecting_with_backoff(aredis):
    bridge = node_bridge(1, redis=aredis, sessions=None)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.counters["connect_failed"] >= 3)
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert link["state"] == "reconnecting"
    finally:
        await finish(bridge, task)


async def test_a_fast_stream_pauses_reading_and_loses_nothing(aredis, committing_sessionmaker):
    from callcenter.simulators.asterisk.call_events import SimAgent, SimCall, call_steps, encode

    stream = b"".join(
        encode(headers)
        for n in range(1, 201)
        for _, headers in call_steps(SimCall(
            seq=n, epoch=1795345559, caller=f"08{n:08d}", queue="violence",
            shape="answered", agent=SimAgent("Local/agent1@agents/n", "A1")))
    )

    async def serve(reader, writer):
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"Response: Success\r\nActionID: x\r\n\r\n" + stream)
        await writer.drain()
        await reader.read()  # keep the link up until the bridge goes

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis,
                         sessions=committing_sessionmaker, action_timeout=0.3,
                         inbox_high=50, batch=10)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.events_seen >= 200 * 20, timeout=20)
        await bridge.drain()
        await wait_for(lambda: len(rows(committing_sessionmaker)) == 200)
        assert bridge.counters["read_paused"] >= 1
        assert all(r.outcome is CallOutcome.ANSWERED for r in rows(committing_sessionmaker))
    finally:
        await finish(bridge, task)
        server.close()


async def test_an_originate_pending_at_a_link_drop_is_never_sent_again(aredis):
    from callcenter.ami import actions
    from callcenter.ami.bridge.node import LinkDown

    sim = AmiSimulator()
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None, action_timeout=5)
    task = await started(sim, bridge)
    try:
        sim.frozen = True
        pending = asyncio.create_task(bridge.send(actions.originate(
            "Local/th50@rru", context="dispatch", exten="s")))
        await wait_for(lambda: any(m.get("Action") == "Originate" for m in sim.received))
        logins = bridge.counters["logins"]
        sim.frozen = False
        sim.drop_all()
        try:
            await asyncio.wait_for(pending, 2)
            raise AssertionError("the Originate cannot have succeeded")
        except LinkDown:
            pass
        await wait_for(lambda: bridge.counters["logins"] > logins)
        await asyncio.sleep(0.3)
        assert sum(1 for m in sim.received if m.get("Action") == "Originate") == 1
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_closed_before_the_banner_means_not_up_yet_and_is_retried(aredis):
    attempts = []

    async def serve(reader, writer):
        attempts.append(writer)
        if len(attempts) <= 2:  # Asterisk still starting: accepted, then closed at once
            writer.close()
            return
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"Response: Success\r\nActionID: x\r\nMessage: Authentication accepted"
                     b"\r\n\r\n")
        await reader.read()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None,
                         action_timeout=0.2)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.counters["logins"] == 1)
        assert bridge.counters["connect_failed"] >= 2 and len(attempts) >= 3
        assert bridge.counters["login_failed"] == 0
    finally:
        await finish(bridge, task)
        for w in attempts:
            w.transport.abort()
        server.close()


async def test_redis_restarting_is_healed_by_a_full_republish_even_when_idle(tmp_path):
    import redis.asyncio as aioredis

    from tests.dispatch.redis_server import RedisServer

    server = RedisServer(tmp_path).start()  # a server of its own, stopped and started
    client = aioredis.Redis.from_url(server.url)
    sim = AmiSimulator(speed=50)
    port = await sim.start()
    bridge = node_bridge(port, redis=client, sessions=None, heal_interval=0.1)
    task = await started(sim, bridge)
    try:
        assert await client.hlen(f"live.{NODE}.agents") == 7
        server.stop()  # Redis goes away: the updates of this call cannot be published
        await sim.play(sim.new_call(shape="ivr_hangup", queue="violence"))
        await wait_for(lambda: bridge.sink.needs_full)
        server.start()  # back on the same port, empty (no persistence)
        # No event comes any more: the bridge heals the snapshot on its own.
        await wait_for(lambda: not bridge.sink.needs_full and bridge.sink.unpublished == 0)
        await bridge.drain()
        assert await client.hlen(f"live.{NODE}.agents") == 7
        assert await client.hlen(f"live.{NODE}.queues") == 5
        assert await client.hlen(f"live.{NODE}.calls") == 0
    finally:
        await finish(bridge, task)
        await sim.stop()
        await client.aclose()
        server.stop()


async def test_simulated_agents_pause_for_the_consoles_reasons_and_come_back(aredis,
                                                                            published):
    from callcenter.agents.state import PAUSE_REASONS

    sim = AmiSimulator(speed=100)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None)
    task = await started(sim, bridge)
    try:
        # About one pause a simulated second, each 30-60 simulated seconds long.
        await sim.agent_pauses(per_hour=3600, minutes=(0.5, 1.0), duration=0.5)
        await wait_for(lambda: not any(m.paused for m in sim.members.values()), timeout=5)
        await bridge.drain()
        updates = [p for name, p in published.messages
                   if name.startswith("agent.") and p.get("node") == NODE]
        reasons = {p["paused_reason"] for p in updates if p["status"] == "paused"}
        assert reasons and reasons <= set(PAUSE_REASONS)
        assert all(a.status == "available" for a in bridge.tracker.agents.values())
    finally:
        await finish(bridge, task)
        await sim.stop()


async def test_the_link_key_carries_a_heartbeat_and_vanishes_when_the_bridge_dies(aredis):
    sim = AmiSimulator()
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None, link_ttl=1, link_refresh=0.1)
    task = await started(sim, bridge)
    key = f"bridge.{NODE}.link"
    try:
        first = json.loads(await aredis.get(key))
        assert first["state"] == "up" and 0 < await aredis.pttl(key) <= 1000
        await asyncio.sleep(0.3)
        again = json.loads(await aredis.get(key))
        assert again["heartbeat"] > first["heartbeat"] and again["since"] == first["since"]
        # Killed: nothing stops cleanly, nothing refreshes the key any more.
        for t in list(bridge._tasks):
            t.cancel()
        task.cancel()
        await asyncio.gather(task, *bridge._tasks, return_exceptions=True)
        await asyncio.sleep(1.2)
        assert await aredis.get(key) is None
    finally:
        await sim.stop()


async def test_simulated_call_back_and_voice_alert_are_outbound_calls_only(
        aredis, committing_sessionmaker):
    """The simulator's trunk legs look like a real Asterisk's (Down, from-pstn, Exten s):
    each Originate is one outbound row, with its call back or dispatch, never a 1300 call."""
    sim = AmiSimulator(speed=50)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=committing_sessionmaker)
    task = await started(sim, bridge)
    try:
        call_back = await command_server.HANDLERS["originate"](bridge, {
            "channel": callbacks.dial_channel("0812345678"), "context": callbacks.CONTEXT,
            "exten": "s", "variables": {"CALLBACK_ID": "7", "CALLBACK_QUEUE": "violence",
                                        "IVR_LANGUAGE": "th"}}, 5)
        alert = await command_server.HANDLERS["originate"](bridge, {
            "channel": voice.dial_string("0899999999"), "context": "unit-test-no-ivr",
            "exten": "s", "variables": {"DISPATCH_ID": "42", "RRU_UNIT": "TH-50"}}, 5)
        assert call_back.ok and alert.ok
        keys = {call_back.data["call"], alert.data["call"]}
        await wait_for(lambda: {r.uniqueid for r in rows(committing_sessionmaker)
                                if r.ended_at} >= keys, timeout=20)
        await bridge.drain()
        got = {r.uniqueid: r for r in rows(committing_sessionmaker)}
        assert set(got) == keys, "no trunk leg became a call of its own"
        back, unit = got[call_back.data["call"]], got[alert.data["call"]]
        assert (back.direction.value, back.callback_id, back.outcome) == (
            "outbound", 7, CallOutcome.ANSWERED)
        assert back.queued_at is not None and back.channel.startswith("PJSIP/trunk-telco-")
        assert (unit.direction.value, unit.dispatch_id, unit.outcome) == (
            "outbound", 42, CallOutcome.ANSWERED)
        assert await aredis.hlen(f"live.{NODE}.calls") == 0
    finally:
        await finish(bridge, task)
        await sim.stop()
