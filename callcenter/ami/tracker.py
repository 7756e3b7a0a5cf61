"""Follow calls, queue entries and agents through typed AMI events; yield effects.

Pure and synchronous: no clock, no socket, no database. Every method takes the time the
driver received the event (`received_at`) and uses it only when Asterisk gave no time of
its own. A call is keyed by the Uniqueid of its hotline channel (the channel that arrives in an
inbound context such as `from-pstn`; in the Local recordings the `;2` half of
`Local/1300@from-pstn-…`); an originated call by the ActionID of its Originate, since a
failed Originate never gets a Uniqueid. A leg the PBX places shows the trunk's inbound
context too: `outbound` tells it apart and ties it to its Originate.

The pieces: `clock` (Asterisk's time), `call_state` (a call while it lasts), `ivr_vars`
(the IVR's choices), `outcome` (how it ended), `resync_plan` (after a reconnect),
`queue_state` (agents and queues), `spy_events` (supervisors listening in).
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from datetime import datetime, timedelta
from typing import Any

from callcenter import topics
from callcenter.ami import (
    channel_events,
    feature_tracking,
    ivr_vars,
    legs,
    outbound,
    queue_events,
    resync_plan,
    spy_events,
)
from callcenter.ami import events as ev
from callcenter.ami.call_state import UNKNOWN_CALLER, LiveCall
from callcenter.ami.clock import AsteriskClock, epoch_of
from callcenter.ami.effects import (
    AgentStateChanged,
    CallRecord,
    Effect,
    MonitoringRecord,
    Publish,
    UpsertCall,
    UpsertMonitoring,
)
from callcenter.ami.outcome import ORIGINATE_REASONS, settle
from callcenter.ami.queue_state import Agent, Queue

__all__ = ["Tracker", "epoch_of"]

log = logging.getLogger(__name__)

# Events that name their call by the channel's Uniqueid: without one they belong to no
# call, and keying them by "" would join every such event (of every later run) into one.
_KEYED_BY_UNIQUEID = (ev.ChannelEvent, ev.VarSet, ev.QueueCallerEvent, ev.AgentEvent)


class Tracker:
    def __init__(
        self,
        node: str,
        *,
        inbound_contexts: tuple[str, ...] = ("from-pstn",),
        queue_contexts: tuple[str, ...] = ("hotline-queue", "enqueue"),
        remember_ended: int = 5000,
        batch: bool = False,
    ) -> None:
        self.node = node
        # In batch mode effects accumulate until `take_effects()`: a call that changes ten
        # times in one batch is written and published once, with its latest full state.
        self.batch = batch
        self._upserts: dict[str, LiveCall] = {}
        self._dirty: dict[str, tuple[str, Any]] = {}
        # Every change of an agent's state or pause reason, in order: never coalesced,
        # since a short ring or pause counts in the agents' history.
        self._state_changes: list[AgentStateChanged] = []
        self._agent_states: dict[str, tuple[str, str | None]] = {}
        self.inbound_contexts = frozenset(inbound_contexts)
        # Where a hotline channel may be when a resync finds it up (the dialplan's queue
        # contexts): the bridge adopts it even though it never saw it start.
        self.adopt_contexts = self.inbound_contexts | frozenset(queue_contexts)
        self.calls: dict[str, LiveCall] = {}
        self.conferences: dict[str, str] = {}  # ConfBridge name → call key
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {}
        self.counters: Counter[str] = Counter()
        # Late events (AgentComplete after the Hangup, an IVR VarSet on a dead channel) still
        # update a call that has ended; Asterisk's order between threads is not fixed.
        self.ended: OrderedDict[str, LiveCall] = OrderedDict()
        self._remember_ended = remember_ended
        self.aliases: dict[str, str] = {}  # originated leg's Uniqueid → call key
        self._originates: dict[str, str] = {}  # pending ActionID → call key
        # Originates whose placed leg is not known yet, and placed legs no call owns yet.
        self.placing: dict[str, outbound.Placing] = {}
        self.outbound_legs: dict[str, outbound.Leg] = {}
        # The hotline's own number: a channel calling from it was placed by the PBX.
        self.own_numbers = frozenset({"1300"})
        self._console_hangups: set[str] = set()
        # Supervisors spying now (by the spying channel's Uniqueid), and the console's
        # requests whose ChanSpyStart has not come yet (by the Uniqueid it chose).
        self.spies: dict[str, MonitoringRecord] = {}
        self.spy_requests: OrderedDict[str, spy_events.SpyRequest] = OrderedDict()
        self._monitor_upserts: dict[str, MonitoringRecord] = {}
        self.pending_resync: resync_plan.Resync | None = None
        self.clock = AsteriskClock()
        self._now: datetime | None = None  # Asterisk's time of the event being handled
        # When Asterisk last announced a Shutdown: calls it cut off ended then.
        self.shutdown_at: datetime | None = None

    @property
    def clock_offset(self) -> timedelta:
        return self.clock.offset

    # ------------------------------------------------------------------ entry points
    def handle(self, event: ev.Event, received_at: datetime) -> list[Effect]:
        kind = type(event)
        if kind is ev.ClockHint:
            self.clock.hint(event.at, received_at)  # type: ignore[union-attr]
            return []
        if kind is ev.ChannelEvent and event.name == "Newchannel":  # type: ignore[union-attr]
            self.clock.calibrate(event.uniqueid, received_at)  # type: ignore[union-attr]
        if kind in _KEYED_BY_UNIQUEID and not event.uniqueid.strip():  # type: ignore[union-attr]
            self._without_id(event)
            return []
        if kind is ev.ChanSpy and not event.spyer_uniqueid.strip():  # type: ignore[union-attr]
            self._without_id(event)
            return []
        pending = self.pending_resync
        if pending is not None and kind is not ev.ListComplete:
            action_id = getattr(event, "action_id", "")
            if action_id:
                pending.items[action_id] += 1
        handler = _HANDLERS.get(kind)
        if handler is not None:
            now = received_at + self.clock.offset
            self._now = getattr(event, "timestamp", None) or now
            handler(self, event, now)
        return [] if self.batch else self.take_effects()

    def take_effects(self) -> list[Effect]:
        """Upserts of every changed call, then the full state of everything changed."""
        out: list[Effect] = [UpsertCall(c.record.copy()) for c in self._upserts.values()]
        out += [UpsertMonitoring(m.copy()) for m in self._monitor_upserts.values()]
        self._monitor_upserts.clear()
        if self._state_changes:
            out += self._state_changes
            self._state_changes = []
        for topic, (kind, thing) in self._dirty.items():
            if kind == "call":
                payload = thing.record.to_json()
                payload["node"] = self.node
                payload["state"] = thing.state
                out.append(Publish(topic, payload, live=thing.state != "ended"))
            elif kind == "agent":
                live = bool(thing.queues)
                out.append(Publish(topic, thing.payload(self.node), live))
                if not live and thing.current_call is None and thing.ringing_call is None \
                        and self.agents.get(thing.interface) is thing:
                    del self.agents[thing.interface]
            else:
                out.append(Publish(topic, self.queue(thing).payload(self.node, self.agents)))
        self._upserts.clear()
        self._dirty.clear()
        return out

    def asterisk_time(self, received_at: datetime) -> datetime:
        return self.clock.asterisk_time(received_at)

    def originate_requested(
        self, *, action_id: str, channel: str, received_at: datetime,
        caller_number: str | None = None, variables: dict[str, str] | None = None,
    ) -> list[Effect]:
        """Open an outbound call record before the Originate goes out.

        Its variables say what it is for (CALLBACK_ID, DISPATCH_ID, the IVR_* routing of
        a call back) before Asterisk echoes them, and tie the placed leg to this record.
        """
        exten = channel.partition("/")[2].partition("@")[0] or None
        record = CallRecord(
            uniqueid=action_id, started_at=self.asterisk_time(received_at),
            direction="outbound",
            channel=channel, dialled_number=exten, caller_number=caller_number,
        )
        call = LiveCall(record, state="dialling", channels={channel})
        for variable, value in (variables or {}).items():
            ivr_vars.apply(call, variable, str(value))
        self.calls[action_id] = call
        self._originates[action_id] = action_id
        self.placing[action_id] = outbound.Placing(channel, dict(variables or {}))
        self.emit_call(call)
        call.last_seen = record.started_at
        return [] if self.batch else self.take_effects()

    def originate_failed(self, *, action_id: str, reason: str,
                         received_at: datetime) -> list[Effect]:
        """Asterisk refused the Originate, or never answered it: close its record."""
        call = self.calls.get(action_id)
        self.placing.pop(action_id, None)
        if call is not None and self._originates.pop(action_id, None) is not None:
            self._now = self.asterisk_time(received_at)
            self.finish(call, self._now, None, reason)
        return [] if self.batch else self.take_effects()

    def note_console_hangup(self, channel: str) -> None:
        """Remember that the console hung up this channel (Asterisk will say `caller`)."""
        self._console_hangups.add(channel)
        if len(self._console_hangups) > 10_000:
            self._console_hangups.clear()

    def spy_requested(self, spy_uniqueid: str, *, mode: str, user_id: int | None) -> None:
        """The console is about to originate a ChanSpy whose channel gets this Uniqueid."""
        self.spy_requests[spy_uniqueid] = spy_events.SpyRequest(mode, user_id)
        while len(self.spy_requests) > spy_events.REMEMBER_REQUESTS:
            self.spy_requests.popitem(last=False)  # never answered: the phone was not picked up

    def emit_monitoring(self, record: MonitoringRecord) -> None:
        self._monitor_upserts[record.spy_uniqueid] = record

    def begin_resync(self, queues_action: str = "", channels_action: str = "") -> None:
        """Note the ActionIDs of the QueueStatus and CoreShowChannels about to be sent."""
        self.pending_resync = resync_plan.Resync(queues_action, channels_action)

    def abort_resync(self) -> None:
        """A reply was an error or never came: keep everything as tracked."""
        self.pending_resync = None

    def finish_resync(self) -> list[Effect] | None:
        """The full state after a resync whose two lists were applied; else None."""
        seen, self.pending_resync = self.pending_resync, None
        if seen is None or not seen.done:
            return None
        return self.full_state()

    def link_lost(self) -> None:
        """The AMI session ended: its pending Originates will never be answered.

        Their calls stay until the next channel list, which does not know them by their
        ActionID, so they are closed then as interrupted.
        """
        self.abort_resync()
        self._originates.clear()
        self.placing.clear()

    def awaits_originate(self, key: str) -> bool:
        """An Originate of this session whose OriginateResponse has not come yet."""
        return key in self._originates

    def full_state(self) -> list[Effect]:
        """Every live call, agent and queue (plus any pending upsert), as effects now."""
        for call in self.calls.values():
            self.publish_call(call)
        for agent in list(self.agents.values()):
            self.publish_agent(agent)
        for queue in list(self.queues.values()):
            self.publish_queue(queue.name)
        return self.take_effects()

    def find_call(self, key: str) -> CallRecord | None:
        call = self.calls.get(key) or self.ended.get(key)
        return call.record if call else None

    # ------------------------------------------------------------------ helpers
    @property
    def without_id(self) -> int:
        """Events dropped because they named no call (no or an empty Uniqueid)."""
        return sum(n for k, n in self.counters.items() if k.startswith("no_uniqueid."))

    def _without_id(self, event: ev.Event) -> None:
        name = getattr(event, "name", "") or type(event).__name__
        key = f"no_uniqueid.{name}"
        self.counters[key] += 1
        count = self.counters[key]
        if count == 1 or count % 1000 == 0:
            # The event's name and a count: its other headers may hold a caller's data.
            log.warning("AMI %s without a Uniqueid ignored on node %s (%d so far)",
                        name, self.node, count)

    def lookup(self, uniqueid: str) -> LiveCall | None:
        if not uniqueid:
            return None
        key = self.aliases.get(uniqueid, uniqueid)
        return self.calls.get(key) or self.ended.get(key)

    def open(self, uniqueid: str, linkedid: str, channel: str, started: datetime) -> LiveCall:
        if not uniqueid.strip():
            raise ValueError("a call needs an id")  # `handle` drops such events first
        record = CallRecord(
            uniqueid=uniqueid, started_at=epoch_of(uniqueid) or started,
            linkedid=linkedid or None, channel=channel or None,
        )
        call = LiveCall(record, channels={channel} if channel else set())
        self.calls[uniqueid] = call
        return call

    def queue(self, name: str) -> Queue:
        queue = self.queues.get(name)
        if queue is None:
            queue = self.queues[name] = Queue(name)
        return queue

    def agent(self, interface: str, name: str = "") -> Agent:
        agent = self.agents.get(interface)
        if agent is None:
            agent = self.agents[interface] = Agent(interface)
        if name:
            agent.name = name
        return agent

    def emit_call(self, call: LiveCall) -> None:
        if self._now is not None and call.state != "ended":
            call.last_seen = self._now
        self._upserts[call.record.uniqueid] = call
        self.publish_call(call)

    def publish_call(self, call: LiveCall) -> None:
        self._dirty[topics.call_topic(call.record.uniqueid)] = ("call", call)

    def publish_agent(self, agent: Agent) -> None:
        self._dirty[topics.agent_topic(agent.interface)] = ("agent", agent)
        state = agent.status
        now = (state, agent.pause_reason if state == "paused" else None)
        before = self._agent_states.get(agent.interface)
        if now == before or (before is None and state == "logged_out"):
            return
        if state == "logged_out":
            del self._agent_states[agent.interface]
        else:
            self._agent_states[agent.interface] = now
        at = agent.changed_at or self._now
        agent.state_since = at
        if at is not None:
            self._state_changes.append(AgentStateChanged(
                agent.interface, state, now[1], at, agent.name, agent.state_interface))

    def touch_agent(self, agent: Agent) -> None:
        """The agent changed now (not by an event of its own): a resync found it so."""
        agent.changed_at = self._now or agent.changed_at
        self.publish_agent(agent)

    def publish_queue(self, name: str) -> None:
        self.queue(name)
        self._dirty[topics.queue_topic(name)] = ("queue", name)

    def finish(self, call: LiveCall, at: datetime, cause: int | None, cause_text: str) -> None:
        """End the call at `at`: settle it, keep it addressable, free its queue and agent."""
        r = call.record
        r.ended_at = at
        feature_tracking.end_hold(call, at)
        if cause is not None:
            r.hangup_cause = cause
            r.hangup_cause_text = cause_text or None
        elif cause_text:
            r.hangup_cause_text = cause_text  # why Asterisk never placed it
        call.state = "ended"
        settle(call, self._console_hangups)
        key = r.uniqueid
        self.calls.pop(key, None)
        self.ended[key] = call
        while len(self.ended) > self._remember_ended:
            old_key, _ = self.ended.popitem(last=False)
            for alias in [a for a, k in self.aliases.items() if k == old_key]:
                del self.aliases[alias]
        touched: set[str] = set()
        for queue in self.queues.values():
            if queue.waiting.pop(key, None) is not None:
                touched.add(queue.name)
        for agent in list(self.agents.values()):
            if key in (agent.current_call, agent.ringing_call):
                if agent.current_call == key:
                    agent.current_call = None
                if agent.ringing_call == key:
                    agent.ringing_call = None
                agent.changed_at = at
                self.publish_agent(agent)
                touched.update(agent.queues)
        self.emit_call(call)
        for name in sorted(touched):
            self.publish_queue(name)

    def changed(self, call: LiveCall) -> None:
        if call.state == "ended":
            settle(call, self._console_hangups)
        self.emit_call(call)

    # ------------------------------------------------------------------ handlers
    def _on_varset(self, e: ev.VarSet, now: datetime) -> None:
        if outbound.on_variable(self, e, now):
            return
        call = self.lookup(e.uniqueid)
        if call is None:
            return
        ivr_vars.apply(call, e.variable, e.value)
        if e.variable == "QUEUESTATUS":
            legs.queue_status(call, e.value)
        self.changed(call)

    def _on_user_event(self, e: ev.UserEvent, now: datetime) -> None:
        if e.name.lower() not in ivr_vars.IVR_EVENT_NAMES:
            self.counters[f"userevent.{e.name}"] += 1
            return
        # The IVR names the call itself (CallId = the hotline channel's Uniqueid).
        call_id = e.headers.get("CallId", "").strip()
        if not e.uniqueid.strip() and not call_id:
            self._without_id(e)
            return
        call = self.lookup(e.uniqueid.strip()) or self.lookup(call_id)
        if call is None:
            return
        ivr_vars.apply_event(call, e.headers)
        self.changed(call)

    def _on_originate(self, e: ev.OriginateResponse, now: datetime) -> None:
        key = self._originates.pop(e.action_id, None)
        if key:
            self.placing.pop(key, None)
        call = self.calls.get(key) if key else None
        if call is None:
            self.counters["originate_response.unknown_action"] += 1
            return
        at = e.timestamp or now
        r = call.record
        if e.success:
            r.answered_at = at
            call.state = "talking"
            if e.uniqueid not in UNKNOWN_CALLER:
                self.aliases[e.uniqueid] = key
                r.linkedid = e.uniqueid
                outbound.on_originate_answered(self, e.uniqueid, call)
            if e.channel:
                r.channel = e.channel
                call.channels.add(e.channel)
            self.emit_call(call)
        else:
            cause, text = ORIGINATE_REASONS.get(e.reason, (None, f"reason {e.reason}"))
            self.finish(call, at, cause, text)

    def _on_list_complete(self, e: ev.ListComplete, now: datetime) -> None:
        pending = self.pending_resync
        part = pending.part(e.action_id) if pending is not None else None
        if pending is None or part is None:
            return
        if pending.items[e.action_id] != e.items:
            # Items were lost: a list that is not whole says nothing about what is gone.
            self.counters["resync.list_incomplete"] += 1
            return
        if part == resync_plan.QUEUES:
            resync_plan.drop_members(self, pending)
        else:
            resync_plan.close_calls(self, pending, now, self.shutdown_at)
            self.shutdown_at = None
        pending.applied.add(part)

    def _on_shutdown(self, e: ev.Shutdown, now: datetime) -> None:
        self.shutdown_at = e.timestamp or now


_HANDLERS = {
    ev.ChannelEvent: channel_events.on_channel,
    ev.DialBegin: lambda t, e, now: outbound.on_dial_begin(t, e),
    ev.VarSet: Tracker._on_varset,
    ev.UserEvent: Tracker._on_user_event,
    ev.QueueCallerEvent: queue_events.on_queue_caller,
    ev.AgentEvent: queue_events.on_agent,
    ev.MemberEvent: queue_events.on_member,
    ev.QueueParams: queue_events.on_queue_params,
    ev.OriginateResponse: Tracker._on_originate,
    ev.ChanSpy: spy_events.on_chanspy,
    ev.ListComplete: Tracker._on_list_complete,
    ev.Shutdown: Tracker._on_shutdown,
    ev.HoldEvent: feature_tracking.on_hold,
    ev.ConferenceEvent: feature_tracking.on_conference,
    ev.TransferEvent: feature_tracking.on_transfer,
}
