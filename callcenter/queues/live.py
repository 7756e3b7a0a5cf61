"""Read the bridges' live state and links from Redis, for the wallboard and /metrics.

The keys are the bridge's (named in callcenter/topics.py): ``live.<node>.<kind>s`` hashes
(field = id, value = full-state JSON) and ``bridge.<node>.link``. The nodes that should
report are the configured ones (CALLCENTER_AMI_NODES) and any node with live state or a
link key in Redis. Each heartbeat seen is remembered in ``bridge.heartbeats`` (node →
epoch), so a link that has expired can still say since when it has been silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from callcenter import topics
from callcenter.queues import links
from callcenter.queues.live_mirror import LiveMirror, note_ill_formed, well_formed

log = logging.getLogger(__name__)

KINDS = (topics.QUEUE, topics.AGENT, topics.CALL)  # the order a snapshot is sent in


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _json(body: bytes | str | None) -> dict[str, Any] | None:
    if body is None:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(slots=True)
class Live:
    """Every node's live payloads by kind, and the nodes' links."""

    state: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    liveness: links.Liveness = field(default_factory=lambda: links.summarize(()))

    def live_only(self) -> dict[str, list[dict[str, Any]]]:
        """The payloads of nodes whose link is up: a lost node's are not live figures."""
        up = self.liveness.live_nodes
        return {kind: [p for p in items if str(p.get("node") or "") in up]
                for kind, items in self.state.items()}


def _live_keys(client: redis.Redis) -> dict[str, list[str]]:
    """Node → its live hash keys, from one pass over the ``live.*`` keys."""
    out: dict[str, list[str]] = {}
    for key in client.scan_iter(match=topics.live_key("*", "*"), count=500):
        name = _text(key)
        parts = name.split(".")
        if len(parts) == 3 and parts[2] in {f"{k}s" for k in KINDS}:
            out.setdefault(parts[1], []).append(name)
    return out


def _link_nodes(client: redis.Redis) -> set[str]:
    return {_text(key).split(".")[1]
            for key in client.scan_iter(match=topics.link_key("*"), count=500)
            if len(_text(key).split(".")) == 3}


def read_links(client: redis.Redis, nodes: Iterable[str], *, now: datetime) -> list[links.NodeLink]:
    """The link of each node, remembering the heartbeats it sees."""
    names = sorted(set(nodes))
    if not names:
        return []
    # One round trip: a wallboard reads the links for each of its drawings.
    pipe = client.pipeline(transaction=False)
    pipe.mget([topics.link_key(n) for n in names])
    pipe.hmget(topics.HEARTBEATS_KEY, names)
    bodies, remembered = pipe.execute()
    out, fresh = [], {}
    for node, body, last in zip(names, bodies, remembered, strict=True):
        payload = _json(body)
        last_seen = links.heartbeat_time(_text(last) if last else None)
        link = links.node_link(node, payload, now=now, last_heartbeat=last_seen)
        if payload is not None and link.heartbeat is not None and link.heartbeat != last_seen:
            fresh[node] = link.heartbeat.timestamp()
        out.append(link)
    if fresh:
        client.hset(topics.HEARTBEATS_KEY, mapping=fresh)
    return out


def known_nodes(client: redis.Redis, configured: Iterable[str] = ()) -> set[str]:
    return set(configured) | set(_live_keys(client)) | _link_nodes(client)


def read(client: redis.Redis, *, configured: Iterable[str] = (), now: datetime,
         held: LiveMirror | None = None) -> Live:
    """Live state and links in one pass over the keys; the state from ``held`` (the web
    process's copy, live_mirror.py) when it is loaded, only the links from Redis."""
    if held is not None and held.synced:
        state, held_nodes = held.read()
        nodes = set(configured) | held_nodes
        return Live(state, links.summarize(read_links(client, nodes, now=now)))
    keys = _live_keys(client)
    state: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for node, node_keys in keys.items():
        for key in node_keys:
            kind = key.rsplit(".", 1)[1].removesuffix("s")
            for payload in map(_json, client.hvals(key)):
                if payload is None:
                    continue
                if not well_formed(kind, payload):
                    note_ill_formed(kind)
                    continue
                payload.setdefault("node", node)
                state[kind].append(payload)
    nodes = set(configured) | set(keys) | _link_nodes(client)
    return Live(state, links.summarize(read_links(client, nodes, now=now)))


def item(client: redis.Redis, node: str, kind: str, ident: str) -> dict[str, Any] | None:
    """One live payload (an agent by interface, a call by uniqueid), or None."""
    return _json(client.hget(topics.live_key(node, kind), ident))


class LinkWatcher:
    """One per web process: tells its open wallboards when a node's link changes.

    A killed bridge publishes nothing: its link key just expires. While any stream is
    subscribed, this reads the links every ``interval`` seconds (one MGET; the keys are
    scanned for new nodes every ``rescan`` passes) and hands each subscriber the link of
    every node that changed, heartbeats included, as ``(topic, body)`` like a published
    update. The pages then need no polling of their own.
    """

    def __init__(self, client: redis.Redis, configured: Iterable[str] = (), *,
                 interval: float = 2.0, rescan: int = 10, backlog: int = 64,
                 on_change: Callable[[], object] | None = None) -> None:
        self.client = client
        self.configured = tuple(configured)
        self.interval, self.rescan, self.backlog = interval, rescan, backlog
        # Told once per change, before any subscriber hears of it (the web process
        # counts it as an update, as it counts a published message).
        self.on_change = on_change
        self._subscribers: set[asyncio.Queue[tuple[str, str]]] = set()
        self._seen: dict[str, dict[str, Any]] = {}
        self._task: asyncio.Task[None] | None = None

    async def changes(self) -> AsyncIterator[tuple[str, str]]:
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=self.backlog)
        self._subscribers.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="wallboard-links")
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)

    async def _run(self) -> None:
        nodes: set[str] = set()
        passes = 0
        while self._subscribers:
            try:
                if passes % self.rescan == 0:
                    nodes = await asyncio.to_thread(known_nodes, self.client, self.configured)
                found = await asyncio.to_thread(read_links, self.client, nodes,
                                                now=datetime.now(UTC))
                passes += 1
            except redis.RedisError as exc:
                # The hub reports a lost Redis to the pages; try again next pass.
                log.debug("wallboard links not read (%s)", type(exc).__name__)
                found = []
            for link in found:
                body = link.as_dict()
                if self._seen.get(link.node) != body:
                    self._seen[link.node] = body
                    self._send(topics.link_topic(link.node), json.dumps(body))
            await asyncio.sleep(self.interval)

    @property
    def watching(self) -> bool:
        """Whether link changes are being looked for now (some stream is subscribed)."""
        return bool(self._subscribers) and self._task is not None and not self._task.done()

    def _send(self, topic: str, body: str) -> None:
        if self.on_change is not None:
            self.on_change()
        for queue in tuple(self._subscribers):
            # A stalled page misses a link change; its own heartbeat check still
            # catches a bridge that stopped (links.STALE_AFTER_SECONDS).
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((topic, body))
