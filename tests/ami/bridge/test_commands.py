"""PBX commands over Redis to the bridge, against the simulated Asterisk."""

import asyncio
import json

from sqlalchemy import select

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.ami.client import AsyncCommandClient
from callcenter.calls.models import Call, CallMonitoring, CallOutcome, MonitorMode
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.topics import command_requests_key
from tests.ami.conftest import NODE, node_bridge, wait_for


class Rig:
    def __init__(self, sim, bridge, server, tasks, client):
        self.sim, self.bridge, self.server, self.tasks, self.client = (
            sim, bridge, server, tasks, client)

    async def close(self):
        await self.bridge.stop()
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.sim.stop()


async def rig(aredis, sessions=None, *, timeout=3.0, speed=50, sim=None):
    sim = sim or AmiSimulator(speed=speed)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=sessions)
    server = CommandServer(bridge, aredis)
    tasks = [asyncio.create_task(bridge.run()), asyncio.create_task(server.run())]
    await asyncio.wait_for(bridge.up.wait(), 5)
    return Rig(sim, bridge, server, tasks, AsyncCommandClient(aredis, timeout=timeout))


AGENT8 = dict(queue="violence", interface="Local/agent8@agents/n", member_name="รัตนา ชัยโย",
              state_interface="Local/agent8@agents")


async def test_agent_login_pause_with_reason_unpause_logout(aredis, published):
    r = await rig(aredis)
    try:
        ok = await r.client.send(NODE, "queue_login", **AGENT8)
        assert ok.ok and ok.message == "Added interface to queue"
        again = await r.client.send(NODE, "queue_login", **AGENT8)
        assert (again.status, again.message) == ("error",
                                                 "Unable to add interface: Already there")
        paused = await r.client.send(NODE, "pause", interface=AGENT8["interface"],
                                     reason="lunch")
        assert paused.ok
        await wait_for(lambda: r.bridge.tracker.agents[AGENT8["interface"]].status == "paused")
        await r.bridge.drain()  # handled and published
        snapshot = json.loads(await aredis.hget(f"live.{NODE}.agents", AGENT8["interface"]))
        assert (snapshot["status"], snapshot["paused_reason"]) == ("paused", "lunch")
        assert (await r.client.send(NODE, "unpause", interface=AGENT8["interface"])).ok
        assert (await r.client.send(NODE, "queue_logout", queue="violence",
                                    interface=AGENT8["interface"])).ok
        static = await r.client.send(NODE, "queue_logout", queue="violence",
                                     interface="Local/agent1@agents/n")
        assert (static.status, static.message) == ("error", "Member not dynamic")
        await r.bridge.drain()
        states = [a["status"] for a in published.topic(f"agent.{AGENT8['interface']}.updated")]
        assert states[0] == "available" and "paused" in states and states[-1] == "logged_out"
        assert await aredis.hget(f"live.{NODE}.agents", AGENT8["interface"]) is None
    finally:
        await r.close()


async def test_originate_to_a_busy_unit_answers_ok_then_records_a_failed_call(
        aredis, committing_sessionmaker):
    r = await rig(aredis, committing_sessionmaker)
    try:
        result = await r.client.send(NODE, "originate", channel="Local/th10@rru",
                                     context="dispatch", exten="s",
                                     caller_id='"OSCC 1300" <1300>',
                                     variables={"CASE_ID": "C-2568-000125"})
        assert result.ok and result.data["call"]
        call_id = result.data["call"]

        def row():
            with committing_sessionmaker() as s:
                return s.scalars(select(Call).filter_by(uniqueid=call_id)).one_or_none()

        await wait_for(lambda: row() is not None and row().outcome is CallOutcome.FAILED)
        assert row().hangup_cause == 17 and row().direction.value == "outbound"
    finally:
        await r.close()


async def test_a_listen_in_is_recorded_from_chanspy_start_to_stop_with_its_supervisor(
        aredis, committing_sessionmaker):
    r = await rig(aredis, committing_sessionmaker)
    try:
        result = await r.client.send(NODE, "barge", supervisor_channel="PJSIP/supervisor",
                                     target_channel="PJSIP/agent1-0000002a",
                                     supervisor_user_id=None)
        assert result.ok
        [sent] = [m for m in r.sim.received if m.get("Application") == "ChanSpy"]

        def row():
            with committing_sessionmaker() as s:
                return s.scalars(select(CallMonitoring).filter_by(
                    node=NODE, spy_uniqueid=sent.get("ChannelId"))).one_or_none()

        await wait_for(lambda: row() is not None and row().ended_at is not None)
        found = row()
        assert found.mode is MonitorMode.BARGE
        assert found.agent_channel == "PJSIP/agent1-0000002a"
        assert found.spy_channel.startswith("PJSIP/supervisor-")
        assert found.started_at <= found.ended_at
    finally:
        await r.close()


async def test_hangup_of_an_unknown_channel_is_asterisks_error(aredis):
    r = await rig(aredis)
    try:
        result = await r.client.send(NODE, "hangup", channel="Local/nobody-1;1")
        assert (result.status, result.message) == ("error", "No such channel")
        spy = await r.client.send(NODE, "whisper", supervisor_channel="Local/sup1@supervisor",
                                  target_channel="Local/agent1@agents-00000001;1")
        assert spy.ok
        sent = [m for m in r.sim.received if m.get("Application") == "ChanSpy"]
        assert sent[0].get("Data") == "Local/agent1@agents-00000001;1,qEwu"
        assert sent[0].get("ChannelId").startswith("spy-")
        bad = await r.client.send(NODE, "redirect", channel="x")
        assert bad.status == "error" and "bad arguments" in bad.message
    finally:
        await r.close()


async def test_a_hung_pbx_gives_timeout_and_never_a_hang(aredis):
    r = await rig(aredis, timeout=1.0)
    try:
        r.sim.frozen = True
        result = await asyncio.wait_for(
            r.client.send(NODE, "pause", interface="Local/agent1@agents/n", reason="x"), 3)
        assert result.status == "timeout"
    finally:
        await r.close()


async def test_link_down_is_an_error_and_expired_requests_are_dropped(aredis):
    r = await rig(aredis, timeout=1.0)
    try:
        await r.bridge.stop()
        result = await r.client.send(NODE, "unpause", interface="Local/agent1@agents/n")
        assert result.status == "error" and "down" in result.message
        stale = {"id": "old", "command": "originate", "deadline": 1.0,
                 "args": {"channel": "Local/th50@rru", "context": "dispatch", "exten": "s"}}
        await aredis.lpush(command_requests_key(NODE), json.dumps(stale))
        await wait_for(lambda: r.server.handled >= 1)
        await asyncio.sleep(1.5)
        assert not [m for m in r.sim.received if m.get("Action") == "Originate"]
        assert await aredis.llen(command_requests_key(NODE)) == 0
    finally:
        await r.close()


def outbound_rows(sessions):
    with sessions() as s:
        return list(s.scalars(select(Call).filter_by(direction="outbound")))


async def test_a_refused_or_unanswered_originate_leaves_a_failed_row_not_a_live_call(
        aredis, committing_sessionmaker):
    r = await rig(aredis, committing_sessionmaker, timeout=1.0)
    try:
        refused = await r.client.send(NODE, "originate", channel="DAHDI/1", context="dispatch",
                                      exten="s")
        assert (refused.status, refused.message) == ("error", "Originate failed")
        r.sim.frozen = True  # a hung PBX: the Originate is never answered
        hung = await r.client.send(NODE, "originate", channel="Local/th50@rru",
                                   context="dispatch", exten="s")
        assert hung.status == "timeout"
        r.sim.frozen = False
        await r.bridge.drain()
        await wait_for(lambda: len(outbound_rows(committing_sessionmaker)) == 2
                       and all(c.ended_at for c in outbound_rows(committing_sessionmaker)))
        got = sorted((c.outcome, c.hangup_cause_text, c.dialled_number)
                     for c in outbound_rows(committing_sessionmaker))
        assert got == [(CallOutcome.FAILED, "Asterisk did not answer Originate in time", "th50"),
                       (CallOutcome.FAILED, "Originate failed", "1")]
        assert r.bridge.tracker.calls == {}
        assert await aredis.hlen(f"live.{NODE}.calls") == 0
    finally:
        await r.close()
