"""The SSE hub against the real Redis: snapshot first, then changes, coalesced per topic."""

import asyncio
import json

import pytest
import redis.asyncio as aioredis

from agent_console.sse import Client, Hub, format_event, read_snapshot
from tests.conftest import REDIS_URL


def parse(chunk: bytes) -> tuple[str, str]:
    lines = chunk.decode().strip().splitlines()
    name = lines[0].removeprefix("event: ")
    data = "\n".join(line.removeprefix("data: ") for line in lines[1:])
    return name, data


def test_events_are_named_by_topic_kind_and_multiline_data_is_split():
    assert format_event("queue", '{"a":\n1}') == b'event: queue\ndata: {"a":\ndata: 1}\n\n'


def test_a_slow_client_gets_the_latest_state_of_each_topic_only():
    client = Client(accepts=lambda topic: topic.startswith("queue."))
    client.offer("queue.violence.updated", "1")
    client.offer("queue.violence.updated", "2")
    client.offer("call.9.updated", "x")
    assert client.take() == [("queue.violence.updated", "2")]


@pytest.fixture
async def aredis(redis_client):
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_a_tab_gets_the_snapshot_then_live_changes(aredis):
    await aredis.hset("live.pbx1.queues", "violence", json.dumps({"waiting": 1}))
    hub = Hub(url=REDIS_URL)

    async def snapshot():
        return await read_snapshot(aredis, ("queue",), lambda t: True)

    stream = hub.stream(lambda topic: topic.startswith("queue."), snapshot)
    try:
        assert parse(await anext(stream)) == ("hub", '{"live": false}')
        assert parse(await anext(stream)) == ("queue", '{"waiting": 1}')
        # Publishing before the hub has subscribed would be lost (that is pub/sub).
        for _ in range(400):
            if hub.connected:
                break
            await asyncio.sleep(0.05)
        assert hub.connected
        next_event = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.1)
        await aredis.publish("call.1.updated", "ignored by this tab")
        await aredis.publish("queue.violence.updated", json.dumps({"waiting": 2}))
        events = [parse(await asyncio.wait_for(next_event, 5))]
        while events[-1][0] != "queue":
            events.append(parse(await asyncio.wait_for(anext(stream), 5)))
        assert events[-1] == ("queue", '{"waiting": 2}')
        assert all(name != "call" for name, _ in events)
    finally:
        await stream.aclose()
        await hub.close()
    assert hub.client_count == 0

