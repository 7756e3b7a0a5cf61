"""Prometheus metrics for operations, read from Redis at each scrape.

Every web process answers the same: nothing is counted in the process, everything comes
from what the bridge keeps in Redis and from the RQ registries. Queue figures are the
wallboard's (``callcenter.queues.stats``). Events per second is
``rate(callcenter_bridge_events_total{counter="events"}[1m])`` over the counters a bridge
keeps in ``bridge.<node>.stats``. Labels hold node, queue and job-queue names only.

    body, content_type = metrics.render(redis_client)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import redis
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from rq import Queue, Worker

from callcenter.queues import stats
from callcenter.worker import QUEUE_NAMES

log = logging.getLogger(__name__)

# Redis keys the AMI bridge writes (callcenter/ami/sink.py): a hash per node and kind
# (field = id, value = full-state JSON), the link state as JSON, and the bridge's
# counters as a hash of integers (HINCRBY) with the fields below.
LIVE_PATTERN = "live.*.{kind}s"
LINK_PATTERN = "bridge.*.link"
STATS_PATTERN = "bridge.*.stats"
STATS_FIELDS = ("events", "published", "written")
LINK_STATES = ("up", "reconnecting", "down")
AGENT_STATES = ("signed_in", "available", "talking", "ringing", "paused", "wrap_up")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _node(key: bytes | str) -> str:
    return _text(key).split(".")[1]


def _json(body: bytes | str) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def live(client: redis.Redis, kind: str) -> list[dict[str, Any]]:
    """Every node's live ``kind`` (queue, agent, call) payloads."""
    out = []
    for key in client.scan_iter(match=LIVE_PATTERN.format(kind=kind), count=100):
        out += [p for p in map(_json, client.hvals(key)) if p is not None]
    return out


def links(client: redis.Redis) -> list[dict[str, Any]]:
    out = []
    for key in client.scan_iter(match=LINK_PATTERN, count=100):
        body = client.get(key)
        link = _json(body) if body is not None else None
        if link is not None:
            link.setdefault("node", _node(key))
            out.append(link)
    return out


class HotlineCollector(Collector):
    """Reads Redis when Prometheus scrapes; a Redis fault gives ``callcenter_redis_up 0``."""

    def __init__(self, client: redis.Redis, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.client = client
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("callcenter_redis_up", "1 when Redis answered this scrape.")
        try:
            families = [*self._queues(), *self._bridges(), *self._jobs()]
        except redis.RedisError as exc:
            log.warning("metrics: redis unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _queues(self) -> list[Metric]:
        now = self.clock()
        board = stats.build(queues=live(self.client, "queue"),
                            agents=live(self.client, "agent"), now=now)
        waiting = GaugeMetricFamily("callcenter_queue_callers_waiting",
                                    "Callers waiting in the queue.", labels=["queue"])
        longest = GaugeMetricFamily("callcenter_queue_longest_wait_seconds",
                                    "Wait of the longest-waiting caller (0 when nobody waits).",
                                    labels=["queue"])
        agents = GaugeMetricFamily("callcenter_queue_agents", "Agents of the queue by state.",
                                   labels=["queue", "state"])
        for view in board.queues:
            waiting.add_metric([view.name], view.waiting)
            longest.add_metric([view.name], view.longest_wait or 0)
            for state in AGENT_STATES:
                agents.add_metric([view.name, state], getattr(view, state))
        calls = GaugeMetricFamily("callcenter_live_calls", "Calls in progress.")
        calls.add_metric([], len(live(self.client, "call")))
        return [waiting, longest, agents, calls]

    def _bridges(self) -> list[Metric]:
        now = self.clock()
        found = links(self.client)
        up = GaugeMetricFamily("callcenter_bridge_link_up",
                               "1 when the bridge's AMI link is up.", labels=["node"])
        state = GaugeMetricFamily("callcenter_bridge_link_state",
                                  "The AMI link state (one of them is 1).",
                                  labels=["node", "state"])
        since = GaugeMetricFamily("callcenter_bridge_link_state_seconds",
                                  "Seconds since the link entered its state.", labels=["node"])
        for link in found:
            node = str(link["node"])
            up.add_metric([node], 1 if link.get("state") == "up" else 0)
            for name in LINK_STATES:
                state.add_metric([node, name], 1 if link.get("state") == name else 0)
            try:
                at = stats.parse_time(link.get("since"))
            except ValueError:
                at = None
            if at is not None:
                since.add_metric([node], max(0.0, (now - at).total_seconds()))
        counters = CounterMetricFamily(
            "callcenter_bridge_events",
            "AMI events handled, updates published and call rows written, per bridge.",
            labels=["node", "counter"])
        for key in self.client.scan_iter(match=STATS_PATTERN, count=100):
            for field, value in self.client.hgetall(key).items():
                name = _text(field)
                if name in STATS_FIELDS:
                    counters.add_metric([_node(key), name], float(value))
        return [up, state, since, counters]

    def _jobs(self) -> list[Metric]:
        families = {
            "queued": GaugeMetricFamily("callcenter_jobs_queued",
                                        "Jobs waiting in the RQ queue.", labels=["queue"]),
            "started": GaugeMetricFamily("callcenter_jobs_started",
                                         "Jobs being worked on.", labels=["queue"]),
            "scheduled": GaugeMetricFamily("callcenter_jobs_scheduled",
                                           "Jobs scheduled for later.", labels=["queue"]),
            "deferred": GaugeMetricFamily("callcenter_jobs_deferred",
                                          "Jobs waiting for another job.", labels=["queue"]),
            "failed": GaugeMetricFamily("callcenter_jobs_failed",
                                        "Jobs in the failed registry.", labels=["queue"]),
        }
        for name in QUEUE_NAMES:
            queue = Queue(name, connection=self.client)
            families["queued"].add_metric([name], queue.count)
            families["started"].add_metric([name], queue.started_job_registry.count)
            families["scheduled"].add_metric([name], queue.scheduled_job_registry.count)
            families["deferred"].add_metric([name], queue.deferred_job_registry.count)
            families["failed"].add_metric([name], queue.failed_job_registry.count)
        workers = GaugeMetricFamily("callcenter_workers", "RQ workers alive.")
        workers.add_metric([], Worker.count(connection=self.client))
        return [*families.values(), workers]


def render(client: redis.Redis, *,
           clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> tuple[bytes, str]:
    """The exposition text and its content type, for a ``/metrics`` response."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HotlineCollector(client, clock=clock))
    return generate_latest(registry), CONTENT_TYPE_LATEST
