"""Drop, on their raw bytes, the events the bridge never reads.

Pure. Most of a call's events (Newexten, DeviceStateChange, Cdr, VarSet of dialplan
variables …) are noise to the bridge; deciding that before decoding and parsing them is
the cheapest thing the hot path can do.
"""

from __future__ import annotations

from callcenter.ami.events import TRACKED_EVENTS, TRACKED_VARIABLES

_TRACKED_NAMES = frozenset(name.encode() for name in TRACKED_EVENTS)
# Events Asterisk sends on every call that the bridge has no use for (see docs/ami.md).
KNOWN_NOISE = frozenset(
    name.encode()
    for name in (
        "Newexten", "Newstate", "NewConnectedLine", "VarSet", "DialState",
        "DialEnd", "DeviceStateChange", "AGIExecStart", "AGIExecEnd",
        "MixMonitorStart", "MixMonitorStop", "BridgeCreate",
        "BridgeEnter", "BridgeLeave", "BridgeDestroy", "LocalBridge", "Cdr", "DTMFBegin",
        "DTMFEnd", "SuccessfulAuth", "QueueSummary", "Status", "StatusComplete",
        "QueueSummaryComplete", "RTCPSent", "RTCPReceived", "Registry", "PeerStatus",
        "ContactStatus", "ChallengeSent", "NewAccountCode", "Rename", "LocalOptimizationBegin",
        "LocalOptimizationEnd", "HangupHandlerPush", "HangupHandlerRun",
    )
)


def event_name(raw: bytes) -> bytes:
    end = raw.find(b"\r\n")
    return raw[7:end] if end > 0 else raw[7:]


_TRACKED_VARS = frozenset(name.encode() for name in TRACKED_VARIABLES)


def skip_untracked(raw: bytes) -> bool:
    """True for an event nobody reads; decided on bytes, before any decoding.

    Most of a call's events are noise to the bridge (Newexten, DeviceStateChange, Cdr,
    VarSet of dialplan variables, …). Kept: tracked events, anything with an ActionID
    (an action's reply or list item) and anything carrying Asterisk's time (EventTV).
    """
    if not raw.startswith(b"Event: "):
        return False
    end = raw.find(b"\r\n")
    name = raw[7:end] if end > 0 else raw[7:]
    if name == b"VarSet":
        at = raw.find(b"\r\nVariable: ")
        if at < 0:
            return False
        stop = raw.find(b"\r\n", at + 12)
        return raw[at + 12:stop if stop > 0 else None] not in _TRACKED_VARS
    if name in _TRACKED_NAMES:
        return False
    return b"\r\nActionID: " not in raw and b"\r\nEventTV: " not in raw
