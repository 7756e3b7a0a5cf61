"""The SIMULATED Asterisk's socket side: sessions, login, events to every session.

Not Asterisk. It speaks the AMI wire format the way Asterisk 22 does (banner, CRLF,
replies by ActionID) and keeps just enough state (channels, queue entries, members) for
the actions of `pbx.py` to answer from.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from callcenter.ami.framing import Framer, Message
from callcenter.simulators.asterisk.call_events import Headers, SimAgent, encode
from callcenter.simulators.asterisk.phones import AnyPhone, PhoneBook
from callcenter.simulators.asterisk.roster import DEFAULT_AGENTS, UNIT_LINES, SimMember

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
Reply = Callable[..., None]


@dataclass
class Session:
    writer: asyncio.StreamWriter
    logged_in: bool = False


class SimServer:
    def __init__(self, *, username: str = "callcenter",
                 secret: str = "hotline1300",  # noqa: S107 - the recordings' test login
                 agents: dict[str, list[SimAgent]] | None = None, speed: float = 1.0,
                 agi: tuple[str, int] | None = None, wrap_up: float = 0.0,
                 queues: tuple[str, ...] = (), phones: PhoneBook | None = None) -> None:
        self.username, self.secret = username, secret
        # The PJSIP endpoints it would find (the database's realtime rows in the demo).
        self.phones: PhoneBook = phones or AnyPhone()
        self.speed = speed  # 10 = ten times faster than real time
        self.agi = agi  # the IVR's FastAGI address; None: callers skip the IVR
        self.wrap_up = wrap_up  # queues.conf `wrapuptime`: seconds before a member rings again
        self.lines = dict(UNIT_LINES)
        roster = DEFAULT_AGENTS if agents is None else agents
        # The queues its queues.conf defines: those given and those of the roster.
        self.queues = sorted(set(queues) | set(roster))
        self.members: dict[tuple[str, str], SimMember] = {}
        for queue, people in roster.items():
            for agent in people:
                penalty = agent.skills.index(queue) if queue in agent.skills else 0
                self.members[(queue, agent.interface)] = SimMember(
                    agent, dynamic=agent.dynamic, penalty=penalty)
        # Members rung or talking (interface → the call's Uniqueid): a phone takes one call
        # at a time (`ringinuse = no`), in every queue it sits in.
        self.engaged: dict[str, str] = {}
        self.free_at: dict[str, float] = {}  # interface → end of its wrap-up (monotonic)
        # Phones a client has signed in, paused or signed out (a person at the console):
        # the simulated floor's random pauses leave them to their person.
        self.staffed: set[str] = set()
        self.channels: dict[str, Headers] = {}  # uniqueid → Newchannel headers
        self.entries: dict[str, tuple[str, float, Headers]] = {}  # uniqueid → queue, since
        self.sessions: list[Session] = []
        self.frozen = False  # True: read actions but answer nothing (a hung PBX)
        self.received: list[Message] = []
        self.recent_events: deque[Headers] = deque(maxlen=2000)  # for tests to look at
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._seq = itertools.count(1)
        self.port = 0

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

    def send(self, session: Session, headers: Headers) -> None:
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

    def _answer(self, session: Session, msg: Message) -> None:
        action = msg.get("Action").lower()
        aid = msg.get("ActionID")

        def reply(response: str = "Success", **extra: str) -> None:
            self.send(session, {"Response": response, "ActionID": aid, **extra})

        if action == "login":
            if msg.get("Username") == self.username and msg.get("Secret") == self.secret:
                session.logged_in = True
                reply(Message="Authentication accepted")
                self.send(session, {"Event": "FullyBooted", "Privilege": "system,all",
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

    def _track(self, h: Headers) -> None:
        name = h.get("Event")
        uid = h.get("Uniqueid", "")
        if name == "Newchannel":
            self.channels[uid] = {k: v for k, v in h.items() if k not in ("Event",)}
        elif name == "Hangup":
            self.channels.pop(uid, None)
            self.entries.pop(uid, None)
            for interface, call in list(self.engaged.items()):
                if call == uid:  # hung up while the member rang
                    self.release(interface)
        elif name == "QueueCallerJoin":
            self.entries[uid] = (h["Queue"], time.monotonic(), h)
        elif name in ("QueueCallerLeave", "QueueCallerAbandon"):
            self.entries.pop(uid, None)
        elif name == "AgentComplete":
            self.release(h["Interface"])

    def device_known(self, interface: str) -> bool:
        """Whether a PJSIP interface names an endpoint Asterisk would find (others: yes)."""
        technology, _, endpoint = interface.partition("/")
        return technology != "PJSIP" or self.phones.known(endpoint)

    def release(self, interface: str) -> None:
        """The member's call ended: free again once its wrap-up is over."""
        self.engaged.pop(interface, None)
        self.free_at[interface] = time.monotonic() + self.wrap_up / self.speed

    def can_ring(self, queue: str, interface: str) -> bool:
        """Whether the queue would ring this member now: signed in to it, not paused,
        not on a call and past its wrap-up."""
        m = self.members.get((queue, interface))
        # app_queue never rings a member whose device is invalid (4) or unavailable (5).
        return (m is not None and m.status not in (4, 5) and not m.paused
                and interface not in self.engaged
                and time.monotonic() >= self.free_at.get(interface, 0.0))

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
