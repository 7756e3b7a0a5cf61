"""The wall screens of bench/wallboard_fanout.py: clients that do what the wallboard page does.

Each screen holds the page's one stream (``/wallboard/stream?view=desktop&lang=th``),
which carries the board drawn by the web process as ``board`` events (htmx swaps each
in as it comes); a screen fetches nothing. Each drawn board says how many of its
process's updates it shows (``data-seq``); a screen notes when it first held each count.

What an update's count is, the page's stream does not say (it carries no entity state):
one probe per web process holds the stream without ``view`` (every update's state, each
event with its count as its SSE ``id``) and notes, for a timed update (its body's
checksum), its count and when the stream brought it. A screen shows the update from the
first board whose count has reached it: what the supervisor sees.

Run by the fan-out script as ``python bench/wallboard_screens.py PORTS COOKIE CLIENTS
SECONDS START_AT OUT [probe]`` (one process per share of the screens; one of them with
the probes).
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
PAGE_STREAM = "/wallboard/stream?view=desktop&lang=th"
STATE_STREAM = "/wallboard/stream"
SEQ = re.compile(rb'data-seq="(\d+)"')


def checksum(body: bytes) -> tuple[int, int]:
    return zlib.crc32(body), len(body)


@dataclass
class Screen:
    port: int
    cookie: str
    until: float
    received: int = 0
    board_bytes: int = 0
    held: list = field(default_factory=list)  # (seq, at): each new count a board showed
    samples: list = field(default_factory=list)  # the probe's (crc, size, seq, at)


async def read_events(screen: Screen, path: str, on_message) -> None:
    """A raw HTTP/1.1 SSE reader: little Python per message, so screens are not the bottleneck."""
    reader, writer = await asyncio.open_connection("127.0.0.1", screen.port)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{screen.port}\r\n"
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
            if not message.startswith(b":"):
                on_message(message, now)
    writer.close()


async def watch_boards(screen: Screen) -> None:
    def on_board(message: bytes, now: float) -> None:
        screen.received += 1
        screen.board_bytes += len(message)
        found = SEQ.search(message, 0, 2000)
        if found is not None:
            seq = int(found.group(1))
            if not screen.held or seq > screen.held[-1][0]:
                screen.held.append((seq, now))

    await read_events(screen, PAGE_STREAM, on_board)


async def probe_updates(screen: Screen) -> None:
    def on_update(message: bytes, now: float) -> None:
        start = message.find(b"data: ")
        # The stream writes "id: N\n" first, the body last.
        if start < 0 or not message.startswith(b"id: "):
            return
        body = message[start + 6:]
        key = checksum(body)
        if key[0] % SAMPLE == 0:
            screen.samples.append((key[0], key[1], int(message[4:message.index(b"\n")]), now))

    await read_events(screen, STATE_STREAM, on_update)


async def run_screens(ports: list[int], cookie: str, clients: int, seconds: float,
                      start_at: float, path: str, probe: bool) -> None:
    until = start_at + seconds
    screens = [Screen(ports[i % len(ports)], cookie, until) for i in range(clients)]
    probes = [Screen(port, cookie, until) for port in ports] if probe else []
    await asyncio.gather(*(watch_boards(s) for s in screens),
                         *(probe_updates(p) for p in probes))
    Path(path).write_text(json.dumps({
        "counts": [s.received for s in screens],
        "board_bytes": sum(s.board_bytes for s in screens),
        "boards": [[s.port, s.held] for s in screens],
        "samples": [[p.port, *x] for p in probes for x in p.samples],
    }))


if __name__ == "__main__":
    ports, cookie, clients, seconds, start_at, out = sys.argv[1:7]
    asyncio.run(run_screens([int(p) for p in ports.split(",")], cookie, int(clients),
                            float(seconds), float(start_at), out, sys.argv[7:] == ["probe"]))
