"""Follow calls, queue entries and agents through typed AMI events; yield effects.

Pure and synchronous: no clock, no socket, no database. Every method takes the time the
driver received the event (`received_at`) and uses it only when Asterisk gave no time of
its own. A call is keyed by the Uniqueid of its hotline channel (the channel in an
inbound context such as `from-pstn`; in the recordings the `;2` half of
`Local/1300@from-pstn-…`); an originated call by the ActionID of its Originate, since a
failed Originate never gets a Uniqueid.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from callcenter.ami import events as ev
from callcenter.ami.effects import CallRecord, Effect, Publish, UpsertCall
from callcenter.ami.presence import Agent, Membership, Queue, Waiting
from callcenter.queues.catalog import BY_NAME as QUEUE_CATALOG

# QUEUESTATUS values that mean the queue, not the caller, ended the wait.
SYSTEM_EXITS = frozenset({"TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL",
                          "LEAVEUNAVAIL"})
UNKNOWN_CALLER = frozenset({"", "<unknown>", "unknown"})
# OriginateResponse Reason (the last control frame seen) → a Q.850 hangup cause.
ORIGINATE_REASONS = {
    0: (None, "failed"),
    1: (16, "hung up"),
    3: (19, "no answer"),
    5: (17, "busy"),
    8: (34, "congestion"),
}
TRUE_WORDS = frozenset({"1", "yes", "true", "y", "on"})


def epoch_of(uniqueid: str) -> datetime | None:
    """The creation time Asterisk encodes in a Uniqueid (`[system-]epoch.sequence`)."""
    seconds = uniqueid.rpartition("-")[2].partition(".")[0]
    if not seconds.isdigit() or len(seconds) < 9:
        return None
    return datetime.fromtimestamp(int(seconds), UTC)


def _clean(value: str) -> str | None:
    return None if value in UNKNOWN_CALLER else value


@dataclass(slots=True)
class _Call:
    record: CallRecord
    state: str = "ivr"  # ivr | queued | ringing | talking | dialling | ended
    channels: set[str] = field(default_factory=set)
    joined_at: datetime | None = None
    abandoned: bool = False
    transferred: bool = False
    queue_status: str = ""
    complete_reason: str = ""
    interrupted: bool = False
    callback: bool = False  # the caller booked a call back instead of waiting


@dataclass(slots=True)
class _Resync:
    calls: set[str] = field(default_factory=set)
    members: set[tuple[str, str]] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)


class Tracker:
    def __init__(
        self,
        node: str,
        *,
        inbound_contexts: tuple[str, ...] = ("from-pstn",),
        remember_ended: int = 5000,
        batch: bool = False,
    ) -> None:
        self.node = node
        # In batch mode effects accumulate until `take_effects()`: a call that changes ten
        # times in one batch is written and published once, with its latest full state.
        self.batch = batch
        self._upserts: dict[str, _Call] = {}
        self._dirty: dict[str, tuple[str, Any]] = {}
        self.inbound_contexts = frozenset(inbound_contexts)
        self.calls: dict[str, _Call] = {}
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {}
        self.counters: Counter[str] = Counter()
        # Late events (AgentComplete after the Hangup, an IVR VarSet on a dead channel) still
        # update a call that has ended; Asterisk's order between threads is not fixed.
        self._ended: OrderedDict[str, _Call] = OrderedDict()
        self._remember_ended = remember_ended
        self._aliases: dict[str, str] = {}  # originated leg's Uniqueid → call key
        self._originates: dict[str, str] = {}  # pending ActionID → call key
        self._console_hangups: set[str] = set()
        self._resync: _Resync | None = None
        # Asterisk's clock minus the driver's: receive times are moved onto Asterisk's
        # clock so that a call's times all come from one clock.
        self.clock_offset = timedelta(0)
        self._clock_exact = False

    # ------------------------------------------------------------------ entry points
    def handle(self, event: ev.Event, received_at: datetime) -> list[Effect]:
        out: list[Effect] = []
        kind = type(event)
        if kind is ev.ClockHint:
            self.clock_offset = event.at - received_at  # type: ignore[union-attr]
            self._clock_exact = True
            return out
        if kind is ev.ChannelEvent and event.name == "Newchannel":  # type: ignore[union-attr]
            self._calibrate(event.uniqueid, received_at)  # type: ignore[union-attr]
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, event, received_at + self.clock_offset, out)
        return out if self.batch else self.take_effects()

    def take_effects(self) -> list[Effect]:
        """Upserts of every changed call, then the full state of everything changed."""
        out: list[Effect] = [UpsertCall(c.record.copy()) for c in self._upserts.values()]
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
                out.append(Publish(topic, self._queue(thing).payload(self.node, self.agents)))
        self._upserts.clear()
        self._dirty.clear()
        return out

    def asterisk_time(self, received_at: datetime) -> datetime:
        return received_at + self.clock_offset

    def _calibrate(self, uniqueid: str, received_at: datetime) -> None:
        """A new channel's Uniqueid holds Asterisk's current second; keep the offset in it."""
        created = epoch_of(uniqueid)
        if created is None:
            return
        low = created - received_at
        high = low + timedelta(seconds=1)
        slack = timedelta(seconds=1.5 if self._clock_exact else 0)
        if not (low - slack <= self.clock_offset <= high + slack):
            self.clock_offset = low + timedelta(seconds=0.5)
            self._clock_exact = False

    def originate_requested(
        self, *, action_id: str, channel: str, received_at: datetime,
        caller_number: str | None = None,
    ) -> list[Effect]:
        """Open an outbound call record before the Originate goes out."""
        exten = channel.partition("/")[2].partition("@")[0] or None
        record = CallRecord(
            uniqueid=action_id, started_at=self.asterisk_time(received_at),
            direction="outbound",
            channel=channel, dialled_number=exten, caller_number=caller_number,
        )
        call = _Call(record, state="dialling", channels={channel})
        self.calls[action_id] = call
        self._originates[action_id] = action_id
        self._emit_call(call, [])
        return [] if self.batch else self.take_effects()

    def note_console_hangup(self, channel: str) -> None:
        """Remember that the console hung up this channel (Asterisk will say `caller`)."""
        self._console_hangups.add(channel)
        if len(self._console_hangups) > 10_000:
            self._console_hangups.clear()

    def begin_resync(self) -> None:
        self._resync = _Resync()

    def abort_resync(self) -> None:
        self._resync = None

    def end_resync(self, received_at: datetime) -> list[Effect]:
        """Close what Asterisk no longer has, then republish the full state."""
        seen, self._resync = self._resync, None
        out: list[Effect] = []
        received_at = self.asterisk_time(received_at)
        if seen is None:
            return out
        for key, call in list(self.calls.items()):
            if key not in seen.calls:
                call.interrupted = True
                self._finish(call, received_at, None, "", out)
        for agent in list(self.agents.values()):
            for queue in list(agent.queues):
                if (agent.interface, queue) not in seen.members:
                    del agent.queues[queue]
            if agent.current_call not in self.calls:
                agent.current_call = None
            if agent.ringing_call not in self.calls:
                agent.ringing_call = None
            if not agent.queues:
                self._publish_agent(agent, out)
        for queue in self.queues.values():
            for uniqueid in list(queue.waiting):
                if uniqueid not in seen.entries:
                    del queue.waiting[uniqueid]
        self._originates.clear()  # a new session never answers an old ActionID
        return self.full_state()

    def full_state(self) -> list[Effect]:
        """Every live call, agent and queue (plus any pending upsert), as effects now."""
        for call in self.calls.values():
            self._publish_call(call, [])
        for agent in list(self.agents.values()):
            self._publish_agent(agent, [])
        for queue in list(self.queues.values()):
            self._publish_queue(queue.name, [])
        return self.take_effects()

    def find_call(self, key: str) -> CallRecord | None:
        call = self.calls.get(key) or self._ended.get(key)
        return call.record if call else None

    # ------------------------------------------------------------------ helpers
    def _lookup(self, uniqueid: str) -> _Call | None:
        key = self._aliases.get(uniqueid, uniqueid)
        return self.calls.get(key) or self._ended.get(key)

    def _is_hotline(self, e: ev.ChannelEvent) -> bool:
        channel = e.channel
        if channel.startswith("Local/"):
            # The ;1 half is the caller's simulated phone; the ;2 half runs the dialplan.
            if channel.endswith(";1"):
                return False
            if e.context not in self.inbound_contexts:
                return any(f"@{c}-" in channel for c in self.inbound_contexts)
        return e.context in self.inbound_contexts

    def _open(self, uniqueid: str, linkedid: str, channel: str, started: datetime) -> _Call:
        record = CallRecord(
            uniqueid=uniqueid, started_at=epoch_of(uniqueid) or started,
            linkedid=linkedid or None, channel=channel or None,
        )
        call = _Call(record, channels={channel} if channel else set())
        self.calls[uniqueid] = call
        return call

    def _queue(self, name: str) -> Queue:
        queue = self.queues.get(name)
        if queue is None:
            queue = self.queues[name] = Queue(name)
        return queue

    def _agent(self, interface: str, name: str = "") -> Agent:
        agent = self.agents.get(interface)
        if agent is None:
            agent = self.agents[interface] = Agent(interface)
        if name:
            agent.name = name
        return agent

    # The `out` lists stay for the handlers' signatures; effects are built in take_effects.
    def _emit_call(self, call: _Call, out: list[Effect]) -> None:
        self._upserts[call.record.uniqueid] = call
        self._publish_call(call, out)

    def _publish_call(self, call: _Call, out: list[Effect]) -> None:
        self._dirty[f"call.{call.record.uniqueid}.updated"] = ("call", call)

    def _publish_agent(self, agent: Agent, out: list[Effect]) -> None:
        self._dirty[f"agent.{agent.interface}.updated"] = ("agent", agent)

    def _publish_queue(self, name: str, out: list[Effect]) -> None:
        self._queue(name)
        self._dirty[f"queue.{name}.updated"] = ("queue", name)

    def _outcome(self, call: _Call) -> str:
        r = call.record
        if call.interrupted:
            return "interrupted"
        if r.direction == "outbound":
            return "answered" if r.answered_at else "failed"
        if call.callback and not r.answered_at:
            return "callback"
        if call.abandoned:
            return "queue_timeout" if call.queue_status in SYSTEM_EXITS else "abandoned"
        if call.queue_status in SYSTEM_EXITS and not r.answered_at:
            return "queue_timeout"
        if call.transferred:
            return "transferred"
        if r.answered_at:
            return "answered"
        if r.queued_at:
            return "abandoned"
        return "ivr_hangup"

    def _settle(self, call: _Call) -> None:
        """Recompute what depends on everything seen: outcome, who ended it, durations."""
        r = call.record
        r.outcome = self._outcome(call)
        if call.channels & self._console_hangups:
            r.ended_by = "console"
        elif call.complete_reason in ("caller", "agent"):
            r.ended_by = call.complete_reason
        elif r.outcome == "queue_timeout":
            r.ended_by = "system"
        elif r.outcome in ("abandoned", "ivr_hangup"):
            r.ended_by = "caller"
        if r.ended_at and r.answered_at and r.talk_seconds is None:
            r.talk_seconds = max(0, round((r.ended_at - r.answered_at).total_seconds()))
        if r.ended_at and call.joined_at and r.wait_seconds is None and not r.answered_at:
            r.wait_seconds = max(0, round((r.ended_at - call.joined_at).total_seconds()))

    def _finish(self, call: _Call, at: datetime, cause: int | None, cause_text: str,
                out: list[Effect]) -> None:
        r = call.record
        r.ended_at = at
        if cause is not None:
            r.hangup_cause = cause
            r.hangup_cause_text = cause_text or None
        call.state = "ended"
        self._settle(call)
        key = r.uniqueid
        self.calls.pop(key, None)
        self._ended[key] = call
        while len(self._ended) > self._remember_ended:
            old_key, _ = self._ended.popitem(last=False)
            for alias in [a for a, k in self._aliases.items() if k == old_key]:
                del self._aliases[alias]
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
                self._publish_agent(agent, out)
                touched.update(agent.queues)
        self._emit_call(call, out)
        for name in sorted(touched):
            self._publish_queue(name, out)

    def _changed(self, call: _Call, out: list[Effect]) -> None:
        if call.state == "ended":
            self._settle(call)
        self._emit_call(call, out)

    # ------------------------------------------------------------------ handlers
    def _on_channel(self, e: ev.ChannelEvent, now: datetime, out: list[Effect]) -> None:
        name = e.name
        at = e.timestamp or now
        if name == "Newchannel":
            if e.uniqueid not in self.calls and e.uniqueid not in self._ended \
                    and self._is_hotline(e):
                call = self._open(e.uniqueid, e.linkedid, e.channel, at)
                created = call.record.started_at
                if created <= at < created + timedelta(seconds=1):
                    call.record.started_at = at  # the Uniqueid only holds whole seconds
                call.record.dialled_number = e.exten or None
                call.record.caller_number = _clean(e.caller_number)
                call.record.caller_name = _clean(e.caller_name)
                self._emit_call(call, out)
            return
        if name == "Hangup":
            call = self._lookup(e.uniqueid)
            if call is None:
                self.counters["hangup_unknown_channel"] += 1
            elif call.state != "ended":
                self._finish(call, at, e.cause, e.cause_text, out)
            return
        if name == "NewCallerid":
            call = self.calls.get(e.uniqueid)
            if call is not None:
                number, caller = _clean(e.caller_number), _clean(e.caller_name)
                if (number, caller) != (call.record.caller_number, call.record.caller_name):
                    call.record.caller_number, call.record.caller_name = number, caller
                    self._emit_call(call, out)
            return
        if name == "CoreShowChannel":
            self._on_show_channel(e, at, out)

    def _on_show_channel(self, e: ev.ChannelEvent, at: datetime, out: list[Effect]) -> None:
        key = self._aliases.get(e.uniqueid, e.uniqueid)
        if key not in self.calls and key not in self._ended and self._is_hotline(e):
            started = at - timedelta(seconds=e.duration or 0)
            call = self._open(e.uniqueid, e.linkedid, e.channel, started)
            call.record.caller_number = _clean(e.caller_number)
            call.record.caller_name = _clean(e.caller_name)
            self._emit_call(call, out)
        if self._resync is not None:
            self._resync.calls.add(key)
            # An agent leg keeps its call alive too (same Linkedid).
            for call_key, call in self.calls.items():
                if e.linkedid and call.record.linkedid == e.linkedid:
                    self._resync.calls.add(call_key)

    def _on_varset(self, e: ev.VarSet, now: datetime, out: list[Effect]) -> None:
        call = self._lookup(e.uniqueid)
        if call is None:
            return
        self._apply_ivr(call, e.variable, e.value)
        self._changed(call, out)

    def _apply_ivr(self, call: _Call, variable: str, value: str) -> None:
        r = call.record
        if variable == "IVR_CHOICE":
            r.ivr_choice = value or None
        elif variable == "IVR_QUEUE":
            if value and r.queue_name is None:
                r.queue_name = value
            spec = QUEUE_CATALOG.get(value)
            if spec is not None and spec.issue_area and r.issue_area is None:
                r.issue_area = str(spec.issue_area)
        elif variable == "IVR_LANGUAGE":
            r.ivr_language = value or None
        elif variable == "IVR_PRIORITY":
            r.priority = int(value) if value.lstrip("-").isdigit() else r.priority
        elif variable == "IVR_SILENT":
            r.silent = value.lower() in TRUE_WORDS
        elif variable == "IVR_ISSUE":
            r.issue_area = value or None
        elif variable == "QUEUESTATUS":
            call.queue_status = value
        elif variable == "IVR_CALLBACK":
            call.callback = value == "yes"

    def _on_user_event(self, e: ev.UserEvent, now: datetime, out: list[Effect]) -> None:
        if e.name.lower() not in ("ivr", "ivrchoice"):
            self.counters[f"userevent.{e.name}"] += 1
            return
        # The IVR names the call itself (CallId = the hotline channel's Uniqueid).
        call = self._lookup(e.uniqueid) or self._lookup(e.headers.get("CallId", ""))
        if call is None:
            return
        if e.headers.get("Callback") == "yes":
            call.callback = True
        for header, variable in (("Choice", "IVR_CHOICE"), ("Queue", "IVR_QUEUE"),
                                 ("Language", "IVR_LANGUAGE"), ("Priority", "IVR_PRIORITY"),
                                 ("Silent", "IVR_SILENT"), ("Issue", "IVR_ISSUE")):
            if header in e.headers:
                self._apply_ivr(call, variable, e.headers[header])
        self._changed(call, out)

    def _on_queue_caller(self, e: ev.QueueCallerEvent, now: datetime, out: list[Effect]) -> None:
        at = e.timestamp or now
        name = e.name
        call = self._lookup(e.uniqueid)
        if call is None and name in ("QueueCallerJoin", "QueueEntry"):
            # A call the bridge never saw start (it connected mid-call): adopt it.
            call = self._open(e.uniqueid, e.linkedid, e.channel, at)
            call.record.caller_number = _clean(e.caller_number)
            call.record.caller_name = _clean(e.caller_name)
        if call is None:
            self.counters[f"{name}.unknown_call"] += 1
            return
        r = call.record
        queue = self._queue(e.queue)
        if name == "QueueCallerJoin":
            if r.queued_at is not None and call.state != "ended":
                # Back in a queue after one already: moved (Redirect) or transferred.
                call.transferred = True
            r.queue_name = e.queue
            r.queued_at = r.queued_at or at
            call.joined_at = at
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
            if call.state in ("ivr", "queued"):
                call.state = "queued"
                queue.waiting[r.uniqueid] = Waiting(r.uniqueid, e.position, joined,
                                                    r.caller_number, e.priority)
            if self._resync is not None:
                self._resync.entries.add(r.uniqueid)
                self._resync.calls.add(r.uniqueid)
        elif name == "QueueCallerLeave":
            queue.waiting.pop(r.uniqueid, None)
        elif name == "QueueCallerAbandon":
            queue.waiting.pop(r.uniqueid, None)
            queue.abandoned += 1
            call.abandoned = True
            if e.hold_time is not None:
                r.wait_seconds = e.hold_time
        self._changed(call, out)
        self._publish_queue(e.queue, out)

    def _on_agent(self, e: ev.AgentEvent, now: datetime, out: list[Effect]) -> None:
        at = e.timestamp or now
        agent = self._agent(e.interface, e.member_name)
        agent.queues.setdefault(e.queue, Membership())
        agent.changed_at = at
        call = self._lookup(e.uniqueid)
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
            for other in self.agents.values():  # ringall: the others stop ringing
                if other.ringing_call == key:
                    other.ringing_call = None
            if call is not None:
                r = call.record
                if call.state != "ended":
                    agent.current_call = key
                    call.state = "talking"
                r.answered_at = r.answered_at or at
                r.agent_interface = e.interface
                r.agent_name = e.member_name or None
                r.queue_name = e.queue
                if e.hold_time is not None:
                    r.wait_seconds = e.hold_time
                if e.dest_channel:
                    call.channels.add(e.dest_channel)
                self._queue(e.queue).waiting.pop(key, None)
        elif name == "AgentComplete":
            if agent.current_call == key:
                agent.current_call = None
            if call is not None:
                if e.talk_time is not None:
                    call.record.talk_seconds = e.talk_time
                call.complete_reason = e.reason
                if e.reason == "transfer":
                    call.transferred = True
                if e.dest_channel:
                    call.channels.add(e.dest_channel)
        if call is not None:
            self._changed(call, out)
        self._publish_agent(agent, out)
        self._publish_queue(e.queue, out)

    def _on_member(self, e: ev.MemberEvent, now: datetime, out: list[Effect]) -> None:
        agent = self._agent(e.interface, e.member_name)
        agent.state_interface = e.state_interface or agent.state_interface
        agent.changed_at = e.timestamp or now
        if e.name == "QueueMemberRemoved":
            agent.queues.pop(e.queue, None)
        else:
            m = agent.queues.setdefault(e.queue, Membership())
            m.paused, m.paused_reason = e.paused, (e.paused_reason if e.paused else "")
            m.penalty, m.in_call, m.status = e.penalty, e.in_call, e.status
            m.membership, m.login_time = e.membership, e.login_time
            if self._resync is not None and e.name == "QueueMember":
                self._resync.members.add((e.interface, e.queue))
        self._queue(e.queue)
        self._publish_agent(agent, out)
        self._publish_queue(e.queue, out)

    def _on_queue_params(self, e: ev.QueueParams, now: datetime, out: list[Effect]) -> None:
        queue = self._queue(e.queue)
        queue.completed, queue.abandoned = e.completed, e.abandoned
        queue.hold_time, queue.talk_time = e.hold_time, e.talk_time
        queue.service_level_perf = e.service_level_perf
        self._publish_queue(e.queue, out)

    def _on_originate(self, e: ev.OriginateResponse, now: datetime, out: list[Effect]) -> None:
        key = self._originates.pop(e.action_id, None)
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
                self._aliases[e.uniqueid] = key
                r.linkedid = e.uniqueid
            if e.channel:
                r.channel = e.channel
                call.channels.add(e.channel)
            self._emit_call(call, out)
        else:
            cause, text = ORIGINATE_REASONS.get(e.reason, (None, f"reason {e.reason}"))
            self._finish(call, at, cause, text, out)


_HANDLERS = {
    ev.ChannelEvent: Tracker._on_channel,
    ev.VarSet: Tracker._on_varset,
    ev.UserEvent: Tracker._on_user_event,
    ev.QueueCallerEvent: Tracker._on_queue_caller,
    ev.AgentEvent: Tracker._on_agent,
    ev.MemberEvent: Tracker._on_member,
    ev.QueueParams: Tracker._on_queue_params,
    ev.OriginateResponse: Tracker._on_originate,
}
