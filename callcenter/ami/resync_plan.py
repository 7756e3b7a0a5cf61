"""After a (re)login: what Asterisk still has, and what the tracker must let go of.

Pure. The bridge asks QueueStatus and CoreShowChannels. Their list items are noted as
the tracker handles them, and each list is applied when its `…Complete` event is
handled, in order with every other event: a call that starts after Asterisk made the
list is seen after it, so it is never taken for one that ended unseen. A list is applied
only when whole (as many items as its `ListItems`); an error reply has no list at all,
so nothing is dropped on the word of a PBX that is still booting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker

QUEUES, CHANNELS = "queues", "channels"


@dataclass(slots=True)
class Resync:
    queues_action: str = ""  # ActionID of the QueueStatus
    channels_action: str = ""  # ActionID of the CoreShowChannels
    calls: set[str] = field(default_factory=set)
    members: set[tuple[str, str]] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)
    items: Counter[str] = field(default_factory=Counter)  # list items seen, by ActionID
    applied: set[str] = field(default_factory=set)

    def part(self, action_id: str) -> str | None:
        if not action_id:
            return None
        if action_id == self.queues_action:
            return QUEUES
        if action_id == self.channels_action:
            return CHANNELS
        return None

    @property
    def done(self) -> bool:
        return {QUEUES, CHANNELS} <= self.applied


def drop_members(tracker: Tracker, seen: Resync) -> None:
    """QueueStatus is whole: members and waiting callers it does not list are gone."""
    for agent in list(tracker.agents.values()):
        gone = [q for q in agent.queues if (agent.interface, q) not in seen.members]
        for queue in gone:
            del agent.queues[queue]
        if gone or not agent.queues:
            tracker.touch_agent(agent)
    for queue in tracker.queues.values():
        gone_entries = [u for u in queue.waiting if u not in seen.entries]
        for uniqueid in gone_entries:
            del queue.waiting[uniqueid]
        if gone_entries:
            tracker.publish_queue(queue.name)


def close_calls(tracker: Tracker, seen: Resync, at: datetime,
                shutdown_at: datetime | None = None) -> None:
    """CoreShowChannels is whole: calls it does not list ended while the link was down.

    Each is ended at the Shutdown, when Asterisk announced one, else at the last event
    seen for it: not at `at` (now), which would count the outage as talk or wait.
    """
    for key, call in list(tracker.calls.items()):
        # A call being originated is listed under a Uniqueid not known before its
        # OriginateResponse: that response settles it.
        if key not in seen.calls and not tracker.awaits_originate(key):
            call.interrupted = True
            ended = call.last_seen or at
            if shutdown_at is not None and shutdown_at >= ended:
                ended = shutdown_at
            tracker.finish(call, ended, None, "")
    for agent in tracker.agents.values():
        if agent.current_call is not None and agent.current_call not in tracker.calls:
            agent.current_call = None
            tracker.touch_agent(agent)
        if agent.ringing_call is not None and agent.ringing_call not in tracker.calls:
            agent.ringing_call = None
            tracker.touch_agent(agent)
