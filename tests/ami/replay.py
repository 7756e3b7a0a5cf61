"""A TCP server that sends a recorded transcript byte for byte, in its recorded reads.

It also answers the bridge's resync with recorded bytes: the QueueStatus and
CoreShowChannels lists of `snapshot.ami`, unchanged but for the ActionID header, which
becomes the bridge's. The transcript's own traffic waits until the login's resync is
answered (as if the bridge had connected to an idle Asterisk a moment before the
recording began). A transcript that holds its own answer to such an action (the
snapshot) gives that answer to the bridge's action where it lies in the stream, so the
bridge waits for it as it would wait for a busy Asterisk.
"""

from __future__ import annotations

import asyncio
import contextlib

from callcenter.ami.framing import Framer

from .support import ami_bytes, sent_actions, timing

RESYNC = ("QueueStatus", "CoreShowChannels")
OPENING = (b"Response: ", b"Event: FullyBooted\r\n", b"Event: SuccessfulAuth\r\n")


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


def whole_pbx_lists(name: str) -> dict[str, str]:
    """ActionID → action of the QueueStatus/CoreShowChannels of all queues a client sent."""
    return {a.action_id: a.get("Action") for a in sent_actions(name)
            if a.get("Action") in RESYNC and not a.get("Queue") and not a.get("Member")}


def recorded_lists(name: str = "snapshot") -> dict[str, tuple[str, bytes]]:
    """Action → (its recorded ActionID, the raw bytes of its answer: response to Complete)."""
    ids = whole_pbx_lists(name)
    lists: dict[str, tuple[str, bytes]] = {}
    for action_id, action in ids.items():
        marker = f"\r\nActionID: {action_id}\r\n".encode()
        parts = [raw + b"\r\n\r\n" for raw in ami_bytes(name).split(b"\r\n\r\n")
                 if marker in b"\r\n" + raw + b"\r\n"]
        lists[action] = (action_id, b"".join(parts))
    return lists


def with_action_id(raw: bytes, recorded: str, action_id: str) -> bytes:
    return raw.replace(f"ActionID: {recorded}\r\n".encode(), f"ActionID: {action_id}\r\n".encode())


def opening_length(data: bytes) -> int:
    """Bytes of the banner, the Login's response, FullyBooted and SuccessfulAuth."""
    at = data.find(b"\r\n") + 2
    while True:
        end = data.find(b"\r\n\r\n", at)
        if end < 0 or not data.startswith(OPENING, at):
            return at
        at = end + 4


class ReplayServer:
    """First connection: the transcript, at its pace (capped per gap), then it closes as
    the recording did. Later connections get nothing (an Asterisk that is not up)."""

    def __init__(self, name: str, *, split_thai: bool = False, max_gap: float = 0.02,
                 answer_resync: bool = True):
        self.max_gap = max_gap
        self.answer_resync = answer_resync
        self.lists = recorded_lists()
        # This transcript's own answers to whole-PBX lists: its ActionID → the action.
        self.in_stream = whole_pbx_lists(name)
        self.chunks = self._cut(recorded_chunks(name, split_thai=split_thai),
                                opening_length(ami_bytes(name)))
        self.connections = 0
        self.sent_all = asyncio.Event()
        self.received = bytearray()
        self.actions: list[str] = []  # names of the actions the bridge sent
        self.answered = 0  # resync actions answered
        self._bridge_ids: dict[str, asyncio.Future[str]] = {}
        self._answers: list[bytes] = []
        self._rewritten: set[str] = set()
        self._between_messages = False
        self._resynced = asyncio.Event()
        self._server = None
        self._writers = []

    def _cut(self, chunks, opening: int):
        """(seconds, offset, bytes) with boundaries after the opening and around headers
        `ActionID: <recorded>` (so they can be rewritten whole)."""
        data = b"".join(chunk for _, chunk in chunks)
        ends, at = [], 0
        for _, chunk in chunks:
            at += len(chunk)
            ends.append(at)
        for recorded in self.in_stream:
            pattern = f"ActionID: {recorded}\r\n".encode()
            start = data.find(pattern)
            while start >= 0:
                stop = start + len(pattern)
                ends = [stop if start < end < stop else end for end in ends]
                start = data.find(pattern, stop)
        out, begin = [], 0
        for (seconds, _), end in zip(chunks, ends, strict=True):
            cuts = [opening] if begin < opening < end else []
            for stop in [*cuts, end]:
                if stop > begin:
                    out.append((seconds, begin, data[begin:stop]))
                    begin = stop
        return out

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer):
        self.connections += 1
        self._writers.append(writer)
        first = self.connections == 1
        reading = asyncio.create_task(self._read(reader, writer if first else None))
        try:
            if first:
                await self._play(writer)
            else:
                await reading
        finally:
            reading.cancel()

    async def _play(self, writer) -> None:
        opening = opening_length(b"".join(chunk for _, _, chunk in self.chunks))
        last = 0.0
        for seconds, offset, chunk in self.chunks:
            await asyncio.sleep(min(max(seconds - last, 0.0), self.max_gap) or 0.001)
            last = seconds
            if offset == opening:
                await self._until_resynced()
            chunk = await self._rewrite(chunk)
            self._between_messages = False
            writer.write(chunk)
            # Answers go between messages, never inside a recorded one, and never inside
            # the opening: Asterisk writes FullyBooted with the Login's reply, before it
            # reads another action, so no answer can come ahead of it.
            done = offset + len(chunk)
            if done >= opening and (chunk.endswith(b"\r\n\r\n") or done == opening):
                self._between_messages = True
                self._flush(writer)
            await writer.drain()
        await self._until_resynced()  # a transcript that is only the opening, then closes
        self.sent_all.set()
        writer.close()

    async def _until_resynced(self) -> None:
        """The recorded traffic starts once the login's resync has been answered."""
        if self.answer_resync and not self.in_stream:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._resynced.wait(), 5)

    def _flush(self, writer) -> None:
        if self._answers:
            writer.write(b"".join(self._answers))
            self._answers.clear()

    def _bridge_id(self, action: str) -> asyncio.Future[str]:
        if action not in self._bridge_ids:
            self._bridge_ids[action] = asyncio.get_running_loop().create_future()
        return self._bridge_ids[action]

    async def _rewrite(self, chunk: bytes) -> bytes:
        for recorded, action in self.in_stream.items():
            if f"ActionID: {recorded}\r\n".encode() in chunk and self.answer_resync:
                # The recording answers here: to the bridge's own action, once it is sent.
                bridge_id = await asyncio.wait_for(self._bridge_id(action), 10)
                chunk = with_action_id(chunk, recorded, bridge_id)
                if recorded not in self._rewritten:
                    self._rewritten.add(recorded)
                    self.answered += 1
        return chunk

    async def _read(self, reader, writer):
        framer = Framer(_expect_banner=False)
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                self.received += data
                for msg in framer.feed(data)[0]:
                    self._action(msg, writer)

    def _action(self, msg, writer) -> None:
        action = msg.get("Action")
        self.actions.append(action)
        if writer is None or not self.answer_resync or action not in self.lists:
            return
        if action in self.in_stream.values() and not self._bridge_id(action).done():
            self._bridge_id(action).set_result(msg.action_id)
            return
        recorded, answer = self.lists[action]
        self._answers.append(with_action_id(answer, recorded, msg.action_id))
        if self._between_messages:
            self._flush(writer)
        self.answered += 1
        if action == "CoreShowChannels":
            self._resynced.set()

    async def stop(self):
        for w in self._writers:
            w.transport.abort()
        self._server.close()
        with contextlib.suppress(Exception):
            await self._server.wait_closed()
