"""The bridge's side of a resync: when to ask Asterisk for its lists, and asking.

After every login, on a FullyBooted that comes after the lists were made (Asterisk was
still booting) and on Reload, the bridge sends QueueStatus then CoreShowChannels; the
pure tracker applies each list at its `…Complete` event (`resync_plan.py`). An error reply or
a timeout aborts the resync, keeps the tracked state, and it is tried again with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from callcenter.ami import actions
from callcenter.ami.bridge.config import ActionTimeout, LinkDown
from callcenter.ami.effects import Effect
from callcenter.ami.framing import Message
from callcenter.ami.tracker import Tracker

if TYPE_CHECKING:
    from callcenter.ami.bridge.node import Bridge

log = logging.getLogger(__name__)

RESYNC_FAULT = "resync incomplete; retrying"


class ResyncRunner:
    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.wanted = asyncio.Event()
        self._queues_id: str | None = None
        self._queues_replied = False

    def request(self) -> None:
        """Resynchronise soon; requests made meanwhile coalesce into one."""
        self.wanted.set()

    def before_reply(self) -> bool:
        """A resync is under way and Asterisk has not answered its QueueStatus yet.

        Asterisk writes a session's events and replies in order: a FullyBooted seen before
        that reply means Asterisk had booted when it made the list, so the list is good.
        """
        return self._queues_id is not None and not self._queues_replied

    def note(self, msg: Message) -> None:
        """See each reply as it is handled (in order with the events)."""
        if msg.action_id == self._queues_id and "Event" not in msg.headers:
            self._queues_replied = True

    async def forever(self, first: asyncio.Future[bool]) -> None:
        """Resync when asked; an aborted one is tried again with backoff, state kept."""
        bridge, timing = self.bridge, self.bridge.timing
        delay = timing.backoff_first
        while True:
            await self.wanted.wait()
            self.wanted.clear()
            ok = await self.once()
            if not first.done():
                first.set_result(ok)
            link = bridge.link
            if ok:
                delay = timing.backoff_first
                if link.state["state"] == "up" and link.state["fault"] == RESYNC_FAULT:
                    await link.set("up")
                continue
            if link.state["state"] == "up":
                await link.set("up", fault=RESYNC_FAULT)
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, timing.backoff_max)
            self.wanted.set()

    async def once(self) -> bool:
        """Ask Asterisk what is live now; close what ended unseen; republish everything."""
        bridge = self.bridge
        queues_id, channels_id = bridge.next_action_id(), bridge.next_action_id()
        self._queues_id, self._queues_replied = queues_id, False
        await bridge.call_tracker(lambda t: t.begin_resync(queues_id, channels_id))
        failed = ""
        try:
            for action, action_id in ((actions.queue_status(), queues_id),
                                      (actions.core_show_channels(), channels_id)):
                reply = await bridge.send(action, action_id=action_id)
                if not reply.success:
                    failed = f"{action.name} refused"
                    break
        except (ActionTimeout, LinkDown) as exc:
            failed = type(exc).__name__
        done: list[bool] = []

        def finish(t: Tracker) -> list[Effect] | None:
            # Replies are matched as they are read, events handled later in order: the
            # resync is over for `before_reply` only once the handler has reached here, so
            # a FullyBooted read before the QueueStatus reply but handled after it was
            # matched is still known as older than the lists (no needless second resync).
            self._queues_id = None
            if failed:
                t.abort_resync()
                return None
            effects = t.finish_resync()
            done.append(effects is not None)
            return effects

        await bridge.call_tracker(finish, full=True)
        if failed or not done[0]:
            bridge.counters["resync_failed"] += 1
            # The reason is Asterisk's action name or an exception type, never data.
            log.warning("resync of node %s aborted (%s); tracked state kept",
                        bridge.node.name, failed or "list incomplete")
            return False
        bridge.counters["resyncs"] += 1
        return True
