"""One FastAGI connection's I/O: read the environment, send a command, read its reply.

Every read has a deadline and every line a size limit, so a peer that stalls, sends half a
header or floods us costs one connection and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib

from ivr import agi
from ivr.agi import AgiEnvironment, AgiReply, Command, EnvironmentReader, ReplyReader


class PeerClosed(Exception):
    """The peer closed the connection (possibly in the middle of a line)."""


class AgiSession:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        reply_margin_s: float,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.reply_margin_s = reply_margin_s
        self.hangup_seen = False

    async def read_environment(self, timeout_s: float) -> AgiEnvironment:
        """Read the agi_* block; the whole block must arrive within ``timeout_s``."""
        env = EnvironmentReader()
        async with asyncio.timeout(timeout_s):
            while True:
                if env.feed(await self._line()):
                    return env.environment()

    async def execute(self, command: Command, *, timeout_s: float | None = None) -> AgiReply:
        self.writer.write(command.wire())
        await self.writer.drain()
        deadline = timeout_s if timeout_s is not None else (
            command.expected_seconds + self.reply_margin_s
        )
        replies = ReplyReader(hangup_seen=self.hangup_seen)
        async with asyncio.timeout(deadline):
            while True:
                reply = replies.feed(await self._line())
                if replies.hangup_seen:
                    self.hangup_seen = True
                if reply is not None:
                    return reply

    async def _line(self) -> str:
        try:
            raw = await self.reader.readline()
        except ValueError as exc:  # StreamReader's limit: the line is longer than allowed
            raise agi.AgiProtocolError("line too long") from exc
        if not raw.endswith(b"\n"):
            # EOF, maybe after half a line: never wait for the rest of it.
            raise PeerClosed
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise agi.AgiProtocolError("line is not UTF-8") from exc

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
