"""Typed AMI events: the few the tracker follows, made from framed `Message`s.

Pure. `to_event` returns None for the many events a call carries that the tracker does
not need (Newexten, DeviceStateChange, Cdr, LocalBridge, AGIExec*, …): they are skipped
by name before any field is read, which keeps the hot path cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from callcenter.ami.feature_events import MAKERS as FEATURE_MAKERS
from callcenter.ami.feature_events import ConferenceEvent, HoldEvent, TransferEvent
from callcenter.ami.framing import Message


@dataclass(frozen=True, slots=True)
class ChannelEvent:
    """Newchannel, Newstate, NewCallerid, Hangup, HangupRequest, SoftHangupRequest,
    CoreShowChannel."""

    name: str
    uniqueid: str
    linkedid: str
    channel: str
    context: str
    exten: str
    caller_number: str
    caller_name: str
    cause: int | None = None
    cause_text: str = ""
    duration: int | None = None  # seconds, CoreShowChannel / Status only
    action_id: str = ""
    timestamp: datetime | None = None
    # CoreShowChannel only: what the channel runs now, and whether it is bridged.
    application: str = ""
    app_data: str = ""
    bridged: bool = False
    # HOTLINE_CALL_ID, when manager.conf's `channelvars` puts it on channel events.
    call_id: str = ""
    # ChannelState: 0 (Down) for a channel Asterisk is placing, 4 (Ring) for one that
    # arrived; None when the header is missing.
    state: int | None = None


@dataclass(frozen=True, slots=True)
class DialBegin:
    """A channel starts being dialled. An Originate's own leg has no `Channel` (nobody
    dials it); `DialString` is the only place its number appears."""

    uniqueid: str  # the dialling channel's, empty for an originated leg
    dest_uniqueid: str
    dest_linkedid: str
    dest_channel: str
    dial_string: str
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class VarSet:
    uniqueid: str
    linkedid: str
    channel: str
    variable: str
    value: str
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class UserEvent:
    uniqueid: str
    linkedid: str
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueueCallerEvent:
    """QueueCallerJoin, QueueCallerLeave, QueueCallerAbandon, QueueEntry (snapshot)."""

    name: str
    uniqueid: str
    linkedid: str
    channel: str
    queue: str
    caller_number: str
    caller_name: str
    position: int | None = None
    hold_time: int | None = None  # QueueCallerAbandon HoldTime, QueueEntry Wait
    priority: int | None = None
    action_id: str = ""
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """AgentCalled, AgentRingNoAnswer, AgentConnect, AgentComplete, AgentDump."""

    name: str
    uniqueid: str
    linkedid: str
    queue: str
    interface: str
    member_name: str
    dest_channel: str = ""
    dest_uniqueid: str = ""
    hold_time: int | None = None
    talk_time: int | None = None
    ring_time: int | None = None  # whole seconds (RingNoAnswer's milliseconds converted)
    reason: str = ""
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemberEvent:
    """QueueMemberAdded/Removed/Status/Pause/Penalty and QueueMember (snapshot)."""

    name: str
    queue: str
    interface: str
    state_interface: str
    member_name: str
    status: int
    paused: bool
    paused_reason: str
    in_call: bool
    penalty: int
    membership: str
    login_time: int | None
    action_id: str = ""
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueueParams:
    queue: str
    calls: int
    hold_time: int
    talk_time: int
    completed: int
    abandoned: int
    service_level_perf: float
    action_id: str = ""


@dataclass(frozen=True, slots=True)
class OriginateResponse:
    action_id: str
    success: bool
    reason: int
    channel: str
    uniqueid: str  # "<unknown>" on failure: match by action_id
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChanSpy:
    """ChanSpyStart / ChanSpyStop: a supervisor's channel (Spyer) joins or leaves another
    (Spyee). Both carry the two channels' snapshots with those prefixes; a Stop after the
    spied-on channel is gone has no Spyee headers."""

    name: str
    spyer_uniqueid: str
    spyer_channel: str
    spyer_exten: str
    spyee_uniqueid: str = ""
    spyee_linkedid: str = ""
    spyee_channel: str = ""
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class ListComplete:
    """The `…Complete` event that closes an event list (QueueStatusComplete, …)."""

    name: str
    action_id: str
    items: int


@dataclass(frozen=True, slots=True)
class Shutdown:
    """Asterisk is stopping (`Restart: True`: and coming back); the link closes next."""

    restart: bool
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class FullyBooted:
    """Sent to every new session; after a restart it comes late, once booting is over."""


@dataclass(frozen=True, slots=True)
class Reload:
    """A module (or all of them) was reloaded: queues and members may have changed."""

    module: str = ""


@dataclass(frozen=True, slots=True)
class ClockHint:
    """Asterisk's own wall time, from an event the tracker has no other use for (EventTV)."""

    at: datetime


Event = (
    ChannelEvent | DialBegin | VarSet | UserEvent | QueueCallerEvent | AgentEvent
    | MemberEvent | QueueParams | OriginateResponse | ChanSpy | ListComplete | Shutdown
    | FullyBooted | Reload | ClockHint | HoldEvent | ConferenceEvent | TransferEvent
)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def timestamp_of(msg: Message) -> datetime | None:
    """Asterisk's own event time (`Timestamp:` when manager.conf has timestampevents=yes)."""
    raw = msg.headers.get("Timestamp")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return datetime.fromtimestamp(float(raw), UTC)
    except (ValueError, OverflowError):
        return None


def _channel(msg: Message) -> ChannelEvent:
    g = msg.fields().__getitem__
    cause = _int(g("Cause")) if "Cause" in msg.headers else None
    duration = None
    if "Duration" in msg.headers:  # CoreShowChannel: HH:MM:SS
        parts = g("Duration").split(":")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            duration = int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])
    elif "Seconds" in msg.headers:  # Status
        duration = _int(g("Seconds"))
    call_id = ""
    if "ChanVariable" in msg.headers:
        for pair in msg.get_all("ChanVariable"):
            name, _, value = pair.partition("=")
            if name == "HOTLINE_CALL_ID":
                call_id = value
    return ChannelEvent(
        name=g("Event"),
        uniqueid=g("Uniqueid"),
        linkedid=g("Linkedid"),
        channel=g("Channel"),
        context=g("Context"),
        exten=g("Exten"),
        caller_number=g("CallerIDNum"),
        caller_name=g("CallerIDName"),
        cause=cause,
        cause_text=g("Cause-txt"),
        duration=duration,
        action_id=g("ActionID"),
        timestamp=timestamp_of(msg),
        application=g("Application"),
        app_data=g("ApplicationData"),
        bridged=bool(g("BridgeId")),
        call_id=call_id,
        state=_int(g("ChannelState")) if "ChannelState" in msg.headers else None,
    )


def _dial_begin(msg: Message) -> DialBegin:
    g = msg.fields().__getitem__
    return DialBegin(g("Uniqueid"), g("DestUniqueid"), g("DestLinkedid"), g("DestChannel"),
                     g("DialString"), timestamp_of(msg))


def _varset(msg: Message) -> VarSet:
    g = msg.fields().__getitem__
    return VarSet(
        g("Uniqueid"), g("Linkedid"), g("Channel"), g("Variable"), g("Value"), timestamp_of(msg)
    )


def _user_event(msg: Message) -> UserEvent:
    headers = {k: (v[-1] if isinstance(v, list) else v) for k, v in msg.headers.items()}
    return UserEvent(
        msg.get("Uniqueid"), msg.get("Linkedid"), msg.get("UserEvent"), headers, timestamp_of(msg)
    )


def _queue_caller(msg: Message) -> QueueCallerEvent:
    g = msg.fields().__getitem__
    hold = g("HoldTime") or g("Wait")
    return QueueCallerEvent(
        name=g("Event"),
        uniqueid=g("Uniqueid"),
        linkedid=g("Linkedid"),
        channel=g("Channel"),
        queue=g("Queue"),
        caller_number=g("CallerIDNum"),
        caller_name=g("CallerIDName"),
        position=_int(g("Position")),
        hold_time=_int(hold) if hold else None,
        priority=_int(g("Priority")) if g("Event") == "QueueEntry" else None,
        action_id=g("ActionID"),
        timestamp=timestamp_of(msg),
    )


def _agent(msg: Message) -> AgentEvent:
    g = msg.fields().__getitem__
    name = g("Event")
    ring = _int(g("RingTime")) if "RingTime" in msg.headers else None
    if name == "AgentRingNoAnswer" and ring is not None:
        ring = round(ring / 1000)  # this one event says milliseconds
    return AgentEvent(
        name=name,
        uniqueid=g("Uniqueid"),
        linkedid=g("Linkedid"),
        queue=g("Queue"),
        interface=g("Interface"),
        member_name=g("MemberName"),
        dest_channel=g("DestChannel"),
        dest_uniqueid=g("DestUniqueid"),
        hold_time=_int(g("HoldTime")) if "HoldTime" in msg.headers else None,
        talk_time=_int(g("TalkTime")) if "TalkTime" in msg.headers else None,
        ring_time=ring,
        reason=g("Reason"),
        timestamp=timestamp_of(msg),
    )


def _member(msg: Message) -> MemberEvent:
    g = msg.fields().__getitem__
    name = g("Event")
    snapshot = name == "QueueMember"  # QueueStatus items say Name/Location
    login = _int(g("LoginTime"))
    return MemberEvent(
        name=name,
        queue=g("Queue"),
        interface=g("Location") if snapshot else g("Interface"),
        state_interface=g("StateInterface"),
        member_name=g("Name") if snapshot else g("MemberName"),
        status=_int(g("Status")) or 0,
        paused=g("Paused") == "1",
        paused_reason=g("PausedReason"),
        in_call=g("InCall") == "1",
        penalty=_int(g("Penalty")) or 0,
        membership=g("Membership"),
        login_time=login or None,
        action_id=g("ActionID"),
        timestamp=timestamp_of(msg),
    )


def _queue_params(msg: Message) -> QueueParams:
    g = msg.fields().__getitem__
    return QueueParams(
        queue=g("Queue"),
        calls=_int(g("Calls")) or 0,
        hold_time=_int(g("Holdtime")) or 0,
        talk_time=_int(g("TalkTime")) or 0,
        completed=_int(g("Completed")) or 0,
        abandoned=_int(g("Abandoned")) or 0,
        service_level_perf=_float(g("ServicelevelPerf")),
        action_id=g("ActionID"),
    )


def _originate(msg: Message) -> OriginateResponse:
    g = msg.fields().__getitem__
    return OriginateResponse(
        action_id=g("ActionID"),
        success=g("Response") == "Success",
        reason=_int(g("Reason")) or 0,
        channel=g("Channel"),
        uniqueid=g("Uniqueid"),
        timestamp=timestamp_of(msg),
    )


def _chanspy(msg: Message) -> ChanSpy:
    g = msg.fields().__getitem__
    return ChanSpy(
        name=g("Event"),
        spyer_uniqueid=g("SpyerUniqueid"),
        spyer_channel=g("SpyerChannel"),
        spyer_exten=g("SpyerExten"),
        spyee_uniqueid=g("SpyeeUniqueid"),
        spyee_linkedid=g("SpyeeLinkedid"),
        spyee_channel=g("SpyeeChannel"),
        timestamp=timestamp_of(msg),
    )


def _complete(msg: Message) -> ListComplete:
    return ListComplete(msg.get("Event"), msg.get("ActionID"), _int(msg.get("ListItems")) or 0)


_MAKERS: dict[str, Callable[[Message], Event]] = {
    "Newchannel": _channel,
    "NewCallerid": _channel,
    # Newstate Up: when an agent reached without a queue (an attended transfer's)
    # answered.
    "Newstate": _channel,
    "Hangup": _channel,
    "HangupRequest": _channel,
    "SoftHangupRequest": _channel,
    "CoreShowChannel": _channel,
    "DialBegin": _dial_begin,
    "VarSet": _varset,
    "UserEvent": _user_event,
    "QueueCallerJoin": _queue_caller,
    "QueueCallerLeave": _queue_caller,
    "QueueCallerAbandon": _queue_caller,
    "QueueEntry": _queue_caller,
    "AgentCalled": _agent,
    "AgentRingNoAnswer": _agent,
    "AgentConnect": _agent,
    "AgentComplete": _agent,
    "AgentDump": _agent,
    "QueueMemberAdded": _member,
    "QueueMemberRemoved": _member,
    "QueueMemberStatus": _member,
    "QueueMemberPause": _member,
    "QueueMemberPenalty": _member,
    "QueueMemberRinginuse": _member,
    "QueueMember": _member,
    "QueueParams": _queue_params,
    "OriginateResponse": _originate,
    "ChanSpyStart": _chanspy,
    "ChanSpyStop": _chanspy,
    "QueueStatusComplete": _complete,
    "CoreShowChannelsComplete": _complete,
    "Shutdown": lambda m: Shutdown(restart=m.get("Restart").lower() == "true",
                                   timestamp=timestamp_of(m)),
    "FullyBooted": lambda m: FullyBooted(),
    "Reload": lambda m: Reload(m.get("Module")),
    **FEATURE_MAKERS,  # hold, transfers, conferences (feature_events.py)
}

# An Originate's own variables, on the leg it placed: whose call it is (a call back, a
# dispatch's voice alert).
ORIGINATE_VARIABLES = frozenset({"CALLBACK_ID", "DISPATCH_ID", "DISPATCH_ALERT_KEY"})
# Variables the tracker reads; every other VarSet (dozens per call) is dropped early.
TRACKED_VARIABLES = frozenset({
    "IVR_CHOICE", "IVR_QUEUE", "IVR_LANGUAGE", "IVR_PRIORITY", "IVR_SILENT", "IVR_ISSUE",
    "IVR_CALLBACK", "IVR_ERROR", "QUEUESTATUS",
}) | ORIGINATE_VARIABLES


def to_event(msg: Message) -> Event | None:
    """Return the typed event, or None when the tracker has no use for it."""
    name = msg.headers.get("Event")
    if not isinstance(name, str):
        return None
    maker = _MAKERS.get(name)
    if maker is None:
        tv = msg.headers.get("EventTV")  # security events (SuccessfulAuth) carry one
        return _clock_hint(tv) if isinstance(tv, str) else None
    if name == "VarSet" and msg.get("Variable") not in TRACKED_VARIABLES:
        return None
    return maker(msg)


def _clock_hint(tv: str) -> ClockHint | None:
    try:
        return ClockHint(datetime.strptime(tv, "%Y-%m-%dT%H:%M:%S.%f%z"))
    except ValueError:
        return None


def is_tracked(name: str) -> bool:
    return name in _MAKERS


TRACKED_EVENTS = frozenset(_MAKERS)
