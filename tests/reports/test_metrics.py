"""Prometheus metrics read the bridge's Redis keys and the RQ registries at each scrape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import redis
from prometheus_client.parser import text_string_to_metric_families
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from callcenter import metrics

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def scrape(client) -> dict[tuple[str, tuple], float]:
    body, content_type = metrics.render(client, clock=lambda: NOW)
    assert content_type.startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def queue_payload(name: str, waits: list[int]) -> dict:
    return {"node": "pbx1", "name": name, "waiting": [
        {"uniqueid": f"17000.{i}", "position": i + 1, "priority": 0, "caller_number": None,
         "joined_at": (NOW - timedelta(seconds=w)).isoformat()}
        for i, w in enumerate(waits)]}


def agent_payload(interface: str, status: str, queues: dict[str, bool]) -> dict:
    return {"node": "pbx1", "interface": interface, "name": interface, "status": status,
            "paused_reason": "meal" if status == "paused" else None,
            "changed_at": (NOW - timedelta(minutes=3)).isoformat(),
            "queues": {q: {"paused": p, "paused_reason": "meal" if p else None}
                       for q, p in queues.items()}}


def test_queue_sizes_waiting_time_agents_and_calls_come_from_the_snapshot(redis_client):
    redis_client.hset("live.pbx1.queues", mapping={
        "violence": json.dumps(queue_payload("violence", [12, 75])),
        "welfare": json.dumps(queue_payload("welfare", []))})
    redis_client.hset("live.pbx1.agents", mapping={
        "PJSIP/agent1": json.dumps(agent_payload("PJSIP/agent1", "in_call", {"violence": False})),
        "PJSIP/agent2": json.dumps(agent_payload("PJSIP/agent2", "paused",
                                                 {"violence": True, "welfare": True}))})
    redis_client.hset("live.pbx1.calls", mapping={"17000.0": "{}", "17000.1": "{}"})
    got = scrape(redis_client)
    assert got[("callcenter_redis_up", ())] == 1
    assert got[("callcenter_queue_callers_waiting", (("queue", "violence"),))] == 2
    assert got[("callcenter_queue_longest_wait_seconds", (("queue", "violence"),))] == 75
    assert got[("callcenter_queue_longest_wait_seconds", (("queue", "welfare"),))] == 0
    violence = {s: got[("callcenter_queue_agents", (("queue", "violence"), ("state", s)))]
                for s in metrics.AGENT_STATES}
    assert violence == {"signed_in": 2, "available": 0, "talking": 1, "ringing": 0,
                        "paused": 1, "wrap_up": 0}
    assert got[("callcenter_live_calls", ())] == 2


def test_bridge_link_state_and_event_counters(redis_client):
    redis_client.set("bridge.pbx1.link", json.dumps(
        {"node": "pbx1", "state": "up", "since": (NOW - timedelta(seconds=90)).isoformat()}))
    redis_client.set("bridge.pbx2.link", json.dumps(
        {"node": "pbx2", "state": "down", "since": None, "fault": "login failed"}))
    redis_client.hset("bridge.pbx1.stats", mapping={"events": 123456, "published": 789,
                                                     "written": 55, "unrelated": 1})
    got = scrape(redis_client)
    assert got[("callcenter_bridge_link_up", (("node", "pbx1"),))] == 1
    assert got[("callcenter_bridge_link_up", (("node", "pbx2"),))] == 0
    assert got[("callcenter_bridge_link_state", (("node", "pbx2"), ("state", "down")))] == 1
    assert got[("callcenter_bridge_link_state_seconds", (("node", "pbx1"),))] == 90
    events = ("callcenter_bridge_events_total", (("counter", "events"), ("node", "pbx1")))
    assert got[events] == 123456
    assert not any(labels and ("counter", "unrelated") in labels for _, labels in got)


def test_job_queue_depth_and_failures_come_from_rq(redis_client):
    alerts = Queue("alerts", connection=redis_client)
    for _ in range(3):
        alerts.enqueue("builtins.print", "x")
    failed = alerts.enqueue("builtins.print", "y")
    alerts.remove(failed)
    alerts.failed_job_registry.add(failed, ttl=60, exc_string="boom")
    got = scrape(redis_client)
    assert got[("callcenter_jobs_queued", (("queue", "alerts"),))] == 3
    assert got[("callcenter_jobs_failed", (("queue", "alerts"),))] == 1
    assert got[("callcenter_jobs_queued", (("queue", "reports"),))] == 0
    assert got[("callcenter_workers", ())] == 0


def test_redis_down_is_reported_not_raised():
    client = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                         retry=Retry(NoBackoff(), 0))
    got = scrape(client)
    assert got == {("callcenter_redis_up", ()): 0}
