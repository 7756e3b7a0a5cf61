"""Whether the bridges' live state is live: the rules for each node's AMI link. Pure.

Each bridge keeps ``bridge.<node>.link`` in Redis (docs/ami.md): ``state`` (up,
reconnecting, down), ``since`` (when it entered that state), ``fault`` and ``heartbeat``
(epoch seconds), written with an expiry and refreshed every few seconds. A bridge that
is killed stops refreshing, so its key expires: a node that should report (configured,
or with live state in Redis) and has no key, or a key whose heartbeat is too old, is
*lost*, and the figures it left behind are not live. Its ``since`` is the last heartbeat
anyone saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from callcenter.queues.stats import parse_time

UP = "up"
LOST = "lost"
STATES = ("up", "reconnecting", "down", LOST)
# Longer than the key's expiry (15 s, refreshed every 5 s): a heartbeat this old means the
# bridge has stopped, even if the key has not expired yet (or was written without expiry).
STALE_AFTER_SECONDS = 20


def heartbeat_time(value: Any) -> datetime | None:
    """A heartbeat as the bridge writes it (epoch seconds), or an ISO time."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        pass
    return _aware(value)


def _aware(value: Any) -> datetime | None:
    try:
        at = parse_time(value)
    except (TypeError, ValueError):
        return None
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


@dataclass(frozen=True, slots=True)
class NodeLink:
    node: str
    state: str  # one of STATES
    since: datetime | None
    heartbeat: datetime | None = None
    fault: str | None = None

    @property
    def live(self) -> bool:
        return self.state == UP

    def as_dict(self) -> dict[str, Any]:
        """The bridge's own link shape, so pages treat both alike."""
        return {
            "node": self.node, "state": self.state,
            "since": self.since.isoformat() if self.since else None,
            "heartbeat": self.heartbeat.timestamp() if self.heartbeat else None,
            "fault": self.fault,
        }


def node_link(node: str, payload: Mapping[str, Any] | None, *, now: datetime,
              last_heartbeat: datetime | None = None) -> NodeLink:
    """One node's link from its key (None: missing or expired) at ``now``."""
    if payload is None:
        return NodeLink(node, LOST, last_heartbeat, last_heartbeat, "no heartbeat")
    heartbeat = heartbeat_time(payload.get("heartbeat"))
    if heartbeat is not None and (now - heartbeat).total_seconds() > STALE_AFTER_SECONDS:
        return NodeLink(node, LOST, heartbeat, heartbeat, "heartbeat too old")
    since = _aware(payload.get("since"))
    state = str(payload.get("state") or "down")
    fault = payload.get("fault")
    return NodeLink(node, state if state in STATES else "down", since, heartbeat,
                    str(fault) if fault is not None else None)


@dataclass(frozen=True, slots=True)
class Liveness:
    """All nodes together: live only when every node that should report is up."""

    live: bool
    since: datetime | None  # the earliest moment a node stopped being live
    nodes: tuple[NodeLink, ...]

    @property
    def down(self) -> tuple[str, ...]:
        return tuple(n.node for n in self.nodes if not n.live)

    @property
    def live_nodes(self) -> frozenset[str]:
        return frozenset(n.node for n in self.nodes if n.live)


def summarize(links: Iterable[NodeLink]) -> Liveness:
    nodes = tuple(sorted(links, key=lambda n: n.node))
    down = [n for n in nodes if not n.live]
    if nodes and not down:
        return Liveness(True, None, nodes)
    times = [n.since for n in down if n.since is not None]
    return Liveness(False, min(times) if times else None, nodes)


def seconds_to_stale(liveness: Liveness, now: datetime) -> float | None:
    """Seconds until the oldest heartbeat of a live node grows too old (None: no such node).

    A bridge whose key is written without expiry and then stops refreshing it publishes
    nothing more: the page must look again when its heartbeat goes stale.
    """
    beats = [n.heartbeat for n in liveness.nodes if n.live and n.heartbeat is not None]
    if not beats:
        return None
    return max(0.0, STALE_AFTER_SECONDS - (now - min(beats)).total_seconds())
