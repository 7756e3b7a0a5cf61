"""One AMI connection's protocol, without I/O: bytes in, bytes out, messages handed out.

Pure, like a sans-I/O protocol object: the driver feeds what the socket read
(`receive_data`), writes what `data_to_send` returns, and takes what arrived:
`events_received` (every message but the Login's reply, in wire order),
`replies_completed` (actions whose whole reply is in, event lists included) and
`problems_received`. The session follows the connection's life, one object per
connection: the banner (`Asterisk Call Manager/…`, else `not_asterisk`), the Login (the
first reply on the connection is the Login's, whatever its ActionID), then actions
matched to their replies by ActionID; a Ping is an action like any other, its Pong the
reply. No clock, no timers: when to ping and how long to wait are the driver's.

Replies are handed out as well as matched: the driver sees each one in order with the
events around it (a resync asks whether a FullyBooted came before the QueueStatus reply).
"""

from __future__ import annotations

import logging
from collections import Counter
from enum import Enum

from callcenter.ami import actions
from callcenter.ami.actions import Action, Pending, Reply
from callcenter.ami.framing import Framer, Message, Problem, shown
from callcenter.ami.noise import KNOWN_NOISE, event_name, skip_untracked

log = logging.getLogger(__name__)


class State(Enum):
    BANNER = "banner"  # connected, Asterisk's first line not read yet
    READY = "ready"  # banner read; the Login may go
    LOGGING_IN = "logging in"  # the Login is sent, its reply not in yet
    OPEN = "open"  # the Login's reply is in (it may say the Login was refused)
    CLOSED = "closed"  # the peer closed (`receive_eof`)


class SessionClosed(ConnectionError):
    """An action was given to a session whose connection has closed."""


class AmiSession:
    def __init__(self) -> None:
        # Events nobody reads are dropped on their bytes, before decoding (most of them).
        self.framer = Framer(skip=self._skip)
        self.state = State.BANNER
        self.banner: str | None = None
        # The first bytes of a peer that is not an Asterisk manager (wrong host or port).
        self.not_asterisk: str | None = None
        self.login_reply: Message | None = None
        self.unknown_events: Counter[bytes] = Counter()
        self.unmatched_replies = 0
        self._pending = Pending()
        self._outgoing = bytearray()
        self._events: list[Message] = []
        self._replies: list[tuple[str, Reply]] = []
        self._problems: list[Problem] = []

    # ------------------------------------------------------------------ bytes in
    def receive_data(self, data: bytes) -> None:
        """Take what the socket read: any cut, a message may span several reads."""
        messages, problems = self.framer.feed(data)
        if self.state is State.BANNER:
            if self.framer.banner is not None:
                self.banner = self.framer.banner
                self.state = State.READY
            elif self.framer.not_banner is not None:
                self.not_asterisk = shown(self.framer.not_banner)
                self.state = State.READY
        self._problems += problems
        for msg in messages:
            self._receive_message(msg)

    def receive_eof(self) -> None:
        """The connection closed: what arrived of a message is dropped; replies never come."""
        if self.framer.pending_bytes:
            self._problems.append(Problem("truncated", f"{self.framer.pending_bytes} bytes"))
        self.state = State.CLOSED
        self._pending.drain()

    def _receive_message(self, msg: Message) -> None:
        # OriginateResponse is an event with a Response header: test Event first.
        is_reply = "Event" not in msg.headers
        if is_reply and self.state in (State.READY, State.LOGGING_IN):
            # The first reply of a connection is the Login's, whatever its ActionID (a
            # replayed recording may even send it before the Login has gone out).
            self.login_reply = msg
            self.state = State.OPEN
            return
        if "ActionID" in msg.headers or is_reply:
            consumed, reply = self._pending.offer(msg)
            if reply is not None:
                self._replies.append((msg.action_id, reply))
            elif not consumed and "Response" in msg.headers:
                # Late (its action timed out), or not ours; an OriginateResponse too.
                self.unmatched_replies += 1
        self._events.append(msg)

    def _skip(self, raw: bytes) -> bool:
        if not skip_untracked(raw):
            return False
        name = event_name(raw)
        if name not in KNOWN_NOISE:
            # An event this code does not know: counted by name, logged the first time.
            if name not in self.unknown_events:
                log.info("unknown AMI event %s skipped", name.decode("ascii", "replace"))
            self.unknown_events[name] += 1
        return True

    # ------------------------------------------------------------------ bytes out
    def send_login(self, username: str, secret: str, action_id: str) -> None:
        self._write(actions.login(username, secret), action_id)
        if self.state is State.READY:  # else its reply is already in
            self.state = State.LOGGING_IN

    def send_action(self, action: Action, action_id: str) -> None:
        """Queue one action; its reply comes out of `replies_completed`, once, whole."""
        if self.state is State.CLOSED:
            raise SessionClosed(action.name)
        self._pending.expect(action_id, action)
        self._write(action, action_id)

    def forget(self, action_id: str) -> None:
        """The driver stopped waiting (a timeout): a late reply is then unmatched."""
        self._pending.drop(action_id)

    def _write(self, action: Action, action_id: str) -> None:
        self._outgoing += action.to_bytes(action_id)

    def data_to_send(self) -> bytes:
        data = bytes(self._outgoing)
        self._outgoing.clear()
        return data

    # ------------------------------------------------------------------ what arrived
    def events_received(self) -> list[Message]:
        events, self._events = self._events, []
        return events

    def replies_completed(self) -> list[tuple[str, Reply]]:
        replies, self._replies = self._replies, []
        return replies

    def problems_received(self) -> list[Problem]:
        problems, self._problems = self._problems, []
        return problems

    def take_unmatched_replies(self) -> int:
        """Replies that matched no waiting action since the last call (the driver counts them)."""
        count, self.unmatched_replies = self.unmatched_replies, 0
        return count

    @property
    def logged_in(self) -> bool:
        reply = self.login_reply
        return reply is not None and reply.response == "Success"
