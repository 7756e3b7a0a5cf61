"""What the tracker knows about one call while it lasts (and for a while after).

Pure data. The record is what is written and published; the other fields are what the
outcome is decided from once everything has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from callcenter.ami.effects import CallRecord
from callcenter.ami.legs import LinkedChannel

# How Asterisk says "no caller ID": channel events say `<unknown>`, QueueEntry `unknown`.
UNKNOWN_CALLER = frozenset({"", "<unknown>", "unknown"})


def clean(value: str) -> str | None:
    return None if value in UNKNOWN_CALLER else value


@dataclass(slots=True)
class LiveCall:
    record: CallRecord
    state: str = "ivr"  # ivr | queued | ringing | talking | dialling | ended
    channels: set[str] = field(default_factory=set)
    joined_at: datetime | None = None  # of the last QueueCallerJoin
    abandoned: bool = False
    transferred: bool = False
    queue_status: str = ""
    complete_reason: str = ""
    interrupted: bool = False
    callback: bool = False  # the caller booked a call back instead of waiting
    # Asterisk's time of the last event that changed the call: where a call cut off by a
    # restart or a lost link is ended, since nobody knows when it really ended.
    last_seen: datetime | None = None
    # Other channels of the call (same Linkedid) by name, that no queue event named yet.
    linked: dict[str, LinkedChannel] = field(default_factory=dict)
    # When the hold going on began (Hold on an agent's channel), None when not on hold.
    held_since: datetime | None = None
