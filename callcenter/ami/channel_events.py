"""Channel events: a hotline channel appears, changes caller ID, hangs up, or is listed.

Pure handlers of the tracker (`tracker.Tracker`). The call is the channel that arrives in
an inbound context (`from-pstn`); one the PBX places there is an outbound leg
(`outbound`), never a caller; a resync's CoreShowChannels may also list calls the
bridge never saw start, which are adopted as they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from callcenter.ami import events as ev
from callcenter.ami import outbound
from callcenter.ami.call_state import clean

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker


def is_hotline(t: Tracker, e: ev.ChannelEvent) -> bool:
    channel = e.channel
    if channel.startswith("Local/"):
        # The ;1 half is the caller's simulated phone; the ;2 half runs the dialplan.
        if channel.endswith(";1"):
            return False
        if e.context not in t.inbound_contexts:
            return any(f"@{c}-" in channel for c in t.inbound_contexts)
    return e.context in t.inbound_contexts


def is_hotline_leg(t: Tracker, e: ev.ChannelEvent) -> bool:
    """A channel a resync lists that is a 1300 call: in an inbound or a queue
    context, or carrying its own Uniqueid as HOTLINE_CALL_ID (agent legs inherit
    the hotline channel's, which is not theirs)."""
    if e.call_id:
        return e.call_id == e.uniqueid
    if e.channel.startswith("Local/") and e.channel.endswith(";1"):
        return False
    return is_hotline(t, e) or e.context in t.adopt_contexts


def on_channel(t: Tracker, e: ev.ChannelEvent, now: datetime) -> None:
    name = e.name
    at = e.timestamp or now
    if name == "Newchannel":
        if e.uniqueid not in t.calls and e.uniqueid not in t.ended \
                and is_hotline(t, e):
            if outbound.is_placed(e):
                outbound.on_new_leg(t, e)
                return
            call = t.open(e.uniqueid, e.linkedid, e.channel, at)
            created = call.record.started_at
            if created <= at < created + timedelta(seconds=1):
                call.record.started_at = at  # the Uniqueid only holds whole seconds
            call.record.dialled_number = e.exten or None
            call.record.caller_number = clean(e.caller_number)
            call.record.caller_name = clean(e.caller_name)
            t.emit_call(call)
        return
    if name == "Hangup":
        call = t.lookup(e.uniqueid)
        if call is None:
            if not outbound.on_leg_hangup(t, e.uniqueid):
                t.counters["hangup_unknown_channel"] += 1
        elif call.state != "ended":
            t.finish(call, at, e.cause, e.cause_text)
        return
    if name == "NewCallerid":
        call = t.calls.get(e.uniqueid)
        if call is not None:
            number, caller = clean(e.caller_number), clean(e.caller_name)
            if (number, caller) != (call.record.caller_number, call.record.caller_name):
                call.record.caller_number, call.record.caller_name = number, caller
                t.emit_call(call)
        return
    if name == "CoreShowChannel":
        on_show_channel(t, e, at)


def on_show_channel(t: Tracker, e: ev.ChannelEvent, at: datetime) -> None:
    key = t.aliases.get(e.uniqueid, e.uniqueid)
    if key not in t.calls and key not in t.ended and is_hotline_leg(t, e):
        # Up before the bridge saw it start (the bridge restarted, or Asterisk's
        # events were lost): adopted as it is now.
        started = at - timedelta(seconds=e.duration or 0)
        call = t.open(e.uniqueid, e.linkedid, e.channel, started)
        call.record.caller_number = clean(e.caller_number)
        call.record.caller_name = clean(e.caller_name)
        if e.caller_number in t.own_numbers:
            # Calling from 1300 itself: a call back the PBX placed, never a caller.
            call.record.direction = "outbound"
        if e.application == "Queue":
            queue = e.app_data.partition(",")[0]
            call.record.queue_name = queue or None
            call.state = "talking" if e.bridged else "queued"
        t.counters["resync.adopted"] += 1
        t.emit_call(call)
    if t.pending_resync is not None:
        t.pending_resync.calls.add(key)
        # An agent leg keeps its call alive too (same Linkedid).
        for call_key, call in t.calls.items():
            if e.linkedid and call.record.linkedid == e.linkedid:
                t.pending_resync.calls.add(call_key)
