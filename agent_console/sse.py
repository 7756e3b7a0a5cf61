"""Live updates: one Redis subscriber per web process, fanned out to its SSE clients.

Each browser tab holds one EventSource. The hub subscribes once (pattern subscriptions)
and hands each message to the clients whose filter accepts it. A client's buffer keeps
only the latest body per topic, so a slow tab receives the newest state of each queue
or call rather than a backlog, and memory stays bounded by the number of topics. A
user's notices are the exception: events rather than states, each is kept (bounded).

Redis pub/sub loses what is published while a subscriber reconnects; so every
(re)connection of a tab, and every reconnection of the hub to Redis, starts with a full
snapshot that the page's own code provides.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from callcenter import topics
from callcenter.cancellation import raise_if_cancelled
from callcenter.queues import live_mirror
from callcenter.topics import event_name

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
MAX_TOPICS_PER_CLIENT = 5000
# A user's notices are events, not states: each one is kept (up to this many), none
# replaces another as a newer state of a queue or call does.
MAX_NOTICES_PER_CLIENT = 100
RECONNECT_DELAYS = (0.5, 1, 2, 5)
READ_SECONDS = 1.0
ROWS_WRITTEN = topics.RECORDS + "."

TopicFilter = Callable[[str], bool]
Snapshot = Callable[[], Awaitable[list[tuple[str, str]]]]


# Every stream of the process formats the same message: the first one pays (a str
# keeps its hash, so the others cost one lookup). Bounded: bodies change all the time.
@functools.lru_cache(maxsize=4096)
def format_event(name: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n".encode()


@dataclass(eq=False)
class Client:
    accepts: TopicFilter
    latest: dict[str, str] = field(default_factory=dict)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    resync: bool = False
    notices: list[tuple[str, str]] = field(default_factory=list)

    def offer(self, topic: str, body: str) -> None:
        if not self.accepts(topic):
            return
        if topics.is_notices(topic):
            if len(self.notices) < MAX_NOTICES_PER_CLIENT:
                self.notices.append((topic, body))
            self.wake.set()
            return
        if len(self.latest) >= MAX_TOPICS_PER_CLIENT and topic not in self.latest:
            # Far behind: drop the backlog and start again from a snapshot.
            self.latest.clear()
            self.resync = True
        self.latest[topic] = body
        self.wake.set()

    def take(self) -> list[tuple[str, str]]:
        items = [*self.latest.items(), *self.notices]
        self.latest.clear()
        self.notices = []
        self.wake.clear()
        return items


class Hub:
    """The process's single subscriber and its clients.

    ``sequence`` counts the updates the process has heard of (every message, each change
    of the hub's own link, and whatever ``note_update`` is told). Whatever is read from
    Redis after the count reached N reflects the first N updates: a page drawn from such
    a read can say so, and be reused until the count moves on.
    """

    def __init__(self, url: str | None = None, client: aioredis.Redis | None = None) -> None:
        self._redis = client or aioredis.Redis.from_url(url)  # type: ignore[arg-type]
        self._clients: set[Client] = set()
        self._task: asyncio.Task[None] | None = None
        self.connected = False
        # The bridges' live state, kept from the messages (the wallboard draws from it).
        self.mirror = live_mirror.LiveMirror()
        self.sequence = 0
        # The count at the last message saying call rows reached the database: what the
        # board reads from its tables is older than that (wallboard_tables).
        self.rows_written = 0

    def note_update(self) -> int:
        """Count an update that reached the process other than as a message (a link
        key that expired, seen by the link watcher)."""
        self.sequence += 1
        return self.sequence

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="sse-hub")

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.psubscribe(*topics.HUB_PATTERNS)
                    if attempt:
                        # Messages published while we were away are lost: resync everyone.
                        for client in self._clients:
                            client.resync = True
                            client.wake.set()
                    self.connected, attempt = True, 0
                    self._broadcast_link()
                    keeper = asyncio.create_task(self._keep_mirror(), name="live-mirror")
                    try:
                        await self._listen(pubsub)
                    finally:
                        # Not awaited: that await could swallow a cancellation of the hub.
                        keeper.cancel()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any Redis failure: retry
                if self.connected:
                    log.warning("live updates lost their Redis link (%s)", type(exc).__name__)
                self.connected = False
                self.mirror.lost()
                self._broadcast_link()
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                attempt += 1
                await asyncio.sleep(delay)

    async def _listen(self, pubsub) -> None:
        while True:
            # Bounded reads, each followed by the check: redis-py's pub/sub
            # read can swallow the CancelledError of close() (cancellation.py),
            # and the hub would never stop (a web process hung on shutdown).
            message = await pubsub.get_message(timeout=READ_SECONDS)
            raise_if_cancelled()
            if message is None or message.get("type") != "pmessage":
                continue
            topic = _text(message["channel"])
            body = _text(message["data"])
            # Held first: whoever reads the count N finds the N updates held.
            self.mirror.apply(topic, body)
            self.sequence += 1
            if topic.startswith(ROWS_WRITTEN):
                self.rows_written = self.sequence
            for client in tuple(self._clients):
                client.offer(topic, body)

    async def _keep_mirror(self) -> None:
        """Load the held live state now (what was published before the subscription is
        only in the hashes) and again every while (live_mirror.py says why)."""
        while True:
            try:
                await self.mirror.load(self._redis)
            except Exception as exc:
                # Readers go on reading Redis (``synced`` stays as it was, or False).
                log.warning("live state not loaded (%s)", type(exc).__name__)
            await asyncio.sleep(live_mirror.RELOAD_SECONDS)

    def _broadcast_link(self) -> None:
        self.sequence += 1
        body = json.dumps({"live": self.connected})
        for client in self._clients:
            client.latest[topics.HUB_LINK_TOPIC] = body
            client.wake.set()

    async def stream(self, accepts: TopicFilter, snapshot: Snapshot) -> AsyncIterator[bytes]:
        """Server-sent events for one tab: a snapshot, then changes, with heartbeats."""
        self._ensure_running()
        client = Client(accepts=accepts)
        self._clients.add(client)
        try:
            yield format_event(topics.HUB, json.dumps({"live": self.connected}))
            for topic, body in await snapshot():
                yield format_event(event_name(topic), body)
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(client.wake.wait(), HEARTBEAT_SECONDS)
                if client.resync:
                    client.resync = False
                    client.take()
                    for topic, body in await snapshot():
                        yield format_event(event_name(topic), body)
                    continue
                items = client.take()
                if not items:
                    yield b": keep-alive\n\n"
                for topic, body in items:
                    yield format_event(event_name(topic), body)
        finally:
            self._clients.discard(client)

    async def changes(self, accepts: TopicFilter) -> AsyncIterator[None]:
        """For a subscriber that draws the state rather than passing it on: yields once at
        once, then whenever accepted messages (or a change of the hub's own link) arrived
        since the last yield. The bodies are dropped; the drawing reads the state itself."""
        self._ensure_running()
        client = Client(accepts=accepts)
        self._clients.add(client)
        try:
            while True:
                yield
                await client.wake.wait()
                client.resync = False
                client.take()
        finally:
            self._clients.discard(client)

    @property
    def client_count(self) -> int:
        return len(self._clients)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


async def read_snapshot(
    client: aioredis.Redis, kinds: tuple[str, ...], accepts: TopicFilter
) -> list[tuple[str, str]]:
    """The bridge's live state (hashes ``live.<node>.<kind>s``) as (topic, body) pairs."""
    result: list[tuple[str, str]] = []
    for kind in kinds:
        async for key in client.scan_iter(match=topics.live_key("*", kind), count=100):
            for ident, body in (await client.hgetall(key)).items():
                topic = topics.LIVE_TOPIC[kind](_text(ident))
                if accepts(topic):
                    result.append((topic, _text(body)))
    return result
