"""A FastAGI peer over real TCP for the server tests: recorded environments, a running
server, a simulated caller's channel and a peer that turns to garbage part-way."""

import asyncio
import time
from pathlib import Path

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel, call, environment
from ivr.server import FastAgiServer

FIXTURES = Path(__file__).parents[1] / "fixtures" / "asterisk"
RECORDED = ["fastagi-valid", "fastagi-invalid-then-valid", "fastagi-timeout", "fastagi-hangup"]


def recorded(name: str) -> tuple[bytes, list[str]]:
    """The recorded environment block, and the reply lines Asterisk sent after it."""
    raw = (FIXTURES / f"{name}.agi.in.raw").read_bytes()
    head, _, rest = raw.partition(b"\n\n")
    return head + b"\n\n", rest.decode().splitlines()


class Running:
    def __init__(self, server: FastAgiServer, host: str, port: int) -> None:
        self.server, self.host, self.port = server, host, port

    async def call(self, channel: SimulatedChannel, env: bytes | None = None, **kw):
        return await call(self.host, self.port, channel, env or environment(**kw))

    async def settle(self, event: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the server has counted ``event`` ``count`` times."""
        deadline = time.monotonic() + timeout
        while self.server.outcomes.get(event, 0) < count:
            assert time.monotonic() < deadline, (event, self.server.outcomes)
            await asyncio.sleep(0.01)


def ivr_channel(keys, **kw) -> SimulatedChannel:
    return SimulatedChannel(keys=list(keys), channel_vars={"HOTLINE_CALL_ID": "1795345559.1"}, **kw)


async def garbage_after(running: Running, good_replies: int, garbage: bytes,
                        keys=("1", "1")) -> SimulatedChannel:
    """A peer that answers ``good_replies`` commands properly, then sends ``garbage``."""
    channel = ivr_channel(list(keys))
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(environment())
    count = 0
    while True:
        line = await asyncio.wait_for(reader.readline(), 5)
        if not line:
            break
        answer = channel.answer(line.decode())
        count += 1
        if count == good_replies + 1:
            writer.write(garbage)
        else:
            writer.write("".join(a + "\n" for a in answer).encode())
        await writer.drain()
    writer.close()
    return channel


ANSWER = object()  # in a script: the proper answer to the command just read


async def scripted_peer(running: Running, script: dict, keys=("1", "1"),
                        env: bytes | None = None) -> SimulatedChannel:
    """A peer that answers every command properly but those numbered in ``script`` (from 1):
    for them it writes the script's items in turn: bytes, ``ANSWER``, or a pause (seconds)."""
    channel = ivr_channel(list(keys))
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(env or environment())
    count = 0
    while line := await asyncio.wait_for(reader.readline(), 5):
        count += 1
        answer = "".join(a + "\n" for a in channel.answer(line.decode())).encode()
        for item in script.get(count, [ANSWER]):
            if isinstance(item, float | int):
                await writer.drain()
                await asyncio.sleep(item)
            else:
                writer.write(answer if item is ANSWER else item)
        await writer.drain()
    writer.close()
    return channel
