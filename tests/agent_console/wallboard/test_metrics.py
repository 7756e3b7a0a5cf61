"""Prometheus metrics: the bridges' Redis keys, the RQ registries and the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from agent_console.app import create_app
from callcenter import metrics
from callcenter.dispatch.models import Alert, AlertAttempt, AlertStatus, DispatchStatus
from callcenter.provinces.models import AlertChannel
from callcenter.settings import load_settings
from tests.support.builders import add_aged_dispatch

from .conftest import NODE, agent_payload, link, put_live

NOW = datetime.now(UTC)


class Borrowed:
    """The test's session for a scrape, left open for the test (close is a no-op)."""

    def __init__(self, session) -> None:
        self.session = session

    def __call__(self):
        return self

    def __getattr__(self, name):
        return getattr(self.session, name)

    def close(self) -> None:
        pass


def scrape(client, **options) -> dict[tuple[str, tuple], float]:
    body, content_type = metrics.render(client, clock=lambda: NOW, **options)
    assert content_type.startswith("text/plain")
    return parse(body.decode())


def parse(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def queue_payload(name: str, waits: list[int]) -> dict:
    return {"name": name, "waiting": [
        {"uniqueid": f"17000.{i}", "position": i + 1, "priority": 0, "caller_number": "0811",
         "joined_at": (NOW - timedelta(seconds=w)).isoformat()}
        for i, w in enumerate(waits)]}


def floor(client) -> None:
    put_live(client, "queue", "violence", queue_payload("violence", [12, 75]))
    put_live(client, "queue", "welfare", queue_payload("welfare", []))
    put_live(client, "agent", "PJSIP/agent1",
             agent_payload("PJSIP/agent1", "A", "in_call", {"violence": False}))
    put_live(client, "agent", "PJSIP/agent2", agent_payload(
        "PJSIP/agent2", "B", "paused", {"violence": True, "welfare": True},
        paused_reason="meal", reason="meal"))
    put_live(client, "call", "17000.0", {"uniqueid": "17000.0"})
    put_live(client, "call", "17000.1", {"uniqueid": "17000.1"})


def labels(**values: str) -> tuple:
    return tuple(sorted(values.items()))


def test_queue_sizes_waiting_time_agents_and_calls_come_from_the_snapshot(redis_client):
    link(redis_client)
    floor(redis_client)
    got = scrape(redis_client)
    assert got[("callcenter_redis_up", ())] == 1
    assert got[("callcenter_queue_callers_waiting", labels(node=NODE, queue="violence"))] == 2
    assert got[("callcenter_queue_longest_wait_seconds",
                labels(node=NODE, queue="violence"))] == 75
    assert got[("callcenter_queue_longest_wait_seconds", labels(node=NODE, queue="welfare"))] == 0
    violence = {s: got[("callcenter_queue_agents", labels(queue="violence", state=s))]
                for s in metrics.AGENT_STATES}
    assert violence == {"signed_in": 2, "available": 0, "talking": 1, "ringing": 0,
                        "paused": 1, "wrap_up": 0, "unavailable": 0}
    assert got[("callcenter_live_calls", ())] == 2


def test_a_node_whose_link_key_expired_is_lost_since_its_last_heartbeat(redis_client):
    beat = NOW - timedelta(seconds=40)
    link(redis_client, heartbeat=NOW - timedelta(seconds=2))
    floor(redis_client)
    scrape(redis_client)  # a heartbeat seen while the bridge ran is remembered
    redis_client.hset("bridge.heartbeats", NODE, beat.timestamp())
    redis_client.delete(f"bridge.{NODE}.link")  # the bridge died; its key expired
    got = scrape(redis_client)
    assert got[("callcenter_bridge_link_up", labels(node=NODE))] == 0
    assert got[("callcenter_bridge_link_state", labels(node=NODE, state="lost"))] == 1
    assert got[("callcenter_bridge_link_state", labels(node=NODE, state="up"))] == 0
    assert round(got[("callcenter_bridge_heartbeat_age_seconds", labels(node=NODE))]) == 40
    # What it left in Redis is not live: no queue figures for that node.
    assert not [k for k in got if k[0] == "callcenter_queue_callers_waiting"]
    assert got[("callcenter_live_calls", ())] == 0


def test_a_stale_heartbeat_a_down_link_and_a_configured_node_that_never_reported(redis_client):
    link(redis_client, heartbeat=NOW - timedelta(seconds=90), expire=None)
    link(redis_client, "down", since=NOW - timedelta(seconds=30), node="pbx2")
    redis_client.hset("bridge.pbx3.stats", mapping={"events": 123456, "published": 789,
                                                    "written": 55, "unrelated": 1})
    got = scrape(redis_client, nodes=("pbx3",))
    assert got[("callcenter_bridge_link_state", labels(node=NODE, state="lost"))] == 1
    assert got[("callcenter_bridge_link_state", labels(node="pbx2", state="down"))] == 1
    assert got[("callcenter_bridge_link_state_seconds", labels(node="pbx2"))] == 30
    assert got[("callcenter_bridge_link_state", labels(node="pbx3", state="lost"))] == 1
    assert ("callcenter_bridge_heartbeat_age_seconds", labels(node="pbx3")) not in got
    events = ("callcenter_bridge_events_total", labels(counter="events", node="pbx3"))
    assert got[events] == 123456
    assert not any(("counter", "unrelated") in key[1] for key in got)


def test_job_queue_depth_and_failures_come_from_rq(redis_client):
    alerts = Queue("alerts", connection=redis_client)
    for _ in range(3):
        alerts.enqueue("builtins.print", "x")
    failed = alerts.enqueue("builtins.print", "y")
    alerts.remove(failed)
    alerts.failed_job_registry.add(failed, ttl=60, exc_string="boom")
    got = scrape(redis_client)
    assert got[("callcenter_jobs_queued", labels(queue="alerts"))] == 3
    assert got[("callcenter_jobs_failed", labels(queue="alerts"))] == 1
    assert got[("callcenter_jobs_queued", labels(queue="reports"))] == 0
    assert got[("callcenter_workers", ())] == 0


def test_alerts_owed_failed_attempts_and_open_alarms_come_from_the_database(
        redis_client, seeded_session):
    escalated = add_aged_dispatch(seeded_session, province="TH-50", status=DispatchStatus.ESCALATED,
                             age=timedelta(minutes=20), seq=1)
    add_aged_dispatch(seeded_session, province="TH-10", status=DispatchStatus.ACKNOWLEDGED,
                 age=timedelta(minutes=20), seq=2)

    def alert(channel: AlertChannel, status: AlertStatus, key: str, *attempts: bool) -> None:
        row = Alert(dispatch_id=escalated.id, channel=channel, idempotency_key=key,
                    status=status)
        seeded_session.add(row)
        seeded_session.flush()
        for ok in attempts:
            seeded_session.add(AlertAttempt(alert_id=row.id, finished_at=NOW, succeeded=ok,
                                            error=None if ok else "provider refused"))
        seeded_session.flush()

    alert(AlertChannel.SMS, AlertStatus.PENDING, "a1", False)  # refused once, retry owed
    alert(AlertChannel.SMS, AlertStatus.FAILED, "a2", False, False)  # given up
    alert(AlertChannel.VOICE, AlertStatus.SENDING, "a3")
    alert(AlertChannel.CONSOLE, AlertStatus.DELIVERED, "a4", True)
    got = scrape(redis_client, sessions=Borrowed(seeded_session))
    assert got[("callcenter_database_up", ())] == 1
    assert got[("callcenter_dispatch_alerts_owed", ())] == 2
    assert got[("callcenter_dispatch_alerts_failed", ())] == 1
    assert got[("callcenter_dispatch_alert_attempts_failed_total", ())] == 3
    assert got[("callcenter_dispatch_alarms_open", ())] == 1
    assert got[("callcenter_dispatch_awaiting_unit", ())] == 1


def dead_redis() -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))


def test_redis_down_is_reported_not_raised(seeded_session):
    got = scrape(dead_redis(), sessions=Borrowed(seeded_session))
    assert got[("callcenter_redis_up", ())] == 0
    assert got[("callcenter_database_up", ())] == 1
    assert not [k for k in got if k[0].startswith(("callcenter_queue", "callcenter_jobs"))]


def test_a_database_that_does_not_answer_is_reported_not_raised(redis_client):
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                           connect_args={"connect_timeout": 1})
    try:
        got = scrape(redis_client, sessions=sessionmaker(engine))
    finally:
        engine.dispose()
    assert got[("callcenter_database_up", ())] == 0 and got[("callcenter_redis_up", ())] == 1
    assert not [k for k in got if k[0].startswith("callcenter_dispatch")]


def test_the_served_endpoint_answers_with_redis_down(seeded_session):
    from tests.agent_console.conftest import RequestSessions

    app = create_app(load_settings(redis_url="redis://127.0.0.1:1/0"),
                     redis_client=dead_redis(), session_factory=RequestSessions(seeded_session))
    with TestClient(app) as client:
        answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    got = parse(answer.text)
    assert got[("callcenter_redis_up", ())] == 0 and got[("callcenter_database_up", ())] == 1


def test_the_served_endpoint_is_this_module(client, redis_client):
    link(redis_client)
    floor(redis_client)
    text = client.get("/metrics").text
    got = parse(text)
    assert got[("callcenter_queue_callers_waiting", labels(node=NODE, queue="violence"))] == 2
    assert got[("callcenter_bridge_link_up", labels(node=NODE))] == 1
    assert got[("callcenter_redis_up", ())] == 1 and got[("callcenter_database_up", ())] == 1
    assert "0811" not in text, "no caller number in the metrics"
