"""The events of a transfer's later part, in the shapes of the Asterisk 22 recording
`pjsip-attended-transfer` (tests/fixtures/asterisk/pjsip/). Pure: headers in, headers out.

What the recording shows and a consumer must find here too: the consultation is a pair of
Local channels `Local/<exten>@<context>-<n>;1` and `;2` (Linkedid the call's), the `;2` half
dials the target (`DialBegin` from it, the target's leg with `Exten` the digits dialled);
`AttendedTransfer` names agent1 twice (`OrigTransferer*` in the call's bridge,
`SecondTransferer*` in the consultation's) and the `;1` half as `TransferTarget*`, never
the target's own channel; the Local pair then optimises itself away and hangs up.
"""

from __future__ import annotations

from callcenter.simulators.asterisk.call_events import Headers

CALL = {"Privilege": "call,all"}
# The fields every channel snapshot carries, in Asterisk's order.
CHANNEL_FIELDS = ("Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum",
                  "CallerIDName", "ConnectedLineNum", "ConnectedLineName", "Language",
                  "AccountCode", "Context", "Exten", "Priority", "Uniqueid", "Linkedid")
STATES = {"Down": "0", "Ring": "4", "Ringing": "5", "Up": "6"}


def channel(name: str, uniqueid: str, linkedid: str, *, context: str, exten: str,
            state: str = "Down", number: str = "<unknown>",
            connected: str = "<unknown>") -> Headers:
    return {"Channel": name, "ChannelState": STATES[state], "ChannelStateDesc": state,
            "CallerIDNum": number, "CallerIDName": "<unknown>", "ConnectedLineNum": connected,
            "ConnectedLineName": "<unknown>", "Language": "en", "AccountCode": "",
            "Context": context, "Exten": exten, "Priority": "1", "Uniqueid": uniqueid,
            "Linkedid": linkedid}


def snapshot(h: Headers, prefix: str = "", **changed: str) -> Headers:
    """A channel's fields under a prefix (`Dest`, `Transferee`, `LocalOne` …)."""
    merged = {**{k: h.get(k, "") for k in CHANNEL_FIELDS}, **changed}
    if "ChannelState" in changed:
        merged["ChannelStateDesc"] = {v: k for k, v in STATES.items()}[changed["ChannelState"]]
    return {f"{prefix}{k}": v for k, v in merged.items()}


def up(h: Headers) -> Headers:
    return {**h, "ChannelState": "6", "ChannelStateDesc": "Up"}


def event(name: str, *parts: Headers, **extra: str) -> Headers:
    headers: Headers = {"Event": name, **CALL}
    for part in parts:
        headers.update(part)
    headers.update(extra)
    return headers


def bridge(uid: str, count: int, prefix: str = "") -> Headers:
    return {f"{prefix}BridgeUniqueid": uid, f"{prefix}BridgeType": "basic",
            f"{prefix}BridgeTechnology": "simple_bridge", f"{prefix}BridgeCreator": "<unknown>",
            f"{prefix}BridgeName": "<unknown>", f"{prefix}BridgeNumChannels": str(count),
            f"{prefix}BridgeVideoSourceMode": "none"}


def local_bridge(one: Headers, two: Headers) -> Headers:
    return event("LocalBridge", snapshot(one, "LocalOne"), snapshot(two, "LocalTwo"),
                 Context=one["Context"], Exten=one["Exten"], LocalOptimization="Yes")


def dial_begin(caller: Headers | None, dest: Headers, dial_string: str) -> Headers:
    return event("DialBegin", snapshot(caller) if caller else {}, snapshot(dest, "Dest"),
                 DialString=dial_string)


def dial_end(caller: Headers | None, dest: Headers, status: str) -> Headers:
    return event("DialEnd", snapshot(caller) if caller else {}, snapshot(dest, "Dest"),
                 DialStatus=status)


def hangup(h: Headers, cause: str = "16", text: str = "Normal Clearing") -> Headers:
    return event("Hangup", snapshot(h), Cause=cause, **{"Cause-txt": text})


def attended_transfer(*, agent: Headers, call_bridge: str, consult_bridge: str,
                      caller: Headers, target: Headers) -> Headers:
    """Completed by the transferring agent hanging up: the caller's bridge is where the
    target (the `;1` half) ends up (`DestType: Bridge`)."""
    return event("AttendedTransfer", {"Result": "Success"},
                 snapshot(agent, "OrigTransferer"), bridge(call_bridge, 2, "Orig"),
                 snapshot(agent, "SecondTransferer"), bridge(consult_bridge, 0, "Second"),
                 snapshot(caller, "Transferee"), snapshot(up(target), "TransferTarget"),
                 IsExternal="No", DestType="Bridge", DestBridgeUniqueid=call_bridge)


def local_optimization(name: str, one: Headers, two: Headers, source: Headers) -> Headers:
    extra = {"DestUniqueId": two["Uniqueid"], "Id": "0"} if name.endswith("Begin") else {
        "Success": "Yes", "Id": "0"}
    return event(name, snapshot(up(one), "LocalOne"), snapshot(up(two), "LocalTwo"),
                 snapshot(source, "Source"), **extra)
