"""A TCP server that sends a recorded transcript byte for byte, in its recorded reads."""

from __future__ import annotations

import asyncio
import contextlib

from .support import ami_bytes, timing


def recorded_chunks(name: str, *, split_thai: bool = False) -> list[tuple[float, bytes]]:
    """(seconds since connect, bytes) per recorded read; optionally cut inside Thai letters."""
    data = ami_bytes(name)
    chunks = []
    for seconds, offset, length in timing(name):
        chunk = data[offset:offset + length]
        if split_thai:
            cut = next((i + 1 for i, b in enumerate(chunk) if b >= 0xE0), None)
            if cut is not None and cut < len(chunk):
                chunks += [(seconds, chunk[:cut]), (seconds, chunk[cut:])]
                continue
        chunks.append((seconds, chunk))
    return chunks


class ReplayServer:
    """First connection: the transcript, at its pace (capped per gap), then it closes as
    the recording did. Later connections get nothing (an Asterisk that is not up)."""

    def __init__(self, name: str, *, split_thai: bool = False, max_gap: float = 0.02):
        self.chunks = recorded_chunks(name, split_thai=split_thai)
        self.max_gap = max_gap
        self.connections = 0
        self.sent_all = asyncio.Event()
        self.received = bytearray()
        self._server = None
        self._writers = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer):
        self.connections += 1
        self._writers.append(writer)
        first = self.connections == 1
        reading = asyncio.create_task(self._read(reader))
        try:
            if first:
                last = 0.0
                for seconds, chunk in self.chunks:
                    await asyncio.sleep(min(max(seconds - last, 0.0), self.max_gap) or 0.001)
                    last = seconds
                    writer.write(chunk)
                    await writer.drain()
                self.sent_all.set()
                writer.close()
            else:
                await reading
        finally:
            reading.cancel()

    async def _read(self, reader):
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                self.received += data

    async def stop(self):
        for w in self._writers:
            w.transport.abort()
        self._server.close()
        with contextlib.suppress(Exception):
            await self._server.wait_closed()
