"""One FastAGI connection's I/O: read the environment, send a command, read its reply.

Every read has a deadline and every line a size limit, so a peer that stalls, sends half a
header or floods us costs one connection and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib

from ivr import agi
from ivr.agi import (
    AgiEnvironment,
    AgiReply,
    Command,
    EnvironmentReader,
    LineBuffer,
    ReplyReader,
)


class PeerClosed(Exception):
    """The peer closed the connection (possibly in the middle of a line)."""


class AgiSession:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        reply_margin_s: float,
        line_bytes: int = 2 * agi.MAX_LINE_BYTES,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.reply_margin_s = reply_margin_s
        self.hangup_seen = False
        self.lines = LineBuffer(limit=line_bytes)
        self._tail_due = False  # a line was cut short: its rest may come before a reply

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
                line = await self._line()
                try:
                    reply = replies.feed(line)
                except agi.AgiProtocolError:
                    if not self._tail_due:
                        raise
                    # The rest of a reply cut short before this command: not its answer.
                    self._tail_due = False
                    continue
                self._tail_due = False
                if replies.hangup_seen:
                    self.hangup_seen = True
                if reply is not None:
                    return reply

    def recover(self) -> None:
        """Start afresh after a failure, before the fallback's first command.

        Whatever came unasked is stale. A reply cut short (timed out halfway) may still
        send the rest of its line: read as the answer to the next command it would fail
        that one too, so one line that is not a reply is then taken for it and skipped. The
        rest of a line refused as too long is skipped up to its end.
        """
        self._tail_due = self.lines.discard()

    async def _line(self) -> str:
        while (line := self.lines.next_line()) is None:
            await self._read()
        return line

    async def _read(self) -> None:
        data = await self.reader.read(65536)
        if not data:
            # EOF, maybe after half a line: never wait for the rest of it.
            raise PeerClosed
        self.lines.feed(data)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
