"""The unit's live stream: its own alerts once each, its own dispatches, nothing of others."""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from agent_console.routers.unit import UnitStream, parse_event, unit_events
from agent_console.sse import Hub
from tests.agent_console.console_support import signed_in
from tests.agent_console.stream_start import stream_start
from tests.conftest import REDIS_URL


def alert(unit_id: int, dispatch_id: int, key: str) -> str:
    return json.dumps({"dispatch_id": dispatch_id, "case_number": f"1300-2569-{dispatch_id:06d}",
                       "province": "TH-50", "district": "เมือง", "urgency": "high",
                       "link": "x", "alert_id": 1, "idempotency_key": key, "unit_id": unit_id})


def state(unit_id: int, dispatch_id: int, status: str = "created") -> str:
    return json.dumps({"dispatch_id": dispatch_id, "unit_id": unit_id, "status": status,
                       "case_number": "1300-2569-000001", "urgency": "high", "version": 3,
                       "created_by_id": 7, "decline_reason": None})


def test_only_the_own_units_alert_topic_and_dispatch_updates_are_taken():
    narrow = UnitStream(7)
    assert narrow.accepts("unit.7.alerts")
    assert not narrow.accepts("unit.70.alerts") and not narrow.accepts("unit.17.alerts")
    assert narrow.accepts("dispatch.5.updated")
    for foreign in ("queue.violence.updated", "call.1.updated", "alarms.updated",
                    "agent.x.updated", "user.3.notices", "dispatch.5.updated.x"):
        assert not narrow.accepts(foreign)


def test_another_units_dispatch_update_is_dropped_and_own_is_trimmed():
    narrow = UnitStream(7)
    assert narrow.handle("dispatch", state(8, 5)) == []
    assert narrow.handle("dispatch", "not json") == []
    [event] = narrow.handle("dispatch", state(7, 5, "acknowledged"))
    name, body = parse_event(event)
    assert name == "dispatch"
    assert json.loads(body) == {"dispatch_id": 5, "case_number": "1300-2569-000001",
                                "status": "acknowledged", "urgency": "high", "version": 3}


def test_a_retried_alert_with_the_same_key_is_sent_once():
    narrow = UnitStream(7)
    assert len(narrow.handle("unit", alert(7, 5, "k-1"))) == 1
    assert narrow.handle("unit", alert(7, 5, "k-1")) == []
    assert len(narrow.handle("unit", alert(7, 6, "k-2"))) == 1
    assert narrow.handle("unit", json.dumps({"dispatch_id": 9})) == []  # no key: not shown


async def test_the_stream_carries_own_alerts_and_dispatches_and_never_another_units():
    # Pub/sub ignores the db number, so other runs may publish too: unit ids of our own.
    own, other = 10_000_000 + secrets.randbelow(10**6), 20_000_000 + secrets.randbelow(10**6)
    hub = Hub(url=REDIS_URL)
    publisher = aioredis.Redis.from_url(REDIS_URL)

    async def connected() -> bool:
        return False

    stream = unit_events(hub, own, connected)
    received: list[tuple[str, dict]] = []
    try:
        first = parse_event(await anext(stream))
        assert first is not None and first[0] == "hub"
        for _ in range(100):
            if hub.connected:
                break
            await asyncio.sleep(0.05)
        next_event = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.1)
        await publisher.publish(f"unit.{other}.alerts", alert(other, 2, "other-key"))
        await publisher.publish("dispatch.2.updated", state(other, 2))
        await publisher.publish(f"unit.{own}.alerts", alert(own, 1, "own-key"))
        await asyncio.sleep(0.2)
        await publisher.publish(f"unit.{own}.alerts", alert(own, 1, "own-key"))  # a retry
        await publisher.publish("dispatch.1.updated", state(own, 1, "alerted"))
        await publisher.publish(f"unit.{other}.alerts", alert(other, 3, "other-2"))
        chunk = await asyncio.wait_for(next_event, 5)
        deadline = asyncio.get_running_loop().time() + 2
        while True:
            parsed = parse_event(chunk)
            if parsed and parsed[0] != "hub":
                received.append((parsed[0], json.loads(parsed[1])))
            if ("dispatch", 1) in {(n, b.get("dispatch_id")) for n, b in received}:
                break
            remaining = deadline - asyncio.get_running_loop().time()
            chunk = await asyncio.wait_for(anext(stream), max(remaining, 0.1))
        # Whatever else arrives in a short while must still be ours.
        try:
            while True:
                parsed = parse_event(await asyncio.wait_for(anext(stream), 0.5))
                if parsed and parsed[0] != "hub":
                    received.append((parsed[0], json.loads(parsed[1])))
        except TimeoutError:
            pass
    finally:
        await stream.aclose()
        await hub.close()
        await publisher.aclose()
    alerts = [b for n, b in received if n == "alert"]
    assert [a["idempotency_key"] for a in alerts] == ["own-key"]
    assert [b["dispatch_id"] for n, b in received if n == "dispatch"] == [1]
    assert "other" not in json.dumps(received)


@pytest.mark.parametrize(("login", "status"), [("agent1", 403), ("supervisor", 403),
                                               (None, 303)])
def test_the_unit_stream_is_refused_to_everyone_but_unit_members(client, login, status):
    if login:
        signed_in(client, login)
    assert client.get("/unit/events", follow_redirects=False).status_code == status


def test_a_console_with_an_open_stream_stops_when_asked(make_app):
    # redis-py's pub/sub read could swallow the cancellation of the live-updates hub, so
    # a web process that had served a stream hung on shutdown (here: TestClient's exit
    # never returned). Started and stopped several times, it must stop every time.
    for _ in range(6):
        with TestClient(make_app()) as client:
            signed_in(client, "unit.th50")
            status, _ = stream_start(client, "/unit/events")
            assert status == 200
