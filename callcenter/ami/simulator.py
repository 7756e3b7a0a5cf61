"""A SIMULATED Asterisk: an AMI server over TCP with made-up 1300 traffic.

Not Asterisk. It speaks the AMI wire format the way Asterisk 22 does (banner, CRLF,
replies by ActionID, event lists), keeps just enough state to answer the bridge's actions
(QueueStatus, CoreShowChannels, QueueAdd/Remove/Pause, Originate, Redirect, Hangup, Ping)
and plays calls in the shapes of the recorded transcripts. `callcenter demo`, the tests
and the benchmark use it; production connects the bridge to real Asterisk nodes.

Given the IVR's FastAGI address (`agi`), a simulated caller goes through the real IVR as
Asterisk would send them: the simulator connects, speaks Asterisk's side of FastAGI with a
made-up keypress script (`agi_simulator`), turns what the IVR sets into the AMI events
Asterisk would emit (VarSet, UserEvent IvrChoice) and queues the caller where the IVR
said. A unit's voice alert (Originate into `dispatch`) runs the IVR's `dispatch` route the
same way, and a call back (Originate into `callback`) puts the called-back caller in the
queue of the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import time
from collections import deque
from dataclasses import dataclass, field, replace

from callcenter.ami import agi_simulator
from callcenter.ami.framing import Framer, Message
from callcenter.ami.simulated_calls import (
    Headers,
    SimAgent,
    SimCall,
    Step,
    arrival_steps,
    call_steps,
    encode,
    hangup_steps,
    hotline_channel,
    member_headers,
    queue_steps,
)
from callcenter.provinces.catalog import demo_duty_phone

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
# The demo's agents: the recorded ones, also sitting in the queues the IVR routes to that
# the recordings had no member for, so that no demo caller waits in an empty queue.
DEMO_AGENTS = {
    **DEFAULT_AGENTS,
    "urgent": [DEFAULT_AGENTS["violence"][0], DEFAULT_AGENTS["operator"][0]],
    "english": [DEFAULT_AGENTS["violence"][1]],
    "burmese": [DEFAULT_AGENTS["trafficking"][0]],
    "khmer": [DEFAULT_AGENTS["trafficking"][0]],
    "lao": [DEFAULT_AGENTS["trafficking"][1]],
    "missing": [DEFAULT_AGENTS["welfare"][0]],
    "homeless": [DEFAULT_AGENTS["welfare"][0]],
}
# Dial targets of rapid-response units and what their line does, as recorded; the seed's
# made-up duty phones of the same provinces do the same (any other number answers).
UNIT_LINES = {"th50": "answer", "th96": "noanswer", "th10": "busy",
              demo_duty_phone("TH-50"): "answer", demo_duty_phone("TH-96"): "noanswer",
              demo_duty_phone("TH-10"): "busy"}
# Keypress scripts of simulated callers (language menu, then problem menu) and how often.
IVR_SCRIPTS: list[tuple[list[str], int]] = [
    (["1", "1"], 6), (["1", "2"], 2), (["1", "3"], 1), (["1", "4"], 2), (["1", "5"], 1),
    (["1", "6"], 1), (["1", "7"], 3), (["1", "0"], 2), (["2", "2"], 1), (["3", "2"], 1),
    (["9"], 1), (["8"], 1), (["6"], 1),
    # A third key answers the call-back offer when the IVR makes one (1: call me back).
    (["1", "7", "1"], 2), (["1", "4", "1"], 1),
]


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
                 agents: dict[str, list[SimAgent]] | None = None, speed: float = 1.0,
                 agi: tuple[str, int] | None = None) -> None:
        self.username, self.secret = username, secret
        self.speed = speed  # 10 = ten times faster than real time
        self.agi = agi  # the IVR's FastAGI address; None: callers skip the IVR
        self.lines = dict(UNIT_LINES)
        self.members: dict[tuple[str, str], SimMember] = {}
        for queue, people in (agents or DEFAULT_AGENTS).items():
            for agent in people:
                self.members[(queue, agent.interface)] = SimMember(agent)
        self.channels: dict[str, Headers] = {}  # uniqueid → Newchannel headers
        self.entries: dict[str, tuple[str, float, Headers]] = {}  # uniqueid → queue, since
        self.sessions: list[Session] = []
        self.frozen = False  # True: read actions but answer nothing (a hung PBX)
        self.received: list[Message] = []
        self.recent_events: deque[Headers] = deque(maxlen=2000)  # for tests to look at
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
        self.recent_events.append(headers)
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
        line = self.lines.get(target, "answer")
        variables = dict(v.partition("=")[::2] for v in msg.get_all("Variable"))
        self._spawn(self._originate(aid, msg.get("Channel"), line, msg.get("Context"),
                                    variables))

    async def _originate(self, aid: str, dial: str, line: str, context: str = "",
                         variables: dict[str, str] | None = None) -> None:
        seq = next(self._seq)
        uid = f"{int(time.time())}.{seq * 4 + 3}"
        chan = f"{dial}-{seq:08x};1"
        base = {"Privilege": "call,all", "Channel": chan, "ChannelState": "0",
                "ChannelStateDesc": "Down", "CallerIDNum": "1300", "CallerIDName": "OSCC 1300",
                "Context": context or "rru", "Exten": dial.partition("/")[2].partition("@")[0],
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
        answered = {**base, "Context": context or "rru", "Exten": "s",
                    "ChannelState": "6", "ChannelStateDesc": "Up"}
        if context == "dispatch" and self.agi is not None:
            await self._dispatch_ivr(answered, variables or {})
        elif context == "callback":
            await self._callback_queue(answered, variables or {}, base["Exten"])
            return
        else:
            await self._sleep(3)
        self.emit({"Event": "Hangup", **base, "Cause": "16", "Cause-txt": "Normal Clearing"})

    async def _dispatch_ivr(self, chan: Headers, variables: dict[str, str]) -> None:
        """The unit's answered leg runs AGI(…/dispatch,<id>): the unit presses 1."""
        assert self.agi is not None
        dispatch_id = variables.get("DISPATCH_ID", "")
        channel = agi_simulator.SimulatedChannel(
            keys=["1"], channel_vars={k: v for k, v in variables.items() if v},
            listener=self._ami_listener(chan))
        env = agi_simulator.environment("dispatch", uniqueid=chan["Uniqueid"], callerid="1300",
                                        context="dispatch", extension="s",
                                        args=(dispatch_id,), channel=chan["Channel"])
        await self._run_agi(channel, env)
        self.emit({"Event": "UserEvent", "Privilege": "user,all", **chan,
                   "UserEvent": "DispatchAck", "DispatchId": dispatch_id,
                   "Unit": variables.get("RRU_UNIT", ""),
                   "Ack": channel.variables.get("DISPATCH_ACK") or "none"})

    async def _callback_queue(self, chan: Headers, variables: dict[str, str],
                              number: str) -> None:
        """The called-back caller goes through [callback] into the request's queue."""
        for name in ("IVR_LANGUAGE", "IVR_ISSUE", "IVR_PRIORITY", "IVR_SILENT"):
            if name in variables:
                self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                           "Variable": name, "Value": variables[name]})
        queue = variables.get("CALLBACK_QUEUE") or "operator"
        self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                   "Variable": "IVR_QUEUE", "Value": queue})
        call = self.new_call(queue=queue, caller=number, talk=6.0, wait=2.0)
        # The queue events carry the originated channel's own Uniqueid.
        steps = [(at, {**h, **_same_call(h, call, chan)}) for at, h in queue_steps(call)]
        await self._play_steps(steps)

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
        members = [m for (q, _), m in self.members.items() if q == queue]
        # Prefer an agent who is free in every queue (agents of the demo sit in several).
        busy = {m.agent.interface for m in self.members.values() if m.in_call}
        free = [m.agent for m in members if not m.paused and m.agent.interface not in busy]
        agents = free or [m.agent for m in members]
        agent = random.choice(agents) if agents else None
        if agent is None and shape in ("answered", "agent_hangup"):
            shape = "abandoned"
        return SimCall(seq=next(self._seq), epoch=int(time.time()),
                       caller=caller or f"08{random.randrange(10**8):08d}", queue=queue,
                       shape=shape, agent=agent, talk=talk, wait=wait)

    async def play(self, call: SimCall) -> None:
        """Emit one call's events at its pace (divided by `speed`)."""
        await self._play_steps(call_steps(call))

    async def _play_steps(self, steps: list[Step]) -> None:
        start = time.monotonic()
        for at, headers in steps:
            delay = start + at / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.emit(headers)

    async def ivr_call(self, keys: list[str], *, caller: str | None = None,
                       hangup_at: int | None = None, shape: str = "answered",
                       talk: float = 6.0, wait: float = 2.0,
                       pace: float = 0.0) -> tuple[SimCall, agi_simulator.SimulatedChannel]:
        """One caller through the real IVR over FastAGI, then the queue it chose.

        ``keys``: one per chance to press (see ``agi_simulator.SimulatedChannel``);
        ``shape`` says how the queue part ends (answered, abandoned, queue_timeout…).
        """
        assert self.agi is not None, "no FastAGI address: AmiSimulator(agi=(host, port))"
        call = self.new_call(shape=shape, queue="operator", caller=caller, talk=talk, wait=wait)
        await self._play_steps(arrival_steps(call))
        up = hotline_channel(call)
        channel = agi_simulator.SimulatedChannel(
            keys=list(keys), hangup_at=hangup_at,
            channel_vars={"HOTLINE_CALL_ID": call.uniqueid}, listener=self._ami_listener(up))
        env = agi_simulator.environment("ivr", uniqueid=call.uniqueid, callerid=call.caller,
                                        channel=call.channel)
        await self._run_agi(channel, env, pace=pace)
        self.emit({"Event": "AGIExecEnd", "Privilege": "agi,all", **up, "Command": "",
                   "CommandId": "1", "ResultCode": "200", "Result": "Success"})
        if not channel.alive or channel.variables.get("IVR_CALLBACK") == "yes":
            await self._play_steps(hangup_steps(call))  # hung up, or booked a call back
            return call, channel
        # The dialplan's `route`: an empty or unknown IVR_QUEUE means the general queue.
        queue = channel.variables.get("IVR_QUEUE") or "operator"
        if shape not in ("answered", "abandoned", "queue_timeout", "agent_hangup"):
            shape = "answered"  # meant to hang up in the IVR, but the menus were shorter
        chosen = self.new_call(shape=shape, queue=queue, caller=call.caller, talk=talk,
                               wait=wait)
        call = replace(call, queue=queue, agent=chosen.agent, shape=chosen.shape)
        await self._play_steps(queue_steps(call))
        return call, channel

    async def _run_agi(self, channel: agi_simulator.SimulatedChannel, env: bytes,
                       pace: float = 0.0) -> None:
        assert self.agi is not None
        try:
            await agi_simulator.call(*self.agi, channel, env, pace=pace)
        except (OSError, TimeoutError):
            # As on Asterisk: AGI fails, the dialplan goes on with what was set (maybe none).
            log.warning("simulator: the IVR at %s:%d did not answer", *self.agi)

    def _ami_listener(self, chan: Headers):
        """What Asterisk announces while the IVR works: VarSet, and UserEvent from EXEC."""
        def hear(kind: str, args: list[str]) -> None:
            if kind == "VarSet":
                self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                           "Variable": args[0], "Value": args[1]})
                return
            name, *pairs = (args[0] if args else "").split(",")
            fields = dict(p.partition(":")[::2] for p in pairs)
            self.emit({"Event": "UserEvent", "Privilege": "user,all", **chan,
                       "UserEvent": name,
                       **{k.strip(): v.strip() for k, v in fields.items() if k.strip()}})
        return hear

    async def traffic(self, *, calls_per_minute: float = 30.0, duration: float | None = None
                      ) -> None:
        """Callers arriving at random, mostly answered, some abandoning or timing out."""
        shapes = ["answered"] * 7 + ["abandoned", "queue_timeout", "ivr_hangup",
                                     "agent_hangup"]
        queues = list(DEFAULT_AGENTS)
        end = None if duration is None else time.monotonic() + duration
        scripts = [keys for keys, weight in IVR_SCRIPTS for _ in range(weight)]
        while end is None or time.monotonic() < end:
            shape = random.choice(shapes)
            talk, wait = random.uniform(20, 240), random.uniform(1, 40)
            if self.agi is not None:
                keys = random.choice(scripts)
                hangup_at = random.randrange(1, 4) if shape == "ivr_hangup" else None
                self._spawn(self.ivr_call(keys, shape=shape, talk=talk, wait=wait,
                                          hangup_at=hangup_at, pace=1.0 / self.speed))
            else:
                call = self.new_call(shape=shape, queue=random.choice(queues), talk=talk,
                                     wait=wait)
                self._spawn(self.play(call))
            await self._sleep(random.expovariate(calls_per_minute / 60.0))


def _same_call(headers: Headers, call: SimCall, chan: Headers) -> Headers:
    """Give a queue step of a simulated call the identity of an originated channel."""
    if headers.get("Uniqueid") != call.uniqueid:
        return {}
    return {"Channel": chan["Channel"], "Uniqueid": chan["Uniqueid"],
            "Linkedid": chan["Linkedid"]}


async def serve(port: int, secret: str, calls_per_minute: float,
                agi: tuple[str, int] | None = None) -> None:
    sim = AmiSimulator(secret=secret, agi=agi, agents=DEMO_AGENTS)
    await sim.start("127.0.0.1", port)
    log.warning("SIMULATED Asterisk AMI on 127.0.0.1:%d: made-up calls, not a real PBX%s",
                sim.port, f"; callers go through the IVR at {agi[0]}:{agi[1]}" if agi else "")
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
    parser.add_argument("--no-ivr", action="store_true",
                        help="callers skip the IVR (no FastAGI to the configured address)")
    args = parser.parse_args(argv)
    agi = None if args.no_ivr else (settings.agi_host, settings.agi_port)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.secret, args.calls_per_minute, agi))


if __name__ == "__main__":  # pragma: no cover
    main()
