"""Prometheus metrics for operations, read from Redis and the database at each scrape.

Every web process answers the same: nothing is counted in the process. Live figures
come from what the bridges keep in Redis (``callcenter.queues.live``; the queue
figures are the wallboard's, ``callcenter.queues.stats``), job figures from the RQ
registries, dispatch figures from the database (``dispatch.stats.delivery_health``:
an alert a provider refused is an attempt recorded there, not an RQ failure).

A node whose link is not up (down, reconnecting, or lost: its key expired) exports no
live figures, only its link state: its numbers in Redis are what it left behind, not
what is happening. A Redis or database fault gives ``callcenter_redis_up 0`` or
``callcenter_database_up 0`` and the rest of the scrape, never an error. Labels hold
node, queue, state and job-queue names only.

    body, content_type = metrics.render(redis_client, nodes=("pbx1",), sessions=factory)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

import redis
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from rq import Queue, Worker
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callcenter import topics
from callcenter.dispatch import stats as dispatch_stats
from callcenter.queues import links, live, stats
from callcenter.worker import QUEUE_NAMES

log = logging.getLogger(__name__)

# Counters the bridge keeps in ``bridge.<node>.stats`` (HINCRBY).
STATS_PATTERN = topics.stats_key("*")
STATS_FIELDS = ("events", "published", "written", "no_uniqueid")
AGENT_STATES = ("signed_in", "available", "talking", "ringing", "paused", "wrap_up",
                "unavailable")
# Failed attempts and given-up alerts are counted over all time (a counter only grows).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Sessions = Callable[[], Session]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class HotlineCollector(Collector):
    def __init__(self, client: redis.Redis, *, nodes: Iterable[str] = (),
                 sessions: Sessions | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.client = client
        self.nodes = tuple(nodes)
        self.sessions = sessions
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        yield from self._from_redis()
        if self.sessions is not None:
            yield from self._from_database(self.sessions)

    # ------------------------------------------------------------------ Redis
    def _from_redis(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("callcenter_redis_up", "1 when Redis answered this scrape.")
        try:
            now = self.clock()
            found = live.read(self.client, configured=self.nodes, now=now)
            families = [*self._queues(found, now), *self._bridges(found.liveness, now),
                        *self._jobs()]
        except redis.RedisError as exc:
            log.warning("metrics: redis unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _queues(self, found: live.Live, now: datetime) -> list[Metric]:
        state = found.live_only()
        board = stats.build(queues=state["queue"], agents=state["agent"], now=now)
        waiting = GaugeMetricFamily("callcenter_queue_callers_waiting",
                                    "Callers waiting in the queue.", labels=["node", "queue"])
        longest = GaugeMetricFamily(
            "callcenter_queue_longest_wait_seconds",
            "Wait of the longest-waiting caller (0 when nobody waits).",
            labels=["node", "queue"])
        for payload in state["queue"]:
            labels = [str(payload.get("node") or ""), str(payload.get("name"))]
            entries = payload.get("waiting") or ()
            joined = [t for e in entries if (t := stats.parse_time(e.get("joined_at")))]
            waiting.add_metric(labels, len(entries))
            longest.add_metric(labels, max(
                (int((now - t).total_seconds()) for t in joined), default=0))
        agents = GaugeMetricFamily("callcenter_queue_agents", "Agents of the queue by state.",
                                   labels=["queue", "state"])
        for view in board.queues:
            for name in AGENT_STATES:
                agents.add_metric([view.name, name], getattr(view, name))
        calls = GaugeMetricFamily("callcenter_live_calls", "Calls in progress.")
        calls.add_metric([], len(state["call"]))
        return [waiting, longest, agents, calls]

    def _bridges(self, liveness: links.Liveness, now: datetime) -> list[Metric]:
        up = GaugeMetricFamily("callcenter_bridge_link_up",
                               "1 when the bridge's AMI link is up and its heartbeat fresh.",
                               labels=["node"])
        state = GaugeMetricFamily(
            "callcenter_bridge_link_state",
            "The AMI link state (one of them is 1; lost: no fresh heartbeat).",
            labels=["node", "state"])
        since = GaugeMetricFamily("callcenter_bridge_link_state_seconds",
                                  "Seconds since the link entered its state.", labels=["node"])
        beat = GaugeMetricFamily("callcenter_bridge_heartbeat_age_seconds",
                                 "Seconds since the bridge's last heartbeat.", labels=["node"])
        for link in liveness.nodes:
            up.add_metric([link.node], 1 if link.live else 0)
            for name in links.STATES:
                state.add_metric([link.node, name], 1 if link.state == name else 0)
            if link.since is not None:
                since.add_metric([link.node], max(0.0, (now - link.since).total_seconds()))
            if link.heartbeat is not None:
                beat.add_metric([link.node], max(0.0, (now - link.heartbeat).total_seconds()))
        counters = CounterMetricFamily(
            "callcenter_bridge_events",
            "AMI events handled, updates published, call rows written and events that named "
            "no call (no Uniqueid), per bridge.",
            labels=["node", "counter"])
        for key in self.client.scan_iter(match=STATS_PATTERN, count=500):
            node = _text(key).split(".")[1]
            for field, value in self.client.hgetall(key).items():
                if _text(field) in STATS_FIELDS:
                    counters.add_metric([node, _text(field)], float(value))
        return [up, state, since, beat, counters]

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
            "failed": GaugeMetricFamily(
                "callcenter_jobs_failed",
                "Jobs in the RQ failed registry (a job that raised; alerts a provider "
                "refused are callcenter_dispatch_alert_attempts_failed).", labels=["queue"]),
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

    # ------------------------------------------------------------------ database
    def _from_database(self, sessions: Sessions) -> Iterator[Metric]:
        up = GaugeMetricFamily("callcenter_database_up",
                               "1 when the database answered this scrape.")
        session = sessions()
        try:
            health = dispatch_stats.delivery_health(session, now=self.clock(), since=EPOCH)
        except SQLAlchemyError as exc:
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        finally:
            session.close()
        up.add_metric([], 1)
        yield up
        yield from _dispatch_families(health)


def _gauge(name: str, help_text: str, value: float) -> Metric:
    family = GaugeMetricFamily(name, help_text)
    family.add_metric([], value)
    return family


def _dispatch_families(health: dispatch_stats.DeliveryHealth) -> list[Metric]:
    failed = CounterMetricFamily(
        "callcenter_dispatch_alert_attempts_failed",
        "Alert delivery attempts that failed (provider refused, timed out), recorded in "
        "the database.")
    failed.add_metric([], health.failed_attempts)
    return [
        _gauge("callcenter_dispatch_alerts_owed",
               "Dispatch alerts waiting to be sent or being sent.", health.alerts_owed),
        _gauge("callcenter_dispatch_alert_oldest_owed_seconds",
               "How long the longest-waiting due alert has waited (0: none).",
               health.oldest_owed_seconds),
        failed,
        _gauge("callcenter_dispatch_alerts_failed",
               "Dispatch alerts given up after their last attempt.", health.failed_alerts),
        _gauge("callcenter_dispatch_alarms_open",
               "Dispatches escalated without acknowledgement (wallboard alarms).",
               health.open_alarms),
        _gauge("callcenter_dispatch_awaiting_unit",
               "Open dispatches their unit has not acknowledged yet.", health.awaiting_unit),
    ]


def render(client: redis.Redis, *, nodes: Iterable[str] = (),
           sessions: Sessions | None = None,
           clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> tuple[bytes, str]:
    """The exposition text and its content type, for a ``/metrics`` response."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HotlineCollector(client, nodes=nodes, sessions=sessions, clock=clock))
    return generate_latest(registry), CONTENT_TYPE_LATEST
