"""A SIMULATED Asterisk: an AMI server over TCP with made-up 1300 traffic.

Not Asterisk. It speaks the AMI wire format the way Asterisk 22 does (banner, CRLF,
replies by ActionID, event lists), keeps just enough state to answer the bridge's actions
(QueueStatus, CoreShowChannels, QueueAdd/Remove/Pause, Originate, Redirect, Hangup, Ping)
and plays calls in the shapes of the recorded transcripts. `callcenter demo`, the tests
and the benchmark use it; production connects the bridge to real Asterisk nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import time
from dataclasses import dataclass, field

from callcenter.ami.framing import Framer, Message
from callcenter.ami.simulated_calls import (
    Headers,
    SimAgent,
    SimCall,
    call_steps,
    encode,
    member_headers,
)

log = logging.getLogger(__name__)

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
DEFAULT_AGENTS = {
    "violence": [SimAgent("Local/agent1@agents/n", "สมหญิง ใจดี"),
                 SimAgent("Local/agent2@agents/n", "Somchai Rakdee")],
    "trafficking": [SimAgent("Local/agent3@agents/n", "Malee Srisuk"),
                    SimAgent("Local/agent4@agents/n", "Anan Wongsa")],
    "pregnancy": [SimAgent("Local/agent5@agents/n", "Pranee Kaewmanee")],
    "welfare": [SimAgent("Local/agent6@agents/n", "Wichai Thongdee")],
    "operator": [SimAgent("Local/agent7@agents/n", "Kanya Boonmee")],
}
# Dial targets of rapid-response units and what their line does, as recorded.
UNIT_LINES = {"th50": "answer", "th96": "noanswer", "th10": "busy"}


@dataclass
class SimMember:
    agent: SimAgent
    dynamic: bool = False
    paused: bool = False
    reason: str = ""
    penalty: int = 0
    status: int = 1
    in_call: bool = False
    login_time: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Session:
    writer: asyncio.StreamWriter
    logged_in: bool = False


class AmiSimulator:
    def __init__(self, *, username: str = "callcenter",
                 secret: str = "hotline1300",  # noqa: S107 - the recordings' test login
                 agents: dict[str, list[SimAgent]] | None = None, speed: float = 1.0) -> None:
        self.username, self.secret = username, secret
        self.speed = speed  # 10 = ten times faster than real time
        self.members: dict[tuple[str, str], SimMember] = {}
        for queue, people in (agents or DEFAULT_AGENTS).items():
            for agent in people:
                self.members[(queue, agent.interface)] = SimMember(agent)
        self.channels: dict[str, Headers] = {}  # uniqueid → Newchannel headers
        self.entries: dict[str, tuple[str, float, Headers]] = {}  # uniqueid → queue, since
        self.sessions: list[Session] = []
        self.frozen = False  # True: read actions but answer nothing (a hung PBX)
        self.received: list[Message] = []
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self._seq = itertools.count(1)
        self.port = 0

    # ------------------------------------------------------------------ server
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.drop_all()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    def drop_all(self) -> None:
        """Close every session abruptly, as a crashed or restarted Asterisk does."""
        for session in self.sessions:
            session.writer.transport.abort()
        self.sessions.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(writer)
        self.sessions.append(session)
        writer.write(BANNER)
        framer = Framer(_expect_banner=False)
        try:
            while data := await reader.read(65536):
                messages, _ = framer.feed(data)
                for msg in messages:
                    self.received.append(msg)
                    if not self.frozen:
                        self._answer(session, msg)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if session in self.sessions:
                self.sessions.remove(session)
            writer.close()

    def _send(self, session: Session, headers: Headers) -> None:
        if not session.writer.is_closing():
            session.writer.write(encode(headers))

    def emit(self, headers: Headers) -> None:
        """Send one event to every logged-in session and keep the state in step."""
        self._track(headers)
        data = encode(headers)
        for session in self.sessions:
            if session.logged_in and not session.writer.is_closing():
                session.writer.write(data)

    # ------------------------------------------------------------------ actions
    def _answer(self, session: Session, msg: Message) -> None:
        action = msg.get("Action").lower()
        aid = msg.get("ActionID")

        def reply(response: str = "Success", **extra: str) -> None:
            self._send(session, {"Response": response, "ActionID": aid, **extra})

        if action == "login":
            if msg.get("Username") == self.username and msg.get("Secret") == self.secret:
                session.logged_in = True
                reply(Message="Authentication accepted")
                self._send(session, {"Event": "FullyBooted", "Privilege": "system,all",
                                     "Uptime": "0", "LastReload": "0",
                                     "Status": "Fully Booted"})
            else:
                reply("Error", Message="Authentication failed")
                session.writer.close()
            return
        if not session.logged_in:
            reply("Error", Message="Permission denied")
            return
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            reply("Error", Message="Invalid/unknown command")
            return
        handler(session, msg, reply)

    def _do_ping(self, session, msg, reply) -> None:
        reply(Ping="Pong", Timestamp=f"{time.time():.6f}")

    def _do_logoff(self, session, msg, reply) -> None:
        reply("Goodbye", Message="Thanks for all the fish.")
        session.writer.close()

    def _list(self, session, aid: str, start: str, items: list[Headers], done: str) -> None:
        self._send(session, {"Response": "Success", "ActionID": aid, "EventList": "start",
                             "Message": start})
        for item in items:
            self._send(session, {**item, "ActionID": aid})
        self._send(session, {"Event": done, "ActionID": aid, "EventList": "Complete",
                             "ListItems": str(len(items))})

    def _do_queuestatus(self, session, msg, reply) -> None:
        items: list[Headers] = []
        queues = sorted({q for q, _ in self.members} | {e[0] for e in self.entries.values()})
        for queue in queues:
            items.append({"Event": "QueueParams", "Queue": queue, "Max": "0",
                          "Strategy": "rrmemory", "Calls": "0", "Holdtime": "0",
                          "TalkTime": "0", "Completed": "0", "Abandoned": "0",
                          "ServiceLevel": "30", "ServicelevelPerf": "0.0", "Weight": "0"})
            for (q, _), m in sorted(self.members.items()):
                if q != queue:
                    continue
                h = member_headers(q, m.agent, status=m.status, paused=m.paused,
                                   reason=m.reason, in_call=m.in_call, dynamic=m.dynamic,
                                   login_time=m.login_time)
                items.append({"Event": "QueueMember", "Queue": q, "Name": m.agent.name,
                              "Location": m.agent.interface,
                              **{k: v for k, v in h.items()
                                 if k not in ("Queue", "MemberName", "Interface")}})
            position = 0
            for uid, (q, since, chan) in self.entries.items():
                if q != queue:
                    continue
                position += 1
                items.append({"Event": "QueueEntry", "Queue": q, "Position": str(position),
                              "Channel": chan["Channel"], "Uniqueid": uid,
                              "CallerIDNum": chan["CallerIDNum"], "CallerIDName": "unknown",
                              "Wait": str(int(time.monotonic() - since)), "Priority": "0"})
        self._list(session, msg.get("ActionID"), "Queue status will follow", items,
                   "QueueStatusComplete")

    def _do_coreshowchannels(self, session, msg, reply) -> None:
        items = [{"Event": "CoreShowChannel", **h, "Application": "AppQueue",
                  "ApplicationData": "", "Duration": "00:00:01", "BridgeId": ""}
                 for h in self.channels.values()]
        self._list(session, msg.get("ActionID"), "Channels will follow", items,
                   "CoreShowChannelsComplete")

    def _member_event(self, name: str, queue: str, m: SimMember) -> None:
        self.emit({"Event": name, "Privilege": "agent,all",
                   **member_headers(queue, m.agent, status=m.status, paused=m.paused,
                                    reason=m.reason, in_call=m.in_call, dynamic=m.dynamic,
                                    login_time=m.login_time)})

    def _do_queueadd(self, session, msg, reply) -> None:
        key = (msg.get("Queue"), msg.get("Interface"))
        if key in self.members:
            reply("Error", Message="Unable to add interface: Already there")
            return
        agent = SimAgent(key[1], msg.get("MemberName") or key[1])
        m = self.members[key] = SimMember(agent, dynamic=True,
                                          paused=msg.get("Paused") == "true")
        reply(Message="Added interface to queue")
        self._member_event("QueueMemberAdded", key[0], m)

    def _do_queueremove(self, session, msg, reply) -> None:
        key = (msg.get("Queue"), msg.get("Interface"))
        m = self.members.get(key)
        if m is None:
            reply("Error", Message="Unable to remove interface: Not there")
        elif not m.dynamic:
            reply("Error", Message="Member not dynamic")
        else:
            del self.members[key]
            reply(Message="Removed interface from queue")
            self._member_event("QueueMemberRemoved", key[0], m)

    def _do_queuepause(self, session, msg, reply) -> None:
        queue, iface = msg.get("Queue"), msg.get("Interface")
        paused = msg.get("Paused").lower() == "true"
        found = [(q, m) for (q, i), m in self.members.items()
                 if i == iface and (not queue or q == queue)]
        if not found:
            reply("Error", Message="Interface not found")
            return
        reply(Message="Interface paused successfully" if paused
              else "Interface unpaused successfully")
        for q, m in found:
            m.paused, m.reason = paused, (msg.get("Reason") if paused else "")
            self._member_event("QueueMemberPause", q, m)

    def _find_channel(self, name: str) -> str | None:
        for uid, h in self.channels.items():
            if h["Channel"] == name:
                return uid
        return None

    def _do_hangup(self, session, msg, reply) -> None:
        uid = self._find_channel(msg.get("Channel"))
        if uid is None:
            reply("Error", Message="No such channel")
            return
        reply(Message="Channel Hungup")
        self.emit({"Event": "Hangup", **self.channels[uid], "Cause": "16",
                   "Cause-txt": "Normal Clearing"})

    def _do_redirect(self, session, msg, reply) -> None:
        if self._find_channel(msg.get("Channel")) is None:
            reply("Error", Message="Channel specified does not exist")
            return
        reply(Message="Redirect successful")

    def _do_originate(self, session, msg, reply) -> None:
        target = msg.get("Channel").partition("/")[2].partition("@")[0]
        aid = msg.get("ActionID")
        if not msg.get("Channel").startswith(("Local/", "PJSIP/", "SIP/")):
            reply("Error", Message="Originate failed")
            return
        reply(Message="Originate successfully queued")
        line = UNIT_LINES.get(target, "answer")
        self._spawn(self._originate(aid, msg.get("Channel"), line))

    async def _originate(self, aid: str, dial: str, line: str) -> None:
        seq = next(self._seq)
        uid = f"{int(time.time())}.{seq * 4 + 3}"
        chan = f"{dial}-{seq:08x};1"
        base = {"Privilege": "call,all", "Channel": chan, "ChannelState": "0",
                "ChannelStateDesc": "Down", "CallerIDNum": "1300", "CallerIDName": "OSCC 1300",
                "Context": "rru", "Exten": dial.partition("/")[2].partition("@")[0],
                "Priority": "1", "Uniqueid": uid, "Linkedid": uid}
        self.emit({"Event": "Newchannel", **base})
        if line == "busy":
            await self._sleep(0.05)
            self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                       "Response": "Failure", "Channel": dial, "Reason": "5",
                       "Uniqueid": "<unknown>"})
            self.emit({"Event": "Hangup", **base, "Cause": "17", "Cause-txt": "User busy"})
            return
        if line == "noanswer":
            await self._sleep(10)
            self.emit({"Event": "Hangup", **base, "Cause": "19",
                       "Cause-txt": "User alerting, no answer"})
            self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                       "Response": "Failure", "Channel": dial, "Reason": "3",
                       "Uniqueid": "<unknown>"})
            return
        await self._sleep(2)
        self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                   "Response": "Success", "Channel": chan, "Reason": "4", "Uniqueid": uid})
        await self._sleep(3)
        self.emit({"Event": "Hangup", **base, "Cause": "16", "Cause-txt": "Normal Clearing"})

    # ------------------------------------------------------------------ traffic
    def _track(self, h: Headers) -> None:
        name = h.get("Event")
        uid = h.get("Uniqueid", "")
        if name == "Newchannel":
            self.channels[uid] = {k: v for k, v in h.items() if k not in ("Event",)}
        elif name == "Hangup":
            self.channels.pop(uid, None)
            self.entries.pop(uid, None)
        elif name == "QueueCallerJoin":
            self.entries[uid] = (h["Queue"], time.monotonic(), h)
        elif name in ("QueueCallerLeave", "QueueCallerAbandon"):
            self.entries.pop(uid, None)
        elif name == "AgentConnect" or name == "AgentComplete":
            m = self.members.get((h["Queue"], h["Interface"]))
            if m is not None:
                m.in_call = name == "AgentConnect"
                m.status = 2 if m.in_call else 1

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def new_call(self, *, shape: str = "answered", queue: str = "violence",
                 caller: str | None = None, talk: float = 6.0, wait: float = 2.0) -> SimCall:
        agents = [m.agent for (q, _), m in self.members.items() if q == queue]
        agent = random.choice(agents) if agents else None
        if agent is None and shape in ("answered", "agent_hangup"):
            shape = "abandoned"
        return SimCall(seq=next(self._seq), epoch=int(time.time()),
                       caller=caller or f"08{random.randrange(10**8):08d}", queue=queue,
                       shape=shape, agent=agent, talk=talk, wait=wait)

    async def play(self, call: SimCall) -> None:
        """Emit one call's events at its pace (divided by `speed`)."""
        start = time.monotonic()
        for at, headers in call_steps(call):
            delay = start + at / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.emit(headers)

    async def traffic(self, *, calls_per_minute: float = 30.0, duration: float | None = None
                      ) -> None:
        """Callers arriving at random, mostly answered, some abandoning or timing out."""
        shapes = ["answered"] * 7 + ["abandoned", "queue_timeout", "ivr_hangup",
                                     "agent_hangup"]
        queues = list(DEFAULT_AGENTS)
        end = None if duration is None else time.monotonic() + duration
        while end is None or time.monotonic() < end:
            call = self.new_call(shape=random.choice(shapes), queue=random.choice(queues),
                                 talk=random.uniform(20, 240), wait=random.uniform(1, 40))
            self._spawn(self.play(call))
            await self._sleep(random.expovariate(calls_per_minute / 60.0))


async def serve(port: int, secret: str, calls_per_minute: float) -> None:
    sim = AmiSimulator(secret=secret)
    await sim.start("127.0.0.1", port)
    log.warning("SIMULATED Asterisk AMI on 127.0.0.1:%d: made-up calls, not a real PBX",
                sim.port)
    await sim.traffic(calls_per_minute=calls_per_minute)


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - process entry
    import argparse

    from callcenter.runtime import configure_logging, load_or_exit

    settings = load_or_exit()
    configure_logging(settings.log_level)
    parser = argparse.ArgumentParser(prog="python -m callcenter.ami.simulator")
    parser.add_argument("--port", type=int, default=settings.simulator_port)
    parser.add_argument("--secret", default="simulator")
    parser.add_argument("--calls-per-minute", type=float, default=20.0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.secret, args.calls_per_minute))


if __name__ == "__main__":  # pragma: no cover
    main()
