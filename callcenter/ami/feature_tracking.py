"""What hold, transfers and conferences change in a call's record. Tracker handlers, pure.

Hold is measured from the `Hold` of the agent's phone to the first of `Unhold` or the
caller's `MusicOnHoldStop` (an attended transfer ends its hold with the latter alone),
or to the call's end. `MusicOnHoldStart` alone is no hold: the caller hears music while
waiting in a queue too. A lone `Unhold` (a blind transfer sends one) changes nothing.

A conference is tied to the call by its first participant that belongs to the call
(by Uniqueid or Linkedid); those dialled in later have a Linkedid of their own and are
the call's because they joined its conference.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from callcenter.ami import call_features, legs
from callcenter.ami.channel_events import of_linkedid
from callcenter.ami.effects import Participant
from callcenter.ami.feature_events import ConferenceEvent, HoldEvent, TransferEvent

if TYPE_CHECKING:
    from callcenter.ami.call_state import LiveCall
    from callcenter.ami.tracker import Tracker


def _call_of(t: Tracker, uniqueid: str, linkedid: str) -> LiveCall | None:
    return t.lookup(uniqueid) or of_linkedid(t, linkedid)


def end_hold(call: LiveCall, at: datetime) -> bool:
    """Close the hold going on, if any; True when there was one."""
    since = call.held_since
    if since is None:
        return False
    r = call.record
    r.hold_seconds = (r.hold_seconds or 0) + (legs.seconds(since, at) or 0)
    r.on_hold = False
    call.held_since = None
    return True


def on_hold(t: Tracker, e: HoldEvent, now: datetime) -> None:
    call = _call_of(t, e.uniqueid, e.linkedid)
    if call is None or call.state == "ended":
        return
    at = e.timestamp or now
    if e.name == "Hold":
        if call.held_since is None:
            call.held_since = at
            call.record.on_hold = True
            call.record.holds += 1
            t.changed(call)
        return
    # The caller's music stopping ends an attended transfer's hold, which has no Unhold.
    ends = e.name == "Unhold" or (e.name == "MusicOnHoldStop"
                                  and e.uniqueid == call.record.uniqueid)
    if ends and end_hold(call, at):
        t.changed(call)


def on_conference(t: Tracker, e: ConferenceEvent, now: datetime) -> None:
    at = e.timestamp or now
    key = t.conferences.get(e.conference)
    call = t.lookup(key) if key else None
    if e.name in ("ConfbridgeStart", "ConfbridgeEnd"):
        if e.name == "ConfbridgeEnd":
            t.conferences.pop(e.conference, None)
        return
    if call is None:
        # Its first participant of the call, or a room named after the call.
        call = (_call_of(t, e.uniqueid, e.linkedid)
                or t.lookup(call_features.call_of_room(e.conference)))
        if call is None:
            return
        t.conferences[e.conference] = call.record.uniqueid
        call.record.conference = e.conference
    r = call.record
    if e.name == "ConfbridgeJoin":
        if any(p.uniqueid == e.uniqueid and p.left_at is None for p in r.participants):
            return  # delivered twice
        # The agent's leg shares the call's Linkedid (the caller's Uniqueid, or the
        # Local channel's that carried it in); a guest dialled in has a Linkedid of its own.
        role = ("caller" if e.uniqueid == r.uniqueid
                else "agent" if e.linkedid in (r.uniqueid, r.linkedid) else "guest")
        r.participants.append(Participant(e.channel, e.uniqueid, role, at))
    else:
        for p in reversed(r.participants):
            if p.uniqueid == e.uniqueid and p.left_at is None:
                p.left_at = at
                break
        else:
            return
    t.changed(call)


def on_transfer(t: Tracker, e: TransferEvent, now: datetime) -> None:
    """Count a failed transfer; a successful one is followed by AgentComplete (transfer),
    which ends the agent's leg (legs.py)."""
    if not e.success:
        t.counters[f"transfer_failed.{e.name}"] += 1
