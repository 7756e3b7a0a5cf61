"""What the tracker asks the driver to do: write a call record, publish a full state.

Pure data. Field names of `CallRecord` match `callcenter.calls.models.Call`, so the
service copies them across without a mapping table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any


@dataclass(slots=True)
class CallRecord:
    uniqueid: str
    started_at: datetime
    direction: str = "inbound"
    linkedid: str | None = None
    channel: str | None = None
    caller_number: str | None = None
    caller_name: str | None = None
    dialled_number: str | None = None
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    ivr_language: str | None = None
    ivr_choice: str | None = None
    ivr_outcome: str | None = None
    ivr_error: str | None = None
    issue_area: str | None = None
    priority: int | None = None
    silent: bool = False
    queue_name: str | None = None
    agent_interface: str | None = None
    agent_name: str | None = None
    outcome: str = "in_progress"
    hangup_cause: int | None = None
    hangup_cause_text: str | None = None
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    ended_by: str | None = None
    # An outbound call's purpose, from its Originate's variables: the call-back request
    # (CALLBACK_ID) or the dispatch (DISPATCH_ID) it was placed for.
    callback_id: int | None = None
    dispatch_id: int | None = None
    # Filled in by the record writer from the member interface; never published.
    agent_user_id: int | None = None
    # One per queue visit (and per agent reached without a queue), in order: written
    # with the call, never published.
    legs: list[LegRecord] = field(default_factory=list)
    # Hold: whether the caller is on hold now, how often and how long in all (seconds
    # of the holds that ended). Live state only: the calls table has no column for them.
    on_hold: bool = False
    holds: int = 0
    hold_seconds: int | None = None
    # The ConfBridge conference the call was moved into, and everyone who joined it, in
    # order: the caller, agents, and those dialled in (interpreter, 191, 1669, 1387).
    conference: str | None = None
    participants: list[Participant] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(RECORD_FIELDS, _values(self), strict=True))

    def copy(self) -> CallRecord:
        copied = CallRecord(*_values(self))
        copied.legs = [leg.copy() for leg in self.legs]
        copied.participants = [p.copy() for p in self.participants]
        return copied

    def to_json(self) -> dict[str, Any]:
        out = self.as_dict()
        del out["agent_user_id"]
        del out["legs"]
        for key in TIME_FIELDS:
            value = out[key]
            if value is not None:
                out[key] = value.isoformat()
        # Who is in the conference, never their numbers: the live view needs no more.
        out["participants"] = [p.to_json() for p in self.participants]
        return out


@dataclass(slots=True)
class Participant:
    """One channel's stay in the call's conference (ConfbridgeJoin to ConfbridgeLeave)."""

    channel: str
    uniqueid: str
    role: str  # caller | agent | guest (dialled in: interpreter, emergency service)
    joined_at: datetime
    left_at: datetime | None = None

    def copy(self) -> Participant:
        return Participant(self.channel, self.uniqueid, self.role, self.joined_at,
                           self.left_at)

    def to_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "role": self.role,
                "joined_at": self.joined_at.isoformat(),
                "left_at": self.left_at.isoformat() if self.left_at else None}


@dataclass(slots=True)
class LegRecord:
    """One queue visit of a call (or one agent reached without a queue), keyed by the
    call and its place in the call (`seq`, from 1). Field names match
    `callcenter.calls.models.CallLeg`; `ended_how` stays None while the leg lasts."""

    seq: int
    queue_name: str | None
    joined_at: datetime | None
    answered_at: datetime | None = None
    agent_interface: str | None = None
    agent_name: str | None = None
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    ended_at: datetime | None = None
    ended_how: str | None = None  # answered | abandoned | timeout | moved | transferred
    # The agent's own channel (AgentConnect's DestChannel): where their part ends.
    agent_channel: str | None = None
    agent_user_id: int | None = None  # filled in by the record writer

    def copy(self) -> LegRecord:
        return LegRecord(**{f.name: getattr(self, f.name) for f in fields(self)})


RECORD_FIELDS = tuple(f.name for f in fields(CallRecord))
_values = attrgetter(*RECORD_FIELDS)  # every field, in order, in one C call
TIME_FIELDS = ("started_at", "queued_at", "answered_at", "ended_at")


@dataclass(frozen=True, slots=True)
class UpsertCall:
    """Create or update the call's row, keyed by (node, uniqueid)."""

    record: CallRecord


@dataclass(frozen=True, slots=True)
class Publish:
    """Publish the full state of one thing; `live` False removes it from the snapshot."""

    topic: str
    payload: dict[str, Any]
    live: bool = True


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    """Add a row to the agent's state history: a new state, or a new pause reason."""

    interface: str
    state: str  # available | ringing | in_call | paused | unavailable | logged_out
    reason: str | None
    changed_at: datetime
    name: str = ""
    state_interface: str = ""


@dataclass(slots=True)
class MonitoringRecord:
    """A supervisor listening, whispering or barging into one call, as Asterisk saw it.

    Keyed by the spying channel's Uniqueid (one ChanSpy run); `call_uniqueid` is the key
    of the call it joined, `mode` None when it was started outside the console and no
    feature code says which (`supervisor_user_id` is then found by the spying phone).
    """

    spy_uniqueid: str
    started_at: datetime
    spy_channel: str
    agent_channel: str
    call_uniqueid: str | None = None
    mode: str | None = None  # listen | whisper | barge
    supervisor_user_id: int | None = None
    ended_at: datetime | None = None

    def copy(self) -> MonitoringRecord:
        return MonitoringRecord(**{f.name: getattr(self, f.name) for f in fields(self)})


@dataclass(frozen=True, slots=True)
class UpsertMonitoring:
    """Create or update the monitoring row, keyed by (node, spy_uniqueid)."""

    record: MonitoringRecord


Effect = UpsertCall | Publish | AgentStateChanged | UpsertMonitoring
