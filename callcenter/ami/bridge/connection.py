"""The socket side of an AMI session, on panoramisk's `Manager`, without its 1.4 defects.

panoramisk 1.4 decodes every TCP chunk on its own (a Thai character split across reads is
lost), never checks a Ping's answer, re-sends pending actions after a reconnect, retries a
failed login forever without saying so and runs callbacks in the read path. So only its
connection set-up is used: `FramedProtocol` (our `protocol_factory`) feeds the bytes to
the sans-I/O `AmiSession` and hands what it gives out to the bridge; when to ping, how
long to wait and when to reconnect are the bridge's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from panoramisk import Manager

from callcenter.ami.actions import Action, Reply
from callcenter.ami.bridge.config import LinkDown, NotAsteriskManager
from callcenter.ami.framing import Message, Problem
from callcenter.ami.session import AmiSession, State


class FramedProtocol(asyncio.Protocol):
    """Glue between the socket and the session: bytes in and out, stamped with read time."""

    def __init__(self) -> None:
        self.session = AmiSession()
        self.transport: asyncio.Transport | None = None
        self.on_messages: Callable[[list[Message], datetime, float], None] | None = None
        self.on_replies: Callable[[list[tuple[str, Reply]]], None] | None = None
        self.on_problems: Callable[[list[Problem]], None] | None = None
        self.on_lost: Callable[[Exception | None], None] | None = None
        self.banner = asyncio.get_running_loop().create_future()
        self.login_reply: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self.closed = False
        # panoramisk's Manager sets these on its protocol; kept so it finds them.
        self.factory: Any = None
        self.queue: Any = None
        self.responses: dict[str, Any] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        received_at = datetime.now(UTC)
        arrived = time.perf_counter()
        session = self.session
        session.receive_data(data)
        if not self.banner.done() and session.state is not State.BANNER:
            if session.not_asterisk is not None:
                self._fail(self.banner, NotAsteriskManager(session.not_asterisk))
            else:
                self.banner.set_result(session.banner)
        if session.login_reply is not None and not self.login_reply.done():
            self.login_reply.set_result(session.login_reply)
        self._hand_out(received_at, arrived)

    def _hand_out(self, received_at: datetime, arrived: float) -> None:
        problems = self.session.problems_received()
        if problems and self.on_problems is not None:
            self.on_problems(problems)
        # Replies first: a waiter resumes only after this read's messages are queued.
        replies = self.session.replies_completed()
        if replies and self.on_replies is not None:
            self.on_replies(replies)
        messages = self.session.events_received()
        if messages and self.on_messages is not None:
            self.on_messages(messages, received_at, arrived)

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.session.receive_eof()
        # The link closed in the middle of a message: what arrived of it is dropped.
        problems = self.session.problems_received()
        if problems and self.on_problems is not None:
            self.on_problems(problems)
        self._fail(self.banner, ConnectionError("closed before the banner"))
        self._fail(self.login_reply, LinkDown("closed during login"))
        if self.on_lost is not None:
            self.on_lost(exc)

    @staticmethod
    def _fail(future: asyncio.Future[Any], exc: Exception) -> None:
        if not future.done():
            future.set_exception(exc)
            future.exception()  # retrieved here: the bridge may have stopped waiting

    def login(self, username: str, secret: str, action_id: str) -> None:
        self.session.send_login(username, secret, action_id)
        self._flush()

    def send_action(self, action: Action, action_id: str) -> None:
        """Queue one action in the session and write it; its reply comes to `on_replies`."""
        if self.transport is None or self.closed:
            raise ConnectionError("AMI link is down")
        self.session.send_action(action, action_id)
        self._flush()

    def _flush(self) -> None:
        if self.transport is None or self.closed:
            raise ConnectionError("AMI link is down")
        self.transport.write(self.session.data_to_send())

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.close()

    # panoramisk calls protocol.send for its own Login/Ping; both are turned off.
    def send(self, data: Any, as_list: bool = False) -> Any:  # pragma: no cover
        raise RuntimeError("send actions through the bridge")


class AmiManager(Manager):
    """panoramisk's Manager reduced to connecting; the bridge does the rest."""

    def __init__(self, *, host: str, port: int) -> None:
        super().__init__(host=host, port=port, protocol_factory=FramedProtocol,
                         ping_delay=10**9, reconnect_timeout=10**9, loop=None)
        self.connected: asyncio.Future[FramedProtocol] | None = None

    async def open(self, timeout: float) -> FramedProtocol:
        loop = asyncio.get_running_loop()
        self.loop = loop
        self.connected = loop.create_future()
        self.connect()
        return await asyncio.wait_for(asyncio.shield(self.connected), timeout)

    def connection_made(self, f: asyncio.Future) -> None:  # type: ignore[override]
        assert self.connected is not None
        if self.connected.done():
            return
        if f.cancelled():
            self.connected.cancel()
            return
        try:
            _transport, protocol = f.result()
        except Exception as exc:  # handed to the waiting bridge, which retries
            self.connected.set_exception(exc)
            return
        self.protocol = protocol
        self.connected.set_result(protocol)

    # Turned off: these are the 1.4 behaviours the bridge replaces.
    def ping(self) -> None:  # pragma: no cover
        return None

    def connection_lost(self, exc: Exception | None) -> None:  # pragma: no cover
        return None

    async def send_awaiting_actions(self, *_: Any) -> None:  # pragma: no cover
        return None

    def close(self) -> None:
        if isinstance(self.protocol, FramedProtocol):
            self.protocol.close()
