"""The FastAGI server on a free loopback port, closed after the test."""

import pytest

from ivr.ports import MemoryPorts
from ivr.server import FastAgiServer
from tests.ivr.agi_peer import Running


@pytest.fixture
async def start():
    listeners = []

    async def _start(**kwargs) -> Running:
        server = FastAgiServer(kwargs.pop("ports", None) or MemoryPorts(), **kwargs)
        listener = await server.start("127.0.0.1", 0)
        listeners.append(listener)
        port = listener.sockets[0].getsockname()[1]
        return Running(server, "127.0.0.1", port)

    yield _start
    for listener in listeners:
        listener.close()
        await listener.wait_closed()
