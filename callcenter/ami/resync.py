"""After a (re)login: what Asterisk still has, and what the tracker must let go of.

Pure. The bridge asks QueueStatus and CoreShowChannels; their list items are noted here
as the tracker handles them, and `end` then closes the calls Asterisk no longer has and
drops the members and waiting callers it no longer lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker


@dataclass(slots=True)
class Resync:
    calls: set[str] = field(default_factory=set)
    members: set[tuple[str, str]] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)


def end(tracker: Tracker, seen: Resync, at: datetime) -> None:
    """Close and drop what `seen` does not hold; the effects go to the tracker's batch."""
    for key, call in list(tracker.calls.items()):
        if key not in seen.calls:
            call.interrupted = True
            tracker.finish(call, at, None, "")
    for agent in list(tracker.agents.values()):
        for queue in list(agent.queues):
            if (agent.interface, queue) not in seen.members:
                del agent.queues[queue]
        if agent.current_call not in tracker.calls:
            agent.current_call = None
        if agent.ringing_call not in tracker.calls:
            agent.ringing_call = None
        if not agent.queues:
            tracker.publish_agent(agent)
    for queue in tracker.queues.values():
        for uniqueid in list(queue.waiting):
            if uniqueid not in seen.entries:
                del queue.waiting[uniqueid]
