"""The call controls the SIMULATED Asterisk answers, as the Asterisk 22 recordings do
(tests/fixtures/asterisk/pjsip/): BlindTransfer, Atxfer, CancelAtxfer, and the Setvar a warm
transfer to a colleague sends first; the conferences (Redirect into one, guests,
ConfbridgeKick) in `conferences.py`.

Replies and the first events are those recorded (a blind transfer: Unhold, BlindTransfer,
AgentComplete Reason transfer, the agent leg's Hangup); a blind transfer to a queue then
queues the caller again and connects a free member; what else follows in the dialplan
(the consultation's Local channels) is not played out.
`SimServer.atxfer_code` None answers Atxfer as an Asterisk without features.conf does.
"""

from __future__ import annotations

import time
from typing import Any

from callcenter.simulators.asterisk.conferences import Conferences

# asterisk_conf/extensions.conf: where a blind transfer to a queue lands.
QUEUE_CONTEXT = "hotline-queue"


class CallControls(Conferences):
    """Mixed into the simulated PBX (`pbx.PbxActions`), which has channels and emit."""

    channels: dict[str, dict[str, str]]
    members: dict[tuple[str, str], Any]
    engaged: dict[str, str]
    can_ring: Any
    atxfer_code: str | None = "*2"
    emit: Any
    _find_channel: Any

    def _track(self, h: dict[str, str]) -> None:
        """Also remember each answered queue call by the agent's leg: a transfer of that
        leg ends the agent's part with AgentComplete, as app_queue does."""
        super()._track(h)  # type: ignore[misc]
        connects = self.__dict__.setdefault("_connects", {})
        if h.get("Event") == "AgentConnect":
            connects[h.get("DestChannel", "")] = (dict(h), time.monotonic())
        elif h.get("Event") == "Hangup":
            connects.pop(h.get("Channel", ""), None)

    def _caller_of(self, uid: str) -> dict[str, str] | None:
        linked = self.channels[uid].get("Linkedid", "")
        return self.channels.get(linked) if linked != uid else None

    def _do_blindtransfer(self, session, msg, reply) -> None:
        uid = self._find_channel(msg.get("Channel"))
        if uid is None:
            reply("Error", Message="No such channel")
            return
        agent = self.channels[uid]
        reply(Message="Transfer succeeded")
        # Asterisk's order: a spurious Unhold on the transferer, then the BlindTransfer.
        self.emit({"Event": "Unhold", **agent})
        caller = self._caller_of(uid) or {}
        self.emit({"Event": "BlindTransfer", "Result": "Success",
                   **{f"Transferer{k}": v for k, v in agent.items()},
                   **{f"Transferee{k}": v for k, v in caller.items()},
                   "IsExternal": "Yes", "Context": msg.get("Context"),
                   "Extension": msg.get("Exten")})
        connected = self.__dict__.get("_connects", {}).get(agent["Channel"])
        if connected is not None:
            # At once, before the agent's leg hangs up: the agent is free from now on.
            headers, since = connected
            talk = round((time.monotonic() - since) * getattr(self, "speed", 1))
            self.emit({**{k: v for k, v in headers.items() if k not in ("Event", "RingTime")},
                       "Event": "AgentComplete", "TalkTime": str(talk), "Reason": "transfer"})
        self.emit({"Event": "Hangup", **agent, "Cause": "16", "Cause-txt": "Normal Clearing"})
        if caller and msg.get("Context") == QUEUE_CONTEXT:
            self._requeue(caller, str(msg.get("Exten")))

    def _requeue(self, caller: dict[str, str], queue: str) -> None:
        """What `hotline-queue,<queue>` does with a caller transferred there: they join
        the queue again and it rings a free member, who answers at once here. The call's
        scripted end still follows (the caller hangs up when the first script says)."""
        self.emit({"Event": "QueueCallerJoin", **caller, "Queue": queue, "Position": "1",
                   "Count": "1"})
        free = [(i, m) for (q, i), m in self.members.items()
                if q == queue and self.can_ring(q, i)]
        if not free:
            return  # waits: the demo's callers hang up on their own
        interface, member = free[0]
        seq = self.__dict__.setdefault("_transfer_seq", iter(range(0x9000, 0x10000)))
        n = next(seq)
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
        uid = self._find_channel(msg.get("Channel"))
        if uid is None:
            reply("Error", Message="No such channel")
            return
        if not self.atxfer_code:
            reply("Error", Message="No attended transfer feature code found")
            return
        reply(Message="Atxfer successfully queued")
        self.emit({"Event": "Hold", **self.channels[uid], "MusicClass": "default"})
        caller = self._caller_of(uid)
        if caller is not None:
            self.emit({"Event": "MusicOnHoldStart", **caller, "Class": "default"})

    def _do_cancelatxfer(self, session, msg, reply) -> None:
        uid = self._find_channel(msg.get("Channel"))
        if uid is None:
            reply("Error", Message="No such channel")
            return
        reply(Message="Sent cancel attended transfer")
        self.emit({"Event": "Unhold", **self.channels[uid]})
        caller = self._caller_of(uid)
        if caller is not None:
            self.emit({"Event": "MusicOnHoldStop", **caller})

    def _do_setvar(self, session, msg, reply) -> None:
        """A channel variable, as the warm transfer to a colleague sets it first."""
        if self._find_channel(msg.get("Channel")) is None:
            reply("Error", Message="No such channel")
            return
        variables = self.__dict__.setdefault("channel_variables", {})
        variables[(msg.get("Channel"), msg.get("Variable"))] = msg.get("Value", "")
        reply(Message="Variable Set")

    def _do_dbput(self, session, msg, reply) -> None:
        """Refused as Asterisk 22 refuses it to the deployed AMI user (DBPut needs the
        `system` write right, which manager.conf does not give)."""
        reply("Error", Message="Permission denied")
