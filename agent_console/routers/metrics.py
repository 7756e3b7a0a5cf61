"""``/metrics`` for Prometheus: live queues, bridge links and counters, job queues.

Read from Redis at each scrape (every web process answers the same), in the text
exposition format 0.0.4. Events per second is ``rate(callcenter_bridge_events_total[1m])``
over the counters a bridge keeps in ``bridge.<node>.stats`` (when it writes them).
Labels hold queue names, node names and job queue names only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import redis
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from agent_console.deps import redis_client
from agent_console.routers.wallboard import links, live_state
from callcenter.queues import stats
from callcenter.worker import QUEUE_NAMES

router = APIRouter()
LINK_STATES = ("up", "reconnecting", "down")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str,
               samples: Iterable[tuple[dict[str, str], float]]) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            text = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
            self.lines.append(f"{name}{{{text}}} {value:g}" if text else f"{name} {value:g}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def collect(client: redis.Redis, now: datetime) -> str:
    out = Exposition()
    state = live_state(client)
    queues = state["queue"]
    board = stats.build(queues=queues, agents=state["agent"], now=now)
    waiting, longest, agents = [], [], []
    for payload in queues:
        node, name = str(payload.get("node") or ""), str(payload["name"])
        view = next(q for q in board.queues if q.name == name)
        labels = {"node": node, "queue": name}
        waiting.append((labels, view.waiting))
        longest.append((labels, view.longest_wait or 0))
    for view in board.queues:
        for key in ("signed_in", "available", "talking", "ringing", "paused", "wrap_up"):
            agents.append(({"queue": view.name, "state": key}, getattr(view, key)))
    out.family("callcenter_queue_callers_waiting", "gauge", "Callers waiting in the queue.",
               waiting)
    out.family("callcenter_queue_longest_wait_seconds", "gauge",
               "Wait of the longest-waiting caller (0 when nobody waits).", longest)
    out.family("callcenter_queue_agents", "gauge", "Agents of the queue by state.", agents)
    out.family("callcenter_live_calls", "gauge", "Calls in progress.",
               [({}, len(state["call"]))])

    found = links(client)
    out.family("callcenter_bridge_link_up", "gauge", "1 when the bridge's AMI link is up.",
               [({"node": str(link.get("node"))}, 1 if link.get("state") == "up" else 0)
                for link in found])
    out.family("callcenter_bridge_link_state", "gauge", "The AMI link state (one is 1).",
               [({"node": str(link.get("node")), "state": s}, 1 if link.get("state") == s else 0)
                for link in found for s in LINK_STATES])
    since = []
    for link in found:
        at = stats.parse_time(link.get("since"))
        if at is not None:
            since.append(({"node": str(link.get("node"))}, (now - at).total_seconds()))
    out.family("callcenter_bridge_link_state_seconds", "gauge",
               "Seconds since the link entered its state.", since)
    counters = []
    for key in client.scan_iter(match="bridge.*.stats", count=100):
        node = key.decode().split(".")[1] if isinstance(key, bytes) else key.split(".")[1]
        for field, value in client.hgetall(key).items():
            name = field.decode() if isinstance(field, bytes) else field
            if name in ("events", "published", "written"):
                counters.append(({"node": node, "counter": name}, float(value)))
    out.family("callcenter_bridge_events_total", "counter",
               "AMI events handled, updates published and call rows written, per bridge.",
               counters)

    depth, failed, started, scheduled = [], [], [], []
    for name in QUEUE_NAMES:
        queue = Queue(name, connection=client)
        labels = {"queue": name}
        depth.append((labels, queue.count))
        failed.append((labels, FailedJobRegistry(queue=queue).count))
        started.append((labels, StartedJobRegistry(queue=queue).count))
        scheduled.append((labels, ScheduledJobRegistry(queue=queue).count))
    out.family("callcenter_jobs_queued", "gauge", "Jobs waiting in the RQ queue.", depth)
    out.family("callcenter_jobs_started", "gauge", "Jobs being worked on.", started)
    out.family("callcenter_jobs_scheduled", "gauge", "Jobs scheduled for later.", scheduled)
    out.family("callcenter_jobs_failed", "gauge", "Jobs in the failed registry.", failed)
    return out.text()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, client: redis.Redis = Depends(redis_client)):
    return PlainTextResponse(collect(client, datetime.now(UTC)),
                             media_type="text/plain; version=0.0.4; charset=utf-8")
