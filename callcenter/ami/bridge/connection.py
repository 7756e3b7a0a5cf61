"""The socket side of an AMI session, on panoramisk's `Manager`, without its 1.4 defects.

panoramisk 1.4 decodes every TCP chunk on its own (a Thai character split across reads is
lost), never checks a Ping's answer, re-sends pending actions after a reconnect, retries a
failed login forever without saying so and runs callbacks in the read path. So only its
connection set-up is used: `FramedProtocol` (our `protocol_factory`) frames on bytes and
hands whole messages to the bridge; pinging, replies, login and reconnecting are the
bridge's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from panoramisk import Manager

from callcenter.ami.bridge.config import NotAsteriskManager
from callcenter.ami.framing import Framer, Message, Problem, shown
from callcenter.ami.noise import KNOWN_NOISE, event_name, skip_untracked

log = logging.getLogger(__name__)


class FramedProtocol(asyncio.Protocol):
    """Bytes in, whole `Message`s out to `on_messages`; nothing decoded per chunk."""

    def __init__(self) -> None:
        # Events nobody reads are dropped on their bytes, before decoding (most of them).
        self.framer = Framer(skip=self._skip)
        self.unknown_events: Counter[bytes] = Counter()
        self.transport: asyncio.Transport | None = None
        self.on_messages: Callable[[list[Message], datetime, float], None] | None = None
        self.on_problems: Callable[[list[Problem]], None] | None = None
        self.on_lost: Callable[[Exception | None], None] | None = None
        self.banner = asyncio.get_running_loop().create_future()
        self.closed = False
        # panoramisk's Manager sets these on its protocol; kept so it finds them.
        self.factory: Any = None
        self.queue: Any = None
        self.responses: dict[str, Any] = {}

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

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        received_at = datetime.now(UTC)
        arrived = time.perf_counter()
        messages, problems = self.framer.feed(data)
        if not self.banner.done():
            if self.framer.banner is not None:
                self.banner.set_result(self.framer.banner)
            elif self.framer.not_banner is not None:
                self.banner.set_exception(NotAsteriskManager(shown(self.framer.not_banner)))
                self.banner.exception()  # retrieved here: the bridge may have stopped waiting
        if problems and self.on_problems is not None:
            self.on_problems(problems)
        if messages and self.on_messages is not None:
            self.on_messages(messages, received_at, arrived)

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.framer.pending_bytes and self.on_problems is not None:
            # The link closed in the middle of a message: what arrived of it is dropped.
            self.on_problems([Problem("truncated", f"{self.framer.pending_bytes} bytes")])
        if not self.banner.done():
            self.banner.set_exception(ConnectionError("closed before the banner"))
            self.banner.exception()  # retrieved here: the bridge may have stopped waiting
        if self.on_lost is not None:
            self.on_lost(exc)

    def write(self, data: bytes) -> None:
        if self.transport is None or self.closed:
            raise ConnectionError("AMI link is down")
        self.transport.write(data)

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
