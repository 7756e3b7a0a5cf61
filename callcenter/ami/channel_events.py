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
from callcenter.ami import legs, outbound
from callcenter.ami.call_state import LiveCall, clean

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
        elif e.uniqueid not in t.calls:
            on_linked_channel(t, e)
        return
    if name == "Hangup":
        call = t.lookup(e.uniqueid)
        if call is None:
            if not outbound.on_leg_hangup(t, e.uniqueid) and not on_other_leg_end(t, e, at):
                t.counters["hangup_unknown_channel"] += 1
        elif call.state != "ended":
            t.finish(call, at, e.cause, e.cause_text)
        return
    if name == "Newstate":
        if e.state == UP and t.lookup(e.uniqueid) is None:
            call = of_linkedid(t, e.linkedid)
            linked = call.linked.get(e.channel) if call is not None else None
            if linked is not None and linked.answered_at is None:
                linked.answered_at = at
                take_over(t, call, at)
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


UP = 6  # ChannelState of an answered channel


def of_linkedid(t: Tracker, linkedid: str) -> LiveCall | None:
    """The call a channel is linked to: its Linkedid is the caller's Uniqueid, or, when a
    Local channel carried the call in, that of the Local pair's first half (the call's
    Linkedid, not its Uniqueid)."""
    call = t.lookup(linkedid)
    if call is not None or not linkedid:
        return call
    return next((c for c in t.calls.values() if c.record.linkedid == linkedid), None)


def on_linked_channel(t: Tracker, e: ev.ChannelEvent) -> None:
    """A channel of a call (its Linkedid is the call's) that is not the call itself: an
    agent's, rung by a queue or reached through a transfer. Local halves only connect."""
    if e.channel.startswith("Local/") or not e.linkedid:
        return
    call = of_linkedid(t, e.linkedid)
    if call is not None and call.state != "ended" and e.channel not in call.channels:
        call.linked[e.channel] = legs.LinkedChannel(e.uniqueid)


def on_other_leg_end(t: Tracker, e: ev.ChannelEvent, at: datetime) -> bool:
    """A channel of a call that is not the call itself hung up: an agent's part of the
    call ends (a Redirect sends no AgentComplete until the caller hangs up, but the
    agent's leg hangs up when the caller leaves the bridge), or a transfer's consulted
    agent hung up. True when it was one of those.

    Not at BridgeLeave: an Atxfer takes the agent out of the caller's bridge to consult,
    and their part lasts until the transfer completes."""
    call = of_linkedid(t, e.linkedid)
    if call is None:
        return False
    if legs.is_leg_agent(call, e.channel):
        leg = legs.agent_left(call, e.channel, at)
        if leg is not None:
            free_agent(t, call, e.channel, leg.agent_interface, at)
            t.changed(call)
        return True
    linked = call.linked.get(e.channel)
    if linked is None:
        return False
    del call.linked[e.channel]
    agent = t.agents.get(e.channel.rpartition("-")[0])
    if legs.unqueued(call, e.channel, linked, at, agent.name if agent else None):
        t.changed(call)
    return True


def take_over(t: Tracker, call: LiveCall, at: datetime) -> None:
    """After a transfer, an answered agent's channel of the call that no queue rang (the
    colleague consulted in a warm transfer, once the first agent completes it; the agent
    a blind transfer rang, once they answer) is that agent's call now: they are on it,
    with the call controls, and their leg (no queue) runs until they hang up."""
    if call.state == "ended" or not any(g.ended_how == "transferred"
                                        for g in call.record.legs):
        return
    key = call.record.uniqueid
    for channel, linked in list(call.linked.items()):
        agent = t.agents.get(channel.rpartition("-")[0])
        if linked.answered_at is None or agent is None or agent.ringing_call == key:
            continue  # not answered, not an agent's phone, or a queue's ring (AgentConnect)
        del call.linked[channel]
        legs.taken_over(call, channel, linked.answered_at, agent.name)
        agent.current_call = key
        agent.channel = channel
        agent.changed_at = at
        t.publish_agent(agent)
        t.changed(call)


def free_agent(t: Tracker, call: LiveCall, channel: str, interface: str | None,
               at: datetime) -> None:
    """The agent's part ended before the call did: their busy time ends now."""
    agent = t.agents.get(interface or "")
    if agent is not None and agent.current_call == call.record.uniqueid \
            and agent.channel == channel:
        agent.current_call = None
        agent.channel = None
        agent.changed_at = at
        t.publish_agent(agent)


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
