"""The wall screens of bench/wallboard_fanout.py: clients that do what the wallboard page does.

Each screen holds the page's one stream (``/wallboard/stream``) and, like the page's two
hidden htmx elements, fetches the drawn board (``/wallboard/board``) on the stream's
triggers: at once on the first event and then not again for ``WINDOW`` (htmx's
``throttle``, leading edge), and once more ``WINDOW`` after the last event of a burst
(``delay``). One fetch at a time per screen, a trigger during a fetch queues one more
(``hx-sync="… queue last"``). Fetches go to the web process the screen streams from,
over one kept-alive connection, with the supervisor's cookie.

Each event carries the process's update count (its SSE ``id``) and each drawn board the
count it shows (``data-seq``). For a timed update (its body's checksum), a screen notes
when the stream brought it and when it first held a board whose count had reached the
event's: what the supervisor sees.

Run by the fan-out script as ``python bench/wallboard_screens.py PORTS COOKIE CLIENTS
SECONDS START_AT OUT`` (one process per share of the screens).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = 8  # one body in SAMPLE is timed, chosen by its checksum (the bridge side agrees)
WINDOW = 0.25  # the page's throttle and delay (templates/wallboard.html)
BOARD_PATH = "/wallboard/board?view=desktop&lang=th"
SEQ = re.compile(rb'data-seq="(\d+)"')
RENDERED = re.compile(rb'data-rendered-at="([^"]+)"')


def checksum(body: bytes) -> tuple[int, int]:
    return zlib.crc32(body), len(body)


@dataclass
class Screen:
    port: int
    cookie: str
    until: float
    received: int = 0
    fetches: list[float] = field(default_factory=list)  # when each board arrived
    drawings: dict[str, float] = field(default_factory=dict)  # rendered-at → first held
    stream_samples: list = field(default_factory=list)  # (crc, size, at)
    shown_samples: list = field(default_factory=list)  # (crc, size, at)
    waiting: list = field(default_factory=list)  # (crc, size, seq) not yet on screen
    wanted: asyncio.Event = field(default_factory=asyncio.Event)
    quiet_at: float | None = None  # when the trailing fetch is due
    throttled_until: float = 0.0

    def trigger(self, now: float) -> None:
        if now >= self.throttled_until:
            self.throttled_until = now + WINDOW
            self.wanted.set()
        self.quiet_at = now + WINDOW

    def held(self, board_seq: int, now: float) -> None:
        still = []
        for crc, size, seq in self.waiting:
            if board_seq >= seq:
                self.shown_samples.append((crc, size, now))
            else:
                still.append((crc, size, seq))
        self.waiting = still


async def read_stream(screen: Screen) -> None:
    """A raw HTTP/1.1 SSE reader: little Python per message, so screens are not the bottleneck."""
    reader, writer = await asyncio.open_connection("127.0.0.1", screen.port)
    writer.write((f"GET /wallboard/stream HTTP/1.1\r\nHost: 127.0.0.1:{screen.port}\r\n"
                  f"Cookie: {screen.cookie}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(head.decode(errors="replace"))
    chunked = b"transfer-encoding: chunked" in head.lower()
    buffer = b""
    while time.perf_counter() < screen.until:
        try:
            if chunked:
                size = int((await asyncio.wait_for(reader.readline(), 1)).strip() or b"0", 16)
                buffer += (await reader.readexactly(size + 2))[:-2]
            else:
                buffer += await asyncio.wait_for(reader.read(65536), 1)
        except TimeoutError:
            continue
        now = time.perf_counter()
        *messages, buffer = buffer.split(b"\n\n")
        for message in messages:
            start = message.find(b"data: ")
            if start < 0:
                continue
            # The stream writes "id: N\n" first, the body last.
            seq = int(message[4:message.index(b"\n")]) if message.startswith(b"id: ") else 0
            body = message[start + 6:]
            screen.received += 1
            key = checksum(body)
            if key[0] % SAMPLE == 0:
                screen.stream_samples.append((key[0], key[1], now))
                screen.waiting.append((key[0], key[1], seq))
            screen.trigger(now)
    writer.close()


async def settle(screen: Screen) -> None:
    """The trailing fetch: WINDOW after the last event of a burst."""
    while time.perf_counter() < screen.until:
        now = time.perf_counter()
        if screen.quiet_at is not None and now >= screen.quiet_at:
            screen.quiet_at = None
            screen.wanted.set()
        wait = WINDOW if screen.quiet_at is None else screen.quiet_at - now
        await asyncio.sleep(max(0.005, wait))


async def fetch_boards(screen: Screen) -> None:
    """One fetch at a time; whatever asked meanwhile makes one more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", screen.port)
    request = (f"GET {BOARD_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{screen.port}\r\n"
               f"Cookie: {screen.cookie}\r\nHX-Request: true\r\n\r\n").encode()
    while True:
        remaining = screen.until - time.perf_counter()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(screen.wanted.wait(), remaining)
        except TimeoutError:
            break
        screen.wanted.clear()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(head.decode(errors="replace"))
        length = int(re.search(rb"content-length: (\d+)", head.lower()).group(1))
        body = await reader.readexactly(length)
        now = time.perf_counter()
        opening = body[:800]
        screen.fetches.append(now)
        screen.drawings.setdefault(RENDERED.search(opening).group(1).decode(), now)
        seq = SEQ.search(opening)
        if seq is not None:
            screen.held(int(seq.group(1)), now)
    writer.close()


async def run_screens(ports: list[int], cookie: str, clients: int, seconds: float,
                      start_at: float, path: str) -> None:
    until = start_at + seconds
    screens = [Screen(ports[i % len(ports)], cookie, until) for i in range(clients)]
    await asyncio.gather(*(job(s) for s in screens
                           for job in (read_stream, settle, fetch_boards)))
    Path(path).write_text(json.dumps({
        "counts": [s.received for s in screens],
        "stream_samples": [x for s in screens for x in s.stream_samples],
        "shown_samples": [x for s in screens for x in s.shown_samples],
        "fetches": [t for s in screens for t in s.fetches],
        "drawings": [[s.port, r, t] for s in screens for r, t in s.drawings.items()],
    }))


if __name__ == "__main__":
    ports, cookie, clients, seconds, start_at, out = sys.argv[1:7]
    asyncio.run(run_screens([int(p) for p in ports.split(",")], cookie, int(clients),
                            float(seconds), float(start_at), out))
