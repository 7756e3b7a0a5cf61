"""The call controls the SIMULATED Asterisk answers, as the Asterisk 22 recordings do
(tests/fixtures/asterisk/pjsip/): BlindTransfer, Atxfer, CancelAtxfer, and the Setvar a warm
transfer to a colleague sends first; the conferences (Redirect into one, guests,
ConfbridgeKick) in `conferences.py`; the events' shapes in `transfer_events.py`.

Played out as the hotline's dialplan goes on (asterisk_conf/extensions.conf):

- a blind transfer: Unhold, BlindTransfer, AgentComplete Reason transfer, the agent leg's
  Hangup; then to a queue (`hotline-queue`) the caller queues again and a free member
  answers, to an agent (`agent-phones`) that agent's phone rings and answers;
- an attended transfer (Atxfer): the agent on Hold and the caller on music, the
  consultation's Local pair dials the target through `warm-transfer` (a colleague by
  `8<staff id>` and the `HOTLINE_STAFF_<id>` variable the bridge set on the agent's leg,
  or a number through the trunk), the phone rings and answers;
  the agent hanging up completes it (AttendedTransfer, AgentComplete Reason transfer, the
  target joins the caller), CancelAtxfer ends the consultation and brings the caller back.

Simulated phones answer after `RING_SECONDS`, as the demo's floor does. A target that is
on a call is BUSY, one Asterisk would not find CHANUNAVAIL: the agent is back with the
caller. `SimServer.atxfer_code` None answers Atxfer as an Asterisk without features.conf.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from callcenter.simulators.asterisk import transfer_events as te
from callcenter.simulators.asterisk.call_events import Headers
from callcenter.simulators.asterisk.conferences import Conferences

# asterisk_conf/extensions.conf: where transfers land.
QUEUE_CONTEXT = "hotline-queue"
AGENT_CONTEXT = "agent-phones"
WARM_CONTEXT = "warm-transfer"
STAFF_PREFIX, STAFF_VARIABLE = "8", "HOTLINE_STAFF_"
TRUNK = "trunk-telco"
RING_SECONDS = 2.0  # a simulated phone answers after ringing this long
OPTIMISE_SECONDS = 0.45  # the Local pair optimises away after the transfer (recorded)


@dataclass
class Consultation:
    """An Atxfer going on: the agent's leg, the caller, the Local pair and the target."""

    agent: Headers
    caller: Headers
    call_bridge: str
    one: Headers
    two: Headers
    bridge: str = field(default_factory=lambda: str(uuid.uuid4()))
    target_bridge: str = field(default_factory=lambda: str(uuid.uuid4()))
    target: Headers | None = None  # the rung phone's or trunk's leg
    interface: str | None = None  # a rung agent's phone
    answered: bool = False
    ringing: asyncio.Task[Any] | None = None


class CallControls(Conferences):
    """Mixed into the simulated PBX (`pbx.PbxActions`), which has channels and emit."""

    channels: dict[str, dict[str, str]]
    members: dict[tuple[str, str], Any]
    engaged: dict[str, str]
    can_ring: Any
    device_known: Any
    member_status: Any
    release: Any
    speed: float
    atxfer_code: str | None = "*2"
    _find_channel: Any
    _spawn: Any
    _sleep: Any

    def _state(self, name: str, default: Any) -> Any:
        return self.__dict__.setdefault(name, default)

    def _next(self) -> int:
        return next(self._state("_transfer_seq", itertools.count(0x9000)))

    def _consultations(self) -> dict[str, Consultation]:
        """By the transferring agent's channel."""
        return self._state("_consulting", {})

    def _handed(self) -> dict[str, tuple[str, Headers, str | None]]:
        """The call's Linkedid → its carrier's Uniqueid, the leg and the phone it was
        handed to, until one of them hangs up."""
        return self._state("_handed_to", {})

    def _track(self, h: dict[str, str]) -> None:
        """Also remember each answered queue call by the agent's leg: a transfer of that
        leg ends the agent's part with AgentComplete, as app_queue does. A caller who
        hangs up after a transfer takes the target's leg with them."""
        super()._track(h)  # type: ignore[misc]
        connects = self._state("_connects", {})
        if h.get("Event") == "AgentConnect":
            connects[h.get("DestChannel", "")] = (dict(h), time.monotonic())
        elif h.get("Event") == "Hangup":
            connects.pop(h.get("Channel", ""), None)
            handed = self._handed().get(h.get("Linkedid", ""))
            if handed is None:
                return
            carrier, leg, interface = handed
            if h.get("Uniqueid") in (carrier, leg["Uniqueid"]):
                del self._handed()[h["Linkedid"]]
                # Sent before the caller's own Hangup, as the recording has it.
                self._target_gone(leg, interface)

    def emit(self, headers: Headers) -> None:
        """A scripted call's own end names an agent whose part a transfer already ended:
        app_queue says nothing more of that agent."""
        if headers.get("Event") == "AgentComplete" \
                and headers.get("DestUniqueid", "") in self._state("_completed", set()):
            return
        super().emit(headers)  # type: ignore[misc]

    def _leg(self, name: str | None) -> Headers | None:
        """The headers of an agent's leg: a channel announced, or a scripted call's agent
        leg (only named in AgentConnect)."""
        uid = self._any_channel(name or "")
        return None if uid is None else self._headers(uid)

    def _caller_of_leg(self, leg: Headers) -> Headers | None:
        """The channel that carries the call: of the leg's Linkedid, neither an agent's
        leg nor a Local half, but the simulated trunk's `;2` half (its `;1` is the telco's
        side) or the trunk channel itself."""
        linked = leg.get("Linkedid", "")
        for h in self.channels.values():
            name = h.get("Channel", "")
            if h.get("Linkedid") != linked or h.get("Uniqueid") == leg.get("Uniqueid") \
                    or h.get("Context") == AGENT_CONTEXT:
                continue
            if not name.startswith("Local/") or ("@from-pstn-" in name and name.endswith(";2")):
                return h
        return None

    def _caller_now(self, caller: Headers) -> Headers:
        return te.up({**caller, "CallerIDName": caller.get("CallerIDName", "<unknown>")})

    def _agent_complete(self, agent: Headers) -> str | None:
        """AgentComplete Reason transfer for the queue call of this leg; the member's
        interface (None: no queue rang this leg)."""
        connected = self._state("_connects", {}).get(agent["Channel"])
        if connected is None:
            return None
        headers, since = connected
        talk = round((time.monotonic() - since) * getattr(self, "speed", 1))
        self.emit({**{k: v for k, v in headers.items() if k not in ("Event", "RingTime")},
                   "Event": "AgentComplete", "TalkTime": str(talk), "Reason": "transfer"})
        self._state("_completed", set()).add(headers.get("DestUniqueid", ""))
        return headers.get("Interface")

    def _agent_gone(self, agent: Headers, interface: str | None) -> None:
        """The transferring agent's leg hangs up and their phone is free again."""
        self.emit(te.hangup(agent))
        if interface is not None:
            self.emit({"Event": "DeviceStateChange", "Privilege": "call,all",
                       "Device": interface, "State": "NOT_INUSE"})

    def _member_free(self, interface: str | None) -> None:
        if interface is not None:
            self.member_status(interface, status=1, in_call=False)

    def _do_blindtransfer(self, session, msg, reply) -> None:
        agent = self._leg(msg.get("Channel"))
        if agent is None:
            reply("Error", Message="No such channel")
            return
        reply(Message="Transfer succeeded")
        # Asterisk's order: a spurious Unhold on the transferer, then the BlindTransfer.
        self.emit({"Event": "Unhold", **agent})
        caller = self._caller_of_leg(agent) or {}
        self.emit({"Event": "BlindTransfer", "Result": "Success",
                   **{f"Transferer{k}": v for k, v in agent.items()},
                   **{f"Transferee{k}": v for k, v in caller.items()},
                   "IsExternal": "Yes", "Context": msg.get("Context"),
                   "Extension": msg.get("Exten")})
        # At once, before the agent's leg hangs up: the agent is free from now on.
        interface = self._agent_complete(agent)
        self._agent_gone(agent, interface)
        if caller and msg.get("Context") == QUEUE_CONTEXT:
            # app_queue says the member is free once the caller has queued again.
            self._requeue(caller, str(msg.get("Exten")), before=lambda: self._member_free(
                interface))
            return
        self._member_free(interface)
        if not caller:
            return
        if msg.get("Context") == AGENT_CONTEXT:
            # `_age[n]t.` / `_sup.`: Dial(PJSIP/${EXTEN},30) from the caller's channel.
            self._spawn(self._dial_phone(caller, str(msg.get("Exten"))))

    async def _dial_phone(self, caller: Headers, endpoint: str) -> None:
        interface = f"PJSIP/{endpoint}"
        leg = self._new_leg(endpoint, caller["Linkedid"], exten="s",
                            number=caller.get("CallerIDNum", "<unknown>"))
        status = self._ring(caller, leg, interface, endpoint)
        if status != "RINGING":
            return
        await self._sleep(RING_SECONDS)
        if self._find_channel(leg["Channel"]) is None or caller["Uniqueid"] not in self.channels:
            return
        self.emit(te.event("Newstate", te.snapshot(te.up(leg))))
        self.emit(te.dial_end(self._caller_now(caller), te.up(leg), "ANSWER"))
        call_bridge = str(uuid.uuid4())
        self.emit(te.event("BridgeEnter", te.bridge(call_bridge, 1), te.snapshot(te.up(leg))))
        self.emit(te.event("BridgeEnter", te.bridge(call_bridge, 2),
                           te.snapshot(self._caller_now(caller))))
        self._handed()[caller["Linkedid"]] = (caller["Uniqueid"], te.up(leg), interface)

    def _new_leg(self, endpoint: str, linkedid: str, *, exten: str, number: str,
                 trunk: bool = False) -> Headers:
        n = self._next()
        name = f"PJSIP/{TRUNK if trunk else endpoint}-{n:08x}"
        leg = te.channel(name, f"{int(time.time())}.{n}", linkedid,
                         context="from-pstn" if trunk else AGENT_CONTEXT,
                         exten="s" if trunk else exten, number=number)
        self.emit(te.event("Newchannel", leg))
        return leg

    def _ring(self, dialler: Headers, leg: Headers, interface: str | None,
              dial_string: str) -> str:
        """DialBegin and the phone ringing, or why it cannot: RINGING, BUSY, CHANUNAVAIL."""
        dest = {**leg, "Exten": dialler.get("Exten", leg["Exten"])}
        self.emit(te.dial_begin(dialler, dest, dial_string))
        if interface is not None and not self.device_known(interface):
            status = "CHANUNAVAIL"
        elif interface is not None and interface in self.engaged:
            status = "BUSY"  # ringinuse = no: one call at a time
        else:
            status = "RINGING"
        if status != "RINGING":
            self.emit(te.dial_end(dialler, dest, status))
            self.emit(te.hangup(leg, "17" if status == "BUSY" else "20",
                                "User busy" if status == "BUSY" else "Subscriber absent"))
            return status
        self.emit(te.event("Newstate", te.snapshot(leg, ChannelState="5")))
        if interface is not None:
            self.engaged[interface] = leg["Uniqueid"]
            self.emit({"Event": "DeviceStateChange", "Privilege": "call,all",
                       "Device": interface, "State": "BUSY"})
            # A member rung by something other than a queue is busy in all its queues.
            self.member_status(interface, status=3, in_call=False)
        return status

    def _target_gone(self, leg: Headers, interface: str | None) -> None:
        if self._find_channel(leg["Channel"]) is not None:
            self.emit(te.hangup(leg))
        if interface is not None:
            self.release(interface)
            self.member_status(interface, status=1, in_call=False)
            self.emit({"Event": "DeviceStateChange", "Privilege": "call,all",
                       "Device": interface, "State": "NOT_INUSE"})

    def _requeue(self, caller: dict[str, str], queue: str, before: Any = None) -> None:
        """What `hotline-queue,<queue>` does with a caller transferred there: they join
        the queue again and it rings a free member, who answers at once here. The call's
        scripted end still follows (the caller hangs up when the first script says)."""
        self.emit({"Event": "QueueCallerJoin", **caller, "Queue": queue, "Position": "1",
                   "Count": "1"})
        if before is not None:
            before()
        free = [(i, m) for (q, i), m in self.members.items()
                if q == queue and self.can_ring(q, i)]
        if not free:
            return  # waits: the demo's callers hang up on their own
        interface, member = free[0]
        n = self._next()
        leg = {"Channel": member.agent.leg(n), "Uniqueid": f"{int(time.time())}.{n}",
               "Linkedid": caller.get("Linkedid", caller.get("Uniqueid", "")),
               "Context": "agent-phones", "Exten": "s", "ChannelState": "6",
               "ChannelStateDesc": "Up"}
        self.engaged[interface] = caller.get("Uniqueid", "")
        self.emit({"Event": "Newchannel", **leg})
        dest = {f"Dest{k}": v for k, v in leg.items()}
        member_of = {"Queue": queue, "Interface": interface, "MemberName": member.agent.name}
        self.emit({"Event": "AgentCalled", **caller, **dest, **member_of})
        self.emit({"Event": "QueueCallerLeave", **caller, "Queue": queue, "Count": "0",
                   "Position": "1"})
        self.emit({"Event": "AgentConnect", **caller, **dest, **member_of, "HoldTime": "0",
                   "RingTime": "1"})

    def _do_atxfer(self, session, msg, reply) -> None:
        agent = self._leg(msg.get("Channel"))
        if agent is None:
            reply("Error", Message="No such channel")
            return
        if not self.atxfer_code:
            reply("Error", Message="No attended transfer feature code found")
            return
        reply(Message="Atxfer successfully queued")
        agent = te.up(agent)
        context, exten = str(msg.get("Context") or WARM_CONTEXT), str(msg.get("Exten"))
        self.emit(te.event("VarSet", te.snapshot(agent), Variable="TRANSFER_CONTEXT",
                           Value=context))
        self.emit({"Event": "Hold", **agent, "MusicClass": "default"})
        caller = self._caller_of_leg(agent)
        if caller is None:
            return
        self.emit({"Event": "MusicOnHoldStart", **self._caller_now(caller), "Class": "default"})
        n, linked = self._next(), agent["Linkedid"]
        name = f"Local/{exten}@{context}-{n:08x}"
        stamp = int(time.time())
        one = te.channel(f"{name};1", f"{stamp}.{n}", linked, context=context, exten=exten)
        two = te.channel(f"{name};2", f"{stamp}.{self._next()}", linked, context=context,
                         exten=exten, state="Ring", number="1300")
        consult = Consultation(agent, caller, self._state("_call_bridges", {}).setdefault(
            linked, str(uuid.uuid4())), one, two)
        self._consultations()[agent["Channel"]] = consult
        consult.ringing = self._spawn(self._consult(consult, context, exten))

    async def _consult(self, c: Consultation, context: str, exten: str) -> None:
        """The feature code and digits take a moment; then the Local pair dials."""
        await self._sleep(0.2)
        self.emit(te.event("Newchannel", c.one))
        self.emit(te.event("Newchannel", c.two))
        self.emit(te.event("BridgeCreate", te.bridge(c.bridge, 0)))
        self.emit(te.local_bridge(c.one, c.two))
        self.emit(te.event("BridgeEnter", te.bridge(c.bridge, 1), te.snapshot(c.one)))
        endpoint, interface, trunk = self._warm_target(c.agent["Channel"], context, exten)
        if endpoint is None:
            self._consultation_over(c)  # `gone`: nobody to dial, back with the caller
            return
        c.target = self._new_leg(endpoint, c.agent["Linkedid"], exten=exten, number=exten,
                                 trunk=trunk)
        self.emit(te.event("BridgeLeave", te.bridge(c.call_bridge, 1),
                           te.snapshot(c.agent)))
        self.emit(te.event("BridgeEnter", te.bridge(c.bridge, 2), te.snapshot(c.agent)))
        c.interface = interface
        if self._ring(c.two, c.target, interface,
                      f"{exten}@{TRUNK}" if trunk else endpoint) != "RINGING":
            c.target, c.interface = None, None
            self._consultation_over(c)
            return
        await self._sleep(RING_SECONDS)
        c.target = te.up(c.target)
        self.emit(te.event("Newstate", te.snapshot(c.target)))
        self.emit(te.dial_end(c.two, c.target, "ANSWER"))
        c.two = te.up(c.two)
        self.emit(te.event("Newstate", te.snapshot(c.two)))
        self.emit(te.event("BridgeCreate", te.bridge(c.target_bridge, 0)))
        c.one = te.up(c.one)
        self.emit(te.event("Newstate", te.snapshot(c.one)))
        self.emit(te.dial_end(None, c.one, "ANSWER"))
        self.emit(te.event("BridgeEnter", te.bridge(c.target_bridge, 1),
                           te.snapshot(c.target)))
        self.emit(te.event("BridgeEnter", te.bridge(c.target_bridge, 2), te.snapshot(c.two)))
        c.answered = True

    def _warm_target(self, agent_channel: str, context: str,
                     exten: str) -> tuple[str | None, str | None, bool]:
        """What `warm-transfer,<exten>` dials: (endpoint, agent interface, by the trunk).
        A colleague is `8<id>`, whose endpoint the bridge set on the agent's leg as
        `_HOTLINE_STAFF_<id>` (inherited by the consultation's Local channel)."""
        if context == WARM_CONTEXT and exten.startswith(STAFF_PREFIX) and len(exten) == 6:
            variables = self._state("channel_variables", {})
            endpoint = variables.get((agent_channel, f"_{STAFF_VARIABLE}{exten[1:]}")) \
                or variables.get((agent_channel, f"{STAFF_VARIABLE}{exten[1:]}"))
            return (endpoint, f"PJSIP/{endpoint}", False) if endpoint else (None, None, False)
        return exten, None, True  # a service or an outside number: the trunk answers

    def _consultation_over(self, c: Consultation) -> None:
        """Cancelled, or the target never answered: the Local pair and the target's leg
        hang up, the agent is back in the caller's bridge and the music stops."""
        self._consultations().pop(c.agent["Channel"], None)
        if c.ringing is not None and not c.ringing.done() \
                and c.ringing is not asyncio.current_task():
            c.ringing.cancel()
        if c.target is not None:
            self.emit(te.event("BridgeLeave", te.bridge(c.target_bridge, 1),
                               te.snapshot(c.target)))
            self._target_gone(c.target, c.interface)
        if self._find_channel(c.two["Channel"]) is not None:
            self.emit(te.hangup(c.two))
            self.emit(te.event("BridgeLeave", te.bridge(c.bridge, 1), te.snapshot(c.one)))
            self.emit(te.hangup(c.one))
            self.emit(te.event("BridgeLeave", te.bridge(c.bridge, 0), te.snapshot(c.agent)))
            self.emit(te.event("BridgeEnter", te.bridge(c.call_bridge, 2),
                               te.snapshot(c.agent)))
        self.emit({"Event": "Unhold", **c.agent})
        self.emit({"Event": "MusicOnHoldStop", **self._caller_now(c.caller)})

    def _do_cancelatxfer(self, session, msg, reply) -> None:
        agent = self._leg(msg.get("Channel"))
        if agent is None:
            reply("Error", Message="No such channel")
            return
        reply(Message="Sent cancel attended transfer")
        c = self._consultations().get(agent["Channel"])
        if c is None:
            self.emit({"Event": "Unhold", **agent})
            caller = self._caller_of_leg(agent)
            if caller is not None:
                self.emit({"Event": "MusicOnHoldStop", **caller})
            return
        self._consultation_over(c)

    def complete_consultation(self, channel: str) -> bool:
        """The transferring agent hung up during a consultation (atxfercomplete, or the
        phone's BYE): the caller goes to the target. False when none is going on."""
        c = self._consultations().pop(channel, None)
        if c is None:
            return False
        if not c.answered:
            # Asterisk would let it ring on (a "blonde" transfer); here the agent simply
            # goes back, as with CancelAtxfer, and hangs up the call as asked.
            self._consultation_over(c)
            return False
        agent, caller = c.agent, self._caller_now(c.caller)
        self.emit(te.event("HangupRequest", te.snapshot(agent)))
        self.emit(te.event("BridgeMerge", te.bridge(c.call_bridge, 1, "To"),
                           te.bridge(c.bridge, 2, "From")))
        self.emit(te.event("BridgeLeave", te.bridge(c.bridge, 1), te.snapshot(c.one)))
        self.emit({"Event": "MusicOnHoldStop", **caller})
        self.emit(te.event("BridgeEnter", te.bridge(c.call_bridge, 2), te.snapshot(c.one)))
        self.emit(te.event("BridgeLeave", te.bridge(c.bridge, 0), te.snapshot(agent)))
        self.emit(te.attended_transfer(agent=agent, call_bridge=c.call_bridge,
                                       consult_bridge=c.bridge, caller=caller,
                                       target=c.one))
        interface = self._agent_complete(agent)
        self.emit(te.event("BridgeDestroy", te.bridge(c.bridge, 0)))
        self._agent_gone(agent, interface)
        self._member_free(interface)
        assert c.target is not None
        self._handed()[agent["Linkedid"]] = (c.caller["Uniqueid"], c.target, c.interface)
        self._spawn(self._optimise(c))
        return True

    async def _optimise(self, c: Consultation) -> None:
        """The Local pair steps out: the target's own leg joins the caller's bridge."""
        await self._sleep(OPTIMISE_SECONDS)
        assert c.target is not None
        if self._find_channel(c.target["Channel"]) is None:
            return
        self.emit(te.local_optimization("LocalOptimizationBegin", c.one, c.two, c.target))
        self.emit(te.event("BridgeLeave", te.bridge(c.target_bridge, 1),
                           te.snapshot(c.target)))
        self.emit(te.event("BridgeLeave", te.bridge(c.call_bridge, 1), te.snapshot(c.one)))
        self.emit(te.event("BridgeEnter", te.bridge(c.call_bridge, 2), te.snapshot(c.target)))
        self.emit(te.local_optimization("LocalOptimizationEnd", c.one, c.two, c.target))
        self.emit(te.event("BridgeLeave", te.bridge(c.target_bridge, 0), te.snapshot(c.two)))
        self.emit(te.event("BridgeDestroy", te.bridge(c.target_bridge, 0)))
        self.emit(te.event("SoftHangupRequest", te.snapshot(c.two), Cause="16"))
        self.emit(te.event("HangupRequest", te.snapshot(c.one)))
        self.emit(te.hangup(c.two))
        self.emit(te.hangup(c.one))

    def _do_setvar(self, session, msg, reply) -> None:
        """A channel variable, as the warm transfer to a colleague sets it first."""
        if self._leg(msg.get("Channel")) is None:
            reply("Error", Message="No such channel")
            return
        variables = self._state("channel_variables", {})
        variables[(msg.get("Channel"), msg.get("Variable"))] = msg.get("Value", "")
        reply(Message="Variable Set")

    def _do_dbput(self, session, msg, reply) -> None:
        """Refused as Asterisk 22 refuses it to the deployed AMI user (DBPut needs the
        `system` write right, which manager.conf does not give)."""
        reply("Error", Message="Permission denied")
