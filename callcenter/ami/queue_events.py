"""Queue events: callers joining, waiting and leaving; members rung, connected, paused.

Pure handlers of the tracker (`tracker.Tracker`), one per event type, kept apart so the
tracker stays a dispatcher. They change the tracker's live state and mark what changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from callcenter.ami import events as ev
from callcenter.ami import legs
from callcenter.ami.call_state import clean
from callcenter.ami.channel_events import take_over
from callcenter.ami.queue_state import Membership, Waiting

if TYPE_CHECKING:
    from callcenter.ami.tracker import Tracker


def on_queue_caller(t: Tracker, e: ev.QueueCallerEvent, now: datetime) -> None:
    at = e.timestamp or now
    name = e.name
    call = t.lookup(e.uniqueid)
    if call is None and name in ("QueueCallerJoin", "QueueEntry"):
        # A call the bridge never saw start (it connected mid-call): adopt it.
        call = t.open(e.uniqueid, e.linkedid, e.channel, at)
        call.record.caller_number = clean(e.caller_number)
        call.record.caller_name = clean(e.caller_name)
    if call is None:
        t.counters[f"{name}.unknown_call"] += 1
        return
    r = call.record
    queue = t.queue(e.queue)
    if name == "QueueCallerJoin":
        if r.uniqueid in queue.waiting:
            t.counters["QueueCallerJoin.again"] += 1  # delivered twice: still waiting there
            return
        if r.queued_at is not None and call.state != "ended":
            # Back in a queue after one already: moved (Redirect) or transferred.
            call.transferred = True
        r.queue_name = e.queue
        r.queued_at = r.queued_at or at
        call.joined_at = at
        if call.state != "ended":
            legs.join(call, e.queue, at)
        call.abandoned = False
        if call.state != "ended":
            call.state = "queued"
            queue.waiting[r.uniqueid] = Waiting(r.uniqueid, e.position, at,
                                                r.caller_number, r.priority)
    elif name == "QueueEntry":
        joined = at - timedelta(seconds=e.hold_time or 0)
        r.queue_name = e.queue
        r.queued_at = r.queued_at or joined
        call.joined_at = call.joined_at or joined
        if e.priority is not None and r.priority is None:
            r.priority = e.priority
        legs.adopt(call, e.queue, joined)
        if call.state in ("ivr", "queued"):
            call.state = "queued"
            queue.waiting[r.uniqueid] = Waiting(r.uniqueid, e.position, joined,
                                                r.caller_number, e.priority)
        if t.pending_resync is not None:
            t.pending_resync.entries.add(r.uniqueid)
            t.pending_resync.calls.add(r.uniqueid)
    elif name == "QueueCallerLeave":
        queue.waiting.pop(r.uniqueid, None)
    elif name == "QueueCallerAbandon":
        queue.waiting.pop(r.uniqueid, None)
        queue.abandoned += 1
        call.abandoned = True
        if e.hold_time is not None:
            r.wait_seconds = e.hold_time
        leg = legs.current(call)
        if leg is not None and leg.queue_name == e.queue:
            legs.abandoned(leg, hold_time=e.hold_time, at=at)
    t.changed(call)
    t.publish_queue(e.queue)


def on_agent(t: Tracker, e: ev.AgentEvent, now: datetime) -> None:
    at = e.timestamp or now
    agent = t.agent(e.interface, e.member_name)
    agent.queues.setdefault(e.queue, Membership())
    agent.changed_at = at
    call = t.lookup(e.uniqueid)
    key = call.record.uniqueid if call else e.uniqueid
    name = e.name
    if name == "AgentCalled":
        if call is not None and call.state != "ended":
            agent.ringing_call = key
            call.state = "ringing"
    elif name in ("AgentRingNoAnswer", "AgentDump"):
        if agent.ringing_call == key:
            agent.ringing_call = None
        if call is not None and call.state == "ringing":
            call.state = "queued"
    elif name == "AgentConnect":
        if agent.ringing_call == key:
            agent.ringing_call = None
        for other in t.agents.values():  # ringall: the others stop ringing
            if other.ringing_call == key:
                other.ringing_call = None
        if call is not None:
            r = call.record
            if call.state != "ended":
                agent.current_call = key
                agent.channel = e.dest_channel or None
                call.state = "talking"
            r.answered_at = r.answered_at or at
            r.agent_interface = e.interface
            r.agent_name = e.member_name or None
            r.queue_name = e.queue
            if e.hold_time is not None:
                r.wait_seconds = e.hold_time
            if e.dest_channel:
                call.channels.add(e.dest_channel)
                call.linked.pop(e.dest_channel, None)
            t.queue(e.queue).waiting.pop(key, None)
            leg = legs.current(call)
            if (leg is None or leg.queue_name != e.queue) and call.state != "ended":
                leg = legs.join(call, e.queue, at)  # its join was before the bridge came
            if leg is not None:
                legs.answered(leg, at=at, interface=e.interface, name=e.member_name,
                              channel=e.dest_channel, hold_time=e.hold_time)
    elif name == "AgentComplete":
        if agent.current_call == key:
            agent.current_call = None
            agent.channel = None
        if call is not None:
            if e.talk_time is not None:
                call.record.talk_seconds = e.talk_time
            call.complete_reason = e.reason
            if e.reason == "transfer":
                call.transferred = True
            leg = legs.of_agent(call, e.queue, e.interface)
            if leg is not None:
                legs.completed(leg, reason=e.reason, talk_time=e.talk_time, at=at)
            if e.reason == "transfer":  # a colleague consulted first takes the call now
                take_over(t, call, at)
            if e.dest_channel:
                call.channels.add(e.dest_channel)
    if call is not None:
        t.changed(call)
    t.publish_agent(agent)
    t.publish_queue(e.queue)


def on_member(t: Tracker, e: ev.MemberEvent, now: datetime) -> None:
    agent = t.agent(e.interface, e.member_name)
    agent.state_interface = e.state_interface or agent.state_interface
    agent.changed_at = e.timestamp or now
    if e.name == "QueueMemberRemoved":
        agent.queues.pop(e.queue, None)
    else:
        m = agent.queues.setdefault(e.queue, Membership())
        m.paused, m.paused_reason = e.paused, (e.paused_reason if e.paused else "")
        m.penalty, m.in_call, m.status = e.penalty, e.in_call, e.status
        m.membership, m.login_time = e.membership, e.login_time
        if t.pending_resync is not None and e.name == "QueueMember":
            t.pending_resync.members.add((e.interface, e.queue))
    t.queue(e.queue)
    t.publish_agent(agent)
    t.publish_queue(e.queue)


def on_queue_params(t: Tracker, e: ev.QueueParams, now: datetime) -> None:
    queue = t.queue(e.queue)
    queue.completed, queue.abandoned = e.completed, e.abandoned
    queue.hold_time, queue.talk_time = e.hold_time, e.talk_time
    queue.service_level_perf = e.service_level_perf
    t.publish_queue(e.queue)
