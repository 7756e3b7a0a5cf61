"""`core restart now` on a real Asterisk 22 (recordings restart-resync-a and -b, PJSIP): the
first resync after the restart is refused while app_queue loads; it is retried with
backoff, the link says `resync incomplete; retrying` meanwhile, and the retry succeeds."""

import asyncio
import contextlib
import json

from callcenter.ami.bridge.node import RESYNC_FAULT
from callcenter.ami.framing import Framer
from tests.ami.conftest import NODE, node_bridge, wait_for
from tests.ami.replay import with_action_id
from tests.ami.support import ami_bytes, timing

BEFORE, AFTER = "pjsip/restart-resync-a", "pjsip/restart-resync-b"


def recorded_messages(name: str) -> list[bytes]:
    """The raw messages after the banner, each with its CRLF CRLF."""
    data = ami_bytes(name)
    body = data[data.index(b"\r\n") + 2:]
    return [raw + b"\r\n\r\n" for raw in body.split(b"\r\n\r\n") if raw]


def answer_to(messages: list[bytes], action_id: str) -> bytes:
    return b"".join(m for m in messages if f"ActionID: {action_id}\r\n".encode() in m)


class RestartingAsterisk:
    """Connection 1 plays `a` (a call, then the restart, then it closes); connection 2
    answers as `b` did: QueueStatus refused until the boot ends (FullyBooted), then the
    recorded lists. Every answer carries the bridge's own ActionID."""

    def __init__(self) -> None:
        after = recorded_messages(AFTER)
        self.login = after[0]
        self.refused = answer_to(after, "rec-2")
        self.channels = answer_to(after, "rec-3")
        self.queues = answer_to(after, "rec-4")
        # What Asterisk sent once booted: PeerStatus, the [globals] VarSets, FullyBooted.
        self.boot = b"".join(m for m in after if m.startswith(b"Event: ")
                             and b"ActionID: " not in m)
        self.connections = 0
        self.asked: list[tuple[int, str]] = []  # (connection, action)
        self.writers = []
        self.played = asyncio.Event()

    async def serve(self, reader, writer):
        self.connections += 1
        number = self.connections
        self.writers.append(writer)
        data = ami_bytes(BEFORE)
        banner = data.index(b"\r\n") + 2
        writer.write(data[:banner])
        await reader.readuntil(b"\r\n\r\n")  # the Login
        if number == 1:
            resynced = asyncio.Event()
            reading = asyncio.create_task(self.answer(reader, writer, 1, resynced))
            await self.play_before(writer, banner, resynced)
            reading.cancel()
            return
        writer.write(self.login)
        await self.answer(reader, writer, number, asyncio.Event())

    async def play_before(self, writer, banner: int, resynced: asyncio.Event) -> None:
        data = ami_bytes(BEFORE)
        chunks = [(s, data[o:o + n]) for s, o, n in timing(BEFORE)]
        first = True
        for _, chunk in chunks:
            if first:  # banner and the Login's reply
                writer.write(chunk[banner:] if chunk.startswith(b"Asterisk") else chunk)
                first = False
                await asyncio.wait_for(resynced.wait(), 5)
                continue
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.001)
        self.played.set()
        writer.close()  # Asterisk restarts: no Goodbye

    async def answer(self, reader, writer, number: int, resynced: asyncio.Event) -> None:
        framer = Framer(_expect_banner=False)
        refused = False
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                for msg in framer.feed(data)[0]:
                    action = msg.get("Action")
                    self.asked.append((number, action))
                    if action == "QueueStatus":
                        if number == 2 and not refused:
                            refused = True  # app_queue not loaded yet; the boot ends
                            writer.write(with_action_id(self.refused, "rec-2", msg.action_id)
                                         + self.boot)
                        else:
                            writer.write(with_action_id(self.queues, "rec-4", msg.action_id))
                    elif action == "CoreShowChannels":
                        writer.write(with_action_id(self.channels, "rec-3", msg.action_id))
                        resynced.set()


async def test_a_resync_refused_after_a_restart_is_retried_and_said_meanwhile(
        aredis, published):
    pbx = RestartingAsterisk()
    server = await asyncio.start_server(pbx.serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(pbx.played.wait(), 10)
        await wait_for(lambda: bridge.counters["resyncs"] >= 2)  # before and after
        await bridge.drain()
        second = [action for number, action in pbx.asked if number == 2]
        # Refused, retried (QueueStatus again), then the whole resync.
        assert second[:3] == ["QueueStatus", "QueueStatus", "CoreShowChannels"]
        assert bridge.counters["resync_failed"] == 1
        links = [(p["state"], p["fault"]) for p in published.topic(f"bridge.{NODE}.link.updated")]
        assert ("reconnecting", "asterisk restarting") in links
        after_restart = links[links.index(("reconnecting", "asterisk restarting")):]
        assert ("up", RESYNC_FAULT) in after_restart
        assert after_restart[-1] == ("up", None)
        link = json.loads(await aredis.get(f"bridge.{NODE}.link"))
        assert (link["state"], link["fault"]) == ("up", None)
        # The lists of the retry count: agent2 is back from astdb, still paused.
        agent2 = bridge.tracker.agents["PJSIP/agent2"]
        assert agent2.queues["violence"].paused_reason == "break"
        # The call cut by the restart ended as Asterisk said (AgentComplete, then Hangup).
        call = bridge.tracker.find_call("1796531576.0")
        assert call is not None and call.outcome == "answered"
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        for w in pbx.writers:
            w.transport.abort()
        server.close()
