"""Typed AMI events of a call's features: hold, transfers and ConfBridge conferences.

Pure. Registered with `events.to_event` beside the queue and channel events. What the
recordings of Asterisk 22 show (tests/fixtures/asterisk/pjsip/):

- hold from the agent's phone: `Hold` on the agent's channel and `MusicOnHoldStart` on the
  caller's, then `Unhold` and `MusicOnHoldStop`; an attended transfer starts with the same
  pair but ends with `MusicOnHoldStop` alone, and a blind transfer sends a lone `Unhold`;
- `BlindTransfer` / `AttendedTransfer` with `Result`, the transferer's and transferee's
  channels (the target of an attended one is a Local half, not the agent's channel);
- `ConfbridgeStart/Join/Leave/End` naming the `Conference`; a participant dialled in has a
  Linkedid of its own, so only the conference ties it to the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from callcenter.ami.framing import Message

HOLD_EVENTS = ("Hold", "Unhold", "MusicOnHoldStart", "MusicOnHoldStop")
CONFERENCE_EVENTS = ("ConfbridgeStart", "ConfbridgeJoin", "ConfbridgeLeave", "ConfbridgeEnd")
TRANSFER_EVENTS = ("BlindTransfer", "AttendedTransfer")


def _timestamp(msg: Message) -> datetime | None:
    raw = msg.headers.get("Timestamp")
    try:
        return datetime.fromtimestamp(float(raw), UTC) if isinstance(raw, str) else None
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class HoldEvent:
    """Hold / Unhold (the phone's re-INVITE) or MusicOnHoldStart / Stop (what is heard)."""

    name: str
    uniqueid: str
    linkedid: str
    channel: str
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConferenceEvent:
    """One of ConfbridgeStart/Join/Leave/End; Start and End name no channel."""

    name: str
    conference: str
    uniqueid: str = ""
    linkedid: str = ""
    channel: str = ""
    caller_number: str = ""
    admin: bool = False
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class TransferEvent:
    """BlindTransfer or AttendedTransfer: who handed whom over, and whether it worked."""

    name: str
    success: bool
    transferer_uniqueid: str
    transferer_channel: str
    transferee_uniqueid: str
    transferee_linkedid: str
    target_channel: str  # the extension (blind) or the target's channel (attended)
    external: bool
    timestamp: datetime | None = None


def _hold(msg: Message) -> HoldEvent:
    g = msg.fields().__getitem__
    return HoldEvent(g("Event"), g("Uniqueid"), g("Linkedid"), g("Channel"), _timestamp(msg))


def _conference(msg: Message) -> ConferenceEvent:
    g = msg.fields().__getitem__
    return ConferenceEvent(g("Event"), g("Conference"), g("Uniqueid"), g("Linkedid"),
                           g("Channel"), g("CallerIDNum"), g("Admin") == "Yes",
                           _timestamp(msg))


def _transfer(msg: Message) -> TransferEvent:
    g = msg.fields().__getitem__
    blind = g("Event") == "BlindTransfer"
    prefix = "" if blind else "Orig"
    target = (f"{g('Context')},{g('Extension')}" if blind
              else g("TransferTargetChannel"))
    return TransferEvent(
        g("Event"), g("Result") == "Success", g(f"{prefix}TransfererUniqueid"),
        g(f"{prefix}TransfererChannel"), g("TransfereeUniqueid"), g("TransfereeLinkedid"),
        target, g("IsExternal") == "Yes", _timestamp(msg))


MAKERS: dict[str, Callable[[Message], HoldEvent | ConferenceEvent | TransferEvent]] = {
    **dict.fromkeys(HOLD_EVENTS, _hold),
    **dict.fromkeys(CONFERENCE_EVENTS, _conference),
    **dict.fromkeys(TRANSFER_EVENTS, _transfer),
}
