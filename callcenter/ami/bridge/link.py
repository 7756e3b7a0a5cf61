"""The bridge's link state in Redis, kept alive by a heartbeat; its counters.

`bridge.<node>.link` holds `{"node", "state": up/reconnecting/down, "since", "fault",
"heartbeat"}` (heartbeat: epoch seconds) and expires `link_ttl` seconds after it was last
written. The bridge rewrites it every `link_refresh` seconds, so the key of a bridge that
was killed vanishes; readers (the wallboard, /metrics) take a configured node without a
key for a lost one. Each change is also published on `bridge.<node>.link.updated`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from callcenter.ami.bridge.sink import Sink

log = logging.getLogger(__name__)


class Link:
    def __init__(self, node: str, sink: Sink, *, ttl: int, refresh: float) -> None:
        self.node = node
        self.sink = sink
        self.ttl = ttl
        self.refresh = refresh
        self.state: dict[str, Any] = {"node": node, "state": "down", "since": None,
                                      "fault": None}

    async def set(self, state: str, fault: str | None = None) -> None:
        """Report the link; `since` is when this state began (a new fault keeps it)."""
        if self.state["state"] != state or self.state["fault"] != fault:
            since = self.state["since"] if self.state["state"] == state else None
            self.state = {"node": self.node, "state": state,
                          "since": since or datetime.now(UTC).isoformat(), "fault": fault}
            await self.sink.link(self.state, ttl=self.ttl)

    async def beat_forever(self) -> None:
        """Rewrite the key (fresh heartbeat, new expiry) until cancelled."""
        while True:
            await asyncio.sleep(self.refresh)
            await self.sink.link(self.state, ttl=self.ttl, publish=False)


async def report_stats_forever(bridge: Any, every: float = 1.0) -> None:
    """Add this second's counts to `bridge.<node>.stats` (the console's metrics)."""
    sent = {"events": 0, "published": 0, "written": 0, "no_uniqueid": 0}
    while True:
        await asyncio.sleep(every)
        now = {"events": bridge.events_seen, "published": bridge.sink.published,
               "written": bridge.sink.writer.written,
               "no_uniqueid": bridge.tracker.without_id}
        delta = {k: now[k] - sent[k] for k in now if now[k] != sent[k]}
        if delta and await bridge.sink.add_stats(delta):
            sent = now
