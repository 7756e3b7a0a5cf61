"""Calls the PBX places (call backs, voice alerts) told apart from calls that arrive.

Pure handlers of the tracker (`tracker.Tracker`). The telco trunk's endpoint context is
`from-pstn` for every channel on it, so an outbound leg's Newchannel says
`Context: from-pstn` exactly like a caller's. What differs on the wire:

- Asterisk creates a channel it places Down (`ChannelState: 0`, `Exten: s`); a caller's
  channel arrives ringing (`ChannelState: 4`) with the number dialled (`Exten: 1300`).
- The Originate's own variables come first as VarSets on the leg (CALLBACK_ID, …).
- `DialBegin` without a `Channel` (nobody dials an originated leg) names it as
  `DestUniqueid`; its `DialString` is the only place the dialled number appears.
- `OriginateResponse` (our ActionID) names the leg's Uniqueid, but only once answered.
- A leg dialled by another channel (a voice alert's `Local/…@rru` dials the trunk) has
  the originated channel's Uniqueid as its `Linkedid`. A caller's call dials the trunk
  too (a warm transfer to 191 or an outside number): that leg is left alone, it is
  neither the caller nor a call of its own.

So a Down channel in an inbound context is never opened as a 1300 call: it is held as a
leg until one of these clues ties it to the Originate that placed it, whose record (keyed
by the ActionID, `direction` outbound) it then updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from callcenter.ami import events as ev
from callcenter.ami import ivr_vars
from callcenter.ami.call_state import LiveCall

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker

DOWN = 0  # ChannelState of a channel Asterisk is placing
# Variables of an Originate that name what it was placed for, once per placement.
PURPOSE_VARIABLES = ("CALLBACK_ID", "DISPATCH_ALERT_KEY", "DISPATCH_ID")
MAX_LEGS = 10_000


@dataclass(slots=True)
class Placing:
    """An Originate this session sent, until its leg is known."""

    channel: str  # as asked: PJSIP/0812345678@trunk-telco, Local/0812345678@rru
    variables: dict[str, str]


@dataclass(slots=True)
class Leg:
    """A Down channel in an inbound context that no call owns yet."""

    channel: str
    linkedid: str
    variables: list[tuple[str, str]] = field(default_factory=list)


def is_placed(e: ev.ChannelEvent) -> bool:
    """A channel Asterisk is placing: created Down. A caller's arrives ringing."""
    return e.state == DOWN


def on_new_leg(t: Tracker, e: ev.ChannelEvent) -> None:
    """Hold a placed leg, or hand it at once to the call it was dialled for."""
    if e.linkedid and e.linkedid != e.uniqueid:
        call = t.lookup(e.linkedid)
        if call is not None and call.record.direction == "inbound":
            # A caller's call dialled the trunk: a warm transfer's consultation of 191 or
            # an outside number. That leg is not the caller: tied to the call, its
            # hang-up (the agent cancelling the consultation) would end the whole call.
            t.counters["outbound_leg.of_inbound_call"] += 1
            return
        if call is not None:
            _tie(t, e.uniqueid, e.channel, e.linkedid, call)
            return
    if len(t.outbound_legs) >= MAX_LEGS:
        t.outbound_legs.clear()  # legs whose Hangup was lost; never grow without bound
    t.outbound_legs[e.uniqueid] = Leg(e.channel, e.linkedid)
    t.counters["outbound_leg"] += 1


def on_leg_hangup(t: Tracker, uniqueid: str) -> bool:
    """A held leg hung up before anything tied it to a call (an unanswered call of an
    Originate answered by its OriginateResponse, or one of another session)."""
    if t.outbound_legs.pop(uniqueid, None) is None:
        return False
    t.counters["outbound_leg.untied"] += 1
    return True


def on_variable(t: Tracker, e: ev.VarSet, now: datetime) -> bool:
    """A VarSet on a held leg: kept for its call, and an Originate's purpose ties it."""
    leg = t.outbound_legs.get(e.uniqueid)
    if leg is None:
        return False
    leg.variables.append((e.variable, e.value))
    if e.variable not in PURPOSE_VARIABLES or not e.value:
        return True
    for action_id, placing in t.placing.items():
        if placing.variables.get(e.variable) == e.value:
            call = t.calls.get(action_id)
            if call is not None:
                _tie(t, e.uniqueid, leg.channel, leg.linkedid, call)
                return True
    if e.variable != "DISPATCH_ALERT_KEY":
        # Placed by an Originate this session did not send (the bridge restarted since):
        # still a call back or a voice alert, recorded as such under the leg's own id.
        _adopt(t, e.uniqueid, leg, e.timestamp or now)
    return True


def on_dial_begin(t: Tracker, e: ev.DialBegin) -> None:
    """An originated leg is dialled by nobody: match its DialString to our Originate."""
    leg = t.outbound_legs.get(e.dest_uniqueid)
    if leg is None:
        return
    if e.uniqueid:
        call = t.lookup(e.uniqueid)
        if call is not None:
            _tie(t, e.dest_uniqueid, leg.channel, leg.linkedid, call)
        return
    tech = e.dest_channel.partition("/")[0]
    asked = f"{tech}/{e.dial_string}"
    for action_id, placing in t.placing.items():
        if placing.channel == asked and action_id in t.calls:
            _tie(t, e.dest_uniqueid, leg.channel, leg.linkedid, t.calls[action_id])
            return


def on_originate_answered(t: Tracker, uniqueid: str, call: LiveCall) -> None:
    """The OriginateResponse named the placed channel: it and the legs it dialled."""
    for leg_id in [u for u, leg in t.outbound_legs.items()
                   if u == uniqueid or leg.linkedid == uniqueid]:
        leg = t.outbound_legs[leg_id]
        _tie(t, leg_id, leg.channel, leg.linkedid, call)


def _tie(t: Tracker, uniqueid: str, channel: str, linkedid: str, call: LiveCall) -> None:
    key = call.record.uniqueid
    leg = t.outbound_legs.pop(uniqueid, None)
    if uniqueid != key:
        t.aliases[uniqueid] = key
    t.placing.pop(key, None)
    r = call.record
    if channel:
        call.channels.add(channel)
        if r.channel is None or "@" in r.channel:  # the Originate's dial string
            r.channel = channel
    if r.linkedid is None:
        r.linkedid = linkedid or uniqueid
    for variable, value in leg.variables if leg is not None else ():
        ivr_vars.apply(call, variable, value)
    t.counters["outbound_leg.tied"] += 1
    t.changed(call)


def _adopt(t: Tracker, uniqueid: str, leg: Leg, at: datetime) -> None:
    call = t.open(uniqueid, leg.linkedid, leg.channel, at)
    call.record.direction = "outbound"
    call.state = "dialling"
    t.counters["outbound_leg.adopted"] += 1
    _tie(t, uniqueid, leg.channel, leg.linkedid, call)
