"""Bad peers over real TCP: half, stalled and garbage headers, random bytes, the connection
limit; each ends its own session and never disturbs the other callers."""

import asyncio
import time

import pytest

from callcenter.simulators.asterisk.agi_channel import environment
from ivr.server import Limits
from tests.ivr.agi_peer import ivr_channel


async def test_half_header_then_close_ends_that_session_only(start):
    running = await start()
    _, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(b"agi_network: yes\nagi_network_scr")
    await writer.drain()
    writer.close()
    good = await running.call(ivr_channel(["1", "1"]))
    await running.settle("ivr.header_incomplete")
    assert good.channel.variables["IVR_QUEUE"] == "violence"
    assert running.server.active == 0


async def test_stalled_header_times_out_while_others_are_served(start):
    running = await start(limits=Limits(header_timeout_s=0.3))
    _, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(b"agi_network: yes\n")
    await writer.drain()
    started = time.monotonic()
    good = await running.call(ivr_channel(["2", "7"]))
    assert time.monotonic() - started < 0.3  # not held up by the stalled peer
    assert good.channel.variables["IVR_QUEUE"] == "english"
    await running.settle("ivr.header_timeout")
    writer.close()


@pytest.mark.parametrize(
    "payload",
    [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"\n", b"\x00\xff\xfe garbage\n\n",
     b"agi_network: yes\n" + b"x" * 20000 + b"\n\n"],
)
async def test_garbage_instead_of_a_header_is_refused(start, payload):
    running = await start()
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(payload)
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 2) == b""  # we close, sending nothing
    writer.close()
    await running.settle("ivr.header_garbage")


async def test_connections_over_the_limit_are_refused_not_queued(start):
    running = await start(limits=Limits(max_connections=1, header_timeout_s=0.5))
    _, stalled = await asyncio.open_connection(running.host, running.port)
    await asyncio.sleep(0.05)
    refused = await running.call(ivr_channel(["1", "1"]))
    assert refused.channel.commands == []
    await running.settle("ivr.refused")
    await running.settle("ivr.header_timeout")
    served = await running.call(ivr_channel(["1", "1"]))
    assert served.channel.variables["IVR_QUEUE"] == "violence"
    stalled.close()


async def test_bad_peers_do_not_disturb_concurrent_callers(start):
    running = await start(limits=Limits(header_timeout_s=0.5))

    async def half_header():
        _, writer = await asyncio.open_connection(running.host, running.port)
        writer.write(b"agi_network: yes\nagi_")
        await writer.drain()
        writer.close()

    async def garbage():
        _, writer = await asyncio.open_connection(running.host, running.port)
        writer.write(b"\x16\x03\x01 TLS hello\n")
        await writer.drain()
        writer.close()

    bad = [half_header() for _ in range(20)] + [garbage() for _ in range(20)]
    good = [running.call(ivr_channel(["1", "2"])) for _ in range(40)]
    results = await asyncio.gather(*bad, *good)
    for record in results[40:]:
        assert record.channel.variables["IVR_QUEUE"] == "trafficking"
    await running.settle("ivr.header_incomplete", 20)


async def test_random_bytes_from_the_peer_never_crash_the_server(start):
    import random

    running = await start(limits=Limits(header_timeout_s=0.5, reply_margin_s=0.3,
                                        fallback_timeout_s=0.2))
    rng = random.Random(4)

    async def noisy(seed: int) -> None:
        rng_local = random.Random(seed)
        _, writer = await asyncio.open_connection(running.host, running.port)
        if rng_local.random() < 0.5:
            writer.write(environment())
        for _ in range(rng_local.randint(1, 6)):
            writer.write(rng_local.randbytes(rng_local.randint(1, 300)))
            writer.write(b"\n" if rng_local.random() < 0.7 else b"")
        await writer.drain()
        await asyncio.sleep(rng_local.random() * 0.1)
        writer.close()

    await asyncio.gather(*(noisy(rng.randint(0, 10**9)) for _ in range(60)))
    good = await running.call(ivr_channel(["5", "7"]))
    assert good.channel.variables["IVR_QUEUE"] == "lao"
    deadline = time.monotonic() + 5
    while running.server.active and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert running.server.active == 0
    assert "ivr.session_crashed" not in running.server.outcomes
