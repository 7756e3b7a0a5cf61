"""The live state a web process holds: kept by the hub's messages, equal to the hashes."""

import asyncio
import json
import os
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from agent_console.sse import Hub
from callcenter import topics
from callcenter.ami.bridge.sink import RecordWriter, Sink
from callcenter.ami.effects import Publish
from callcenter.queues import live
from callcenter.queues.live_mirror import LiveMirror, is_live
from tests.conftest import REDIS_URL


def call(uid, state="queued", node="pbx1"):
    return {"uniqueid": uid, "node": node, "state": state, "queue_name": "violence",
            "caller_number": "0812345678", "caller_name": "สมชาย"}


def agent(interface, queues=("violence",), node="pbx1"):
    return {"node": node, "interface": interface, "name": "Agent",
            "status": "available", "queues": {q: {"paused": False} for q in queues}}


def queue(name, waiting=0, node="pbx1"):
    return {"node": node, "name": name, "waiting": [{}] * waiting}


def message(kind, ident, payload):
    return topics.LIVE_TOPIC[kind](ident), json.dumps(payload, ensure_ascii=False)


def by_id(state, node):
    """Each kind's payloads of a node as sorted JSON, for comparing two reads (pub/sub is
    shared by every database of the server: another suite's messages may be heard)."""
    return {kind: sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in items
                         if p.get("node") == node)
            for kind, items in state.items()}


def test_what_is_live_follows_the_bridges_rules():
    assert is_live("call", call("1.1")) and not is_live("call", call("1.1", state="ended"))
    assert is_live("agent", agent("PJSIP/1001")) and not is_live("agent", agent("x", ()))
    assert is_live("queue", queue("violence"))


def test_messages_add_replace_and_remove_and_others_are_ignored():
    held = LiveMirror()
    held.apply(*message("call", "1.1", call("1.1")))
    held.apply(*message("call", "1.2", call("1.2")))
    held.apply(*message("call", "1.1", call("1.1", state="talking")))
    held.apply(*message("call", "1.2", call("1.2", state="ended")))
    held.apply(*message("agent", "PJSIP/1001", agent("PJSIP/1001")))
    held.apply(*message("agent", "PJSIP/1002", agent("PJSIP/1002")))
    held.apply(*message("agent", "PJSIP/1002", agent("PJSIP/1002", queues=())))
    held.apply(*message("queue", "violence", queue("violence", 2)))
    held.apply("call.1.3.updated", "{not json")  # a bad body changes nothing
    held.apply("dispatch.7.updated", json.dumps({"id": 7}))
    held.apply(topics.link_topic("pbx.2"), json.dumps({"state": "up"}))
    state, nodes = held.read()
    assert [c["state"] for c in state["call"]] == ["talking"]
    assert [a["interface"] for a in state["agent"]] == ["PJSIP/1001"]
    assert [len(q["waiting"]) for q in state["queue"]] == [2]
    # A node is known by its live state or its link (a node's name may hold dots).
    assert nodes == {"pbx1", "pbx.2"}


def test_the_same_id_on_two_nodes_is_two_things():
    held = LiveMirror()
    held.apply(*message("agent", "PJSIP/1001", agent("PJSIP/1001", node="pbx1")))
    held.apply(*message("agent", "PJSIP/1001", agent("PJSIP/1001", node="pbx2")))
    assert sorted(a["node"] for a in held.read()[0]["agent"]) == ["pbx1", "pbx2"]


@pytest.fixture
async def aredis(redis_client):
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_a_load_keeps_the_changes_heard_while_it_ran(aredis):
    await aredis.hset("live.pbx1.calls", mapping={
        "1.1": json.dumps(call("1.1")), "1.2": json.dumps(call("1.2"))})
    await aredis.hset("live.pbx1.queues", "violence", json.dumps(queue("violence", 2)))
    await aredis.set(topics.link_key("pbx1"), "{}")
    held = LiveMirror()
    scan = aredis.hscan_iter

    async def scan_hearing_a_change(key, **kwargs):
        # A message comes while the load reads: 1.2 ended (the hash read may be older).
        held.apply(*message("call", "1.2", call("1.2", state="ended")))
        held.apply(*message("call", "1.3", call("1.3")))
        async for item in scan(key, **kwargs):
            yield item

    aredis.hscan_iter = scan_hearing_a_change
    await held.load(aredis)
    state, nodes = held.read()
    assert held.synced and nodes == {"pbx1"}
    assert sorted(c["uniqueid"] for c in state["call"]) == ["1.1", "1.3"]


async def test_held_state_equals_the_hashes_as_the_bridge_publishes(aredis, redis_client):
    """The real publisher (the bridge's Sink) writes the hashes and publishes; a real hub
    hears it. What the hub holds is what the hashes hold, but for a whole replacement,
    which says nothing of what it dropped: the next load puts that right."""
    node = f"mirror{os.getpid()}"
    hub = Hub(url=REDIS_URL)
    hub._ensure_running()
    sink = Sink(node, aredis, RecordWriter(node, None))
    publisher = asyncio.create_task(sink.run())

    async def publish(*effects, full=False):
        heard = hub.sequence
        await sink.apply(list(effects), full=full)
        await sink.flush()
        for _ in range(200):  # one message per update
            if hub.sequence >= heard + len(effects):
                return
            await asyncio.sleep(0.02)

    def same() -> bool:
        hashes = live.read(redis_client, now=datetime.now(UTC))
        return by_id(hub.mirror.read()[0], node) == by_id(hashes.state, node)

    try:
        for _ in range(200):
            if hub.connected and hub.mirror.synced:
                break
            await asyncio.sleep(0.02)
        assert hub.mirror.synced
        await publish(Publish("call.1.1.updated", call("1.1", node=node)),
                      Publish("call.1.2.updated", call("1.2", node=node)),
                      Publish("agent.PJSIP/1001", agent("PJSIP/1001", node=node)),
                      Publish("agent.PJSIP/1002", agent("PJSIP/1002", node=node)),
                      Publish("queue.violence", queue("violence", 2, node=node)))
        assert same()
        await publish(
            Publish("call.1.1.updated", call("1.1", "ended", node=node), live=False),
            Publish("agent.PJSIP/1002", agent("PJSIP/1002", (), node=node), live=False),
            Publish("call.1.2.updated", call("1.2", "talking", node=node)))
        assert same()
        # The bridge started afresh: its whole state replaces the hashes, and 1.2 is not
        # in it. Held until the next load, then gone.
        await publish(Publish("queue.violence", queue("violence", 0, node=node)),
                      Publish("agent.PJSIP/1001", agent("PJSIP/1001", node=node)), full=True)
        assert not same()
        await hub.mirror.load(aredis)
        assert same()
        assert [c for c in hub.mirror.read()[0]["call"] if c["node"] == node] == []
    finally:
        publisher.cancel()
        await hub.close()


def test_a_payload_of_another_shape_is_left_out_with_one_warning(caplog, redis_client):
    """Not the bridge's shape (another program on the bus, a damaged value): left out of
    the held state and of a read of the hashes, said once, without its contents."""
    held = LiveMirror()
    held.apply(*message("queue", "violence", queue("violence", 1)))
    with caplog.at_level("WARNING"):
        held.apply(*message("queue", "violence", {"name": "violence", "waiting": 3,
                                                   "node": "pbx1", "caller": "0812345678"}))
        held.apply(*message("queue", "violence", {"name": "violence", "waiting": 4}))
        held.apply(*message("agent", "PJSIP/1001", {"node": "pbx1", "queues": ["violence"]}))
    assert held.read()[0]["queue"] == [] and held.read()[0]["agent"] == []
    warnings = [r.getMessage() for r in caplog.records if "unexpected shape" in r.getMessage()]
    assert len(warnings) <= 2 and "0812345678" not in caplog.text
    redis_client.hset("live.pbx1.queues", mapping={
        "violence": json.dumps({"name": "violence", "waiting": 3}),
        "welfare": json.dumps(queue("welfare", 1))})
    found = live.read(redis_client, now=datetime.now(UTC))
    assert [q["name"] for q in found.state["queue"]] == ["welfare"]
