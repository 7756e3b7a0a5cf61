"""Resynchronisation: refused while Asterisk boots, retried, again on FullyBooted/Reload."""

import asyncio
import contextlib
import json
from datetime import UTC, datetime

from callcenter.ami.bridge.node import RESYNC_FAULT
from callcenter.ami.framing import Framer
from callcenter.simulators.asterisk import AmiSimulator
from tests.ami.builders import event, inbound_call
from tests.ami.conftest import NODE, node_bridge, wait_for
from tests.ami.replay import recorded_lists, with_action_id
from tests.ami.support import ami_bytes

FRESH = ami_bytes("reconnect-fresh")
BOOTED_AT = FRESH.index(b"Event: FullyBooted")
BOOTED = FRESH[BOOTED_AT:FRESH.index(b"\r\n\r\n", BOOTED_AT) + 4]
# Not recorded: what Asterisk answers an action whose module has not registered it yet.
REFUSED = b"Response: Error\r\nActionID: %s\r\nMessage: Invalid/unknown command\r\n\r\n"


class BootingAsterisk:
    """The session of reconnect-fresh.ami: QueueStatus refused until FullyBooted is sent;
    then the snapshot's lists. The connection stays open."""

    def __init__(self):
        self.lists = recorded_lists()
        self.booted = False
        self.refused = 0
        self.writers = []

    async def serve(self, reader, writer):
        self.writers.append(writer)
        banner = FRESH.index(b"\r\n") + 2
        writer.write(FRESH[:banner])
        await reader.readuntil(b"\r\n\r\n")  # the Login
        writer.write(FRESH[banner:BOOTED_AT])  # Login reply, SuccessfulAuth, the VarSets
        framer = Framer(_expect_banner=False)
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                for msg in framer.feed(data)[0]:
                    self.answer(msg, writer)

    def answer(self, msg, writer):
        action = msg.get("Action")
        if action not in self.lists:
            return
        if not self.booted:
            self.refused += 1
            writer.write(REFUSED % msg.action_id.encode())
            return
        recorded, answer = self.lists[action]
        writer.write(with_action_id(answer, recorded, msg.action_id))

    def boot(self):
        self.booted = True
        for w in self.writers:
            w.write(BOOTED)


def seed(tracker):
    """What the bridge knew before Asterisk restarted: a member, a caller waiting."""
    now = datetime.now(UTC)
    tracker.handle(event(Event="QueueMemberAdded", Queue="welfare", MemberName="Agent 9",
                         Interface="Local/agent9@agents/n", Status="1", Paused="0"), now)
    for e in inbound_call(9, queue="welfare")[:5]:
        tracker.handle(e, now)
    tracker.take_effects()


async def test_refused_resync_keeps_state_retries_and_runs_again_once_booted(aredis):
    pbx = BootingAsterisk()
    server = await asyncio.start_server(pbx.serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None,
                         action_timeout=2)
    seed(bridge.tracker)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: pbx.refused >= 2)  # refused, then retried with backoff
        await bridge.drain()
        assert bridge.counters["resync_failed"] >= 2 and bridge.counters["resyncs"] == 0
        # Nothing was dropped on the word of a PBX that is still booting.
        assert "welfare" in bridge.tracker.agents["Local/agent9@agents/n"].queues
        assert list(bridge.tracker.queues["welfare"].waiting) == ["1795345009.19"]
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert (link["state"], link["fault"]) == ("up", RESYNC_FAULT)
        pbx.boot()
        await wait_for(lambda: bridge.counters["resyncs"] == 1)
        await bridge.drain()
        # Now the lists count: agent9 is in none, the waiting caller's channel is gone.
        assert "Local/agent9@agents/n" not in bridge.tracker.agents
        assert "1795345009.19" not in bridge.tracker.calls
        assert bridge.tracker.find_call("1795345009.19").outcome == "interrupted"
        assert "Local/agent6@agents/n" in bridge.tracker.agents
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert (link["state"], link["fault"]) == ("up", None)
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        for w in pbx.writers:
            w.transport.abort()
        server.close()


async def test_a_reload_resynchronises(aredis):
    sim = AmiSimulator()
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=None)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(bridge.up.wait(), 5)
        await wait_for(lambda: bridge.counters["resyncs"] >= 1)
        before = bridge.counters["resyncs"]
        sim.emit({"Event": "Reload", "Privilege": "system,all", "Module": "app_queue.so",
                  "Status": "2"})
        await wait_for(lambda: bridge.counters["resyncs"] == before + 1)
        asked = [m.get("Action") for m in sim.received].count("QueueStatus")
        assert asked == before + 1
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        await sim.stop()


class AsteriskBootingDuringTheResync:
    """Logs in while booting; boots as the bridge's QueueStatus arrives, so FullyBooted
    goes just before that list (which is then good); answers both lists."""

    def __init__(self):
        self.lists = recorded_lists()
        self.asked: list[str] = []
        self.writers = []

    async def serve(self, reader, writer):
        self.writers.append(writer)
        banner = FRESH.index(b"\r\n") + 2
        writer.write(FRESH[:banner])
        await reader.readuntil(b"\r\n\r\n")  # the Login
        writer.write(FRESH[banner:BOOTED_AT])  # its reply, SuccessfulAuth, the VarSets
        framer = Framer(_expect_banner=False)
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                for msg in framer.feed(data)[0]:
                    action = msg.get("Action")
                    self.asked.append(action)
                    if action not in self.lists:
                        continue
                    recorded, answer = self.lists[action]
                    booted = BOOTED if action == "QueueStatus" and len(self.asked) == 1 else b""
                    writer.write(booted + with_action_id(answer, recorded, msg.action_id))


async def test_a_fully_booted_before_the_lists_handled_late_asks_for_no_second_resync(aredis):
    """Replies are matched as they are read, events handled later in order. When the
    handler lags (Redis slow to take the updates), it meets a FullyBooted that came
    before the QueueStatus reply only after both lists were answered: that FullyBooted is
    still older than the lists, so no second resync is asked for."""
    pbx = AsteriskBootingDuringTheResync()
    server = await asyncio.start_server(pbx.serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None)
    apply = bridge.sink.apply

    async def slow_apply(*args, **kwargs):
        await asyncio.sleep(0.3)
        return await apply(*args, **kwargs)

    bridge.sink.apply = slow_apply
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.counters["resyncs"] == 1)
        await bridge.drain()
        await asyncio.sleep(0.5)
        await bridge.drain()
        assert bridge.counters["resyncs"] == 1 and not bridge.counters["resync_failed"]
        assert pbx.asked.count("QueueStatus") == 1
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        for w in pbx.writers:
            w.transport.abort()
        server.close()
