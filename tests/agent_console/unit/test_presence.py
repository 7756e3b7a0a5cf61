"""An open unit console stream is what makes the unit "present" for console alerts."""

from __future__ import annotations

import secrets

import redis
import redis.asyncio as aioredis

from agent_console.routers.unit import parse_event, unit_events
from agent_console.sse import Hub
from callcenter.dispatch import presence
from callcenter.topics import unit_presence_key
from tests.conftest import REDIS_URL


async def test_the_stream_is_present_while_open_and_gone_when_closed():
    unit_id = 30_000_000 + secrets.randbelow(10**6)  # pub/sub and keys shared: our own id
    hub = Hub(url=REDIS_URL)
    client = aioredis.Redis.from_url(REDIS_URL)
    check = redis.Redis.from_url(REDIS_URL)

    async def connected() -> bool:
        return False

    stream = unit_events(hub, unit_id, connected, client)
    try:
        assert presence.present(check, unit_id) == 0
        first = parse_event(await anext(stream))
        assert first is not None and first[0] == "hub"
        assert presence.present(check, unit_id) == 1
        other = unit_events(hub, unit_id, connected, client)  # a second member's phone
        await anext(other)
        assert presence.present(check, unit_id) == 2
        await other.aclose()
        assert presence.present(check, unit_id) == 1
    finally:
        await stream.aclose()
        assert presence.present(check, unit_id) == 0
        check.delete(unit_presence_key(unit_id))
        check.close()
        await client.aclose()
        await hub.close()


async def test_a_console_without_redis_for_presence_still_streams():
    hub = Hub(url=REDIS_URL)

    async def connected() -> bool:
        return False

    stream = unit_events(hub, 1, connected, None)
    try:
        first = parse_event(await anext(stream))
        assert first is not None and first[0] == "hub"
    finally:
        await stream.aclose()
        await hub.close()
