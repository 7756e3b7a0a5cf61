"""Originated calls of the SIMULATED Asterisk: units' phones, voice alerts, call backs.

A unit's line answers, is busy or never answers (`roster.UNIT_LINES`, as recorded); an
answered voice alert runs the IVR's `dispatch` route over FastAGI; a call back puts the
called-back caller in the queue of the request.

Every call leaves through the telco trunk as on a real Asterisk (pjsip-outbound.ami): the
trunk leg's Newchannel is Down (`ChannelState: 0`), `Context: from-pstn` (the trunk
endpoint's), `Exten: s`; a leg originated directly (`PJSIP/<number>@trunk-telco`, a call
back) gets the Originate's variables as VarSets and a DialBegin with no `Channel`, whose
`DialString` holds the number; a `Local/<number>@rru` voice alert dials the trunk leg
from its `;2` half, the leg linked to the `;1` half.
"""

from __future__ import annotations

import time

from callcenter.simulators.asterisk import agi_channel
from callcenter.simulators.asterisk.call_events import Headers, SimCall, queue_steps
from callcenter.simulators.asterisk.conferences import room_of_exten
from callcenter.simulators.asterisk.traffic import Traffic


class UnitLines(Traffic):
    def _do_originate(self, session, msg, reply) -> None:
        target = msg.get("Channel").partition("/")[2].partition("@")[0]
        aid = msg.get("ActionID")
        if not msg.get("Channel").startswith(("Local/", "PJSIP/", "SIP/")):
            reply("Error", Message="Originate failed")
            return
        reply(Message="Originate successfully queued")
        if msg.get("Application") == "ChanSpy":
            self._spawn(self._chanspy(aid, msg))
            return
        line = self.lines.get(target, "answer")
        variables = dict(v.partition("=")[::2] for v in msg.get_all("Variable"))
        self._spawn(self._originate(aid, msg.get("Channel"), line, msg.get("Context"),
                                    variables, exten=msg.get("Exten") or ""))

    async def _originate(self, aid: str, dial: str, line: str, context: str = "",
                         variables: dict[str, str] | None = None, exten: str = "") -> None:
        seq = next(self._seq)
        uid = f"{int(time.time())}.{seq * 4 + 3}"
        number, _, where = dial.partition("/")[2].partition("@")
        direct = not dial.startswith("Local/")
        chan = f"PJSIP/{where}-{seq:08x}" if direct else f"{dial}-{seq:08x};1"
        base = {"Privilege": "call,all", "Channel": chan, "ChannelState": "0",
                "ChannelStateDesc": "Down", "CallerIDNum": "1300", "CallerIDName": "OSCC 1300",
                "Context": context or "rru", "Exten": number,
                "Priority": "1", "Uniqueid": uid, "Linkedid": uid}
        trunk_leg = self._trunk_leg(base, seq, number, direct, variables or {})
        if direct:
            base = trunk_leg
        else:
            self.emit({"Event": "Newchannel", **base})
            self._dial_trunk(trunk_leg, number, base)
        if line == "busy":
            await self._sleep(0.05)
            self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                       "Response": "Failure", "Channel": dial, "Reason": "5",
                       "Uniqueid": "<unknown>"})
            self._hang_up(base, trunk_leg, "17", "User busy")
            return
        if line == "noanswer":
            await self._sleep(10)
            self._hang_up(base, trunk_leg, "19", "User alerting, no answer")
            self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                       "Response": "Failure", "Channel": dial, "Reason": "3",
                       "Uniqueid": "<unknown>"})
            return
        await self._sleep(2)
        self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                   "Response": "Success", "Channel": chan, "Reason": "4", "Uniqueid": uid})
        answered = {**base, "Context": context or "rru", "Exten": "s",
                    "ChannelState": "6", "ChannelStateDesc": "Up", "CallerIDNum": "1300"}
        if context == "dispatch" and self.agi is not None:
            await self._dispatch_ivr(answered, variables or {})
        elif context == "callback":
            await self._callback_queue(answered, variables or {}, number)
            if not direct:
                self.emit({"Event": "Hangup", **trunk_leg, "Cause": "16",
                           "Cause-txt": "Normal Clearing"})
            return
        elif context == "conference":
            # A guest stays in the room until kicked or the room's last caller leaves.
            self.channels[uid] = {k: v for k, v in answered.items() if k != "Privilege"}
            self.conference_join(room_of_exten(exten), uid, exten)
            return
        else:
            await self._sleep(3)
        self._hang_up(base, trunk_leg, "16", "Normal Clearing")

    def _trunk_leg(self, base: Headers, seq: int, number: str, direct: bool,
                   variables: dict[str, str]) -> Headers:
        """The telco leg, created Down in the trunk's own context, as Asterisk does."""
        leg = {**base, "Channel": f"PJSIP/trunk-telco-{seq:08x}", "Context": "from-pstn",
               "Exten": "s", "CallerIDNum": "<unknown>", "CallerIDName": "<unknown>"}
        if not direct:
            # An originate's number (seq) is its own: its +1 and +2 ids are free.
            leg["Uniqueid"] = f"{base['Uniqueid'].partition('.')[0]}.{seq * 4 + 2}"
            return leg
        self.emit({"Event": "Newchannel", **leg})
        for name, value in reversed(list(variables.items())):
            self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **leg,
                       "Variable": name, "Value": value})
        leg = {**leg, "CallerIDNum": "1300", "CallerIDName": "1300"}
        self.emit({"Event": "NewCallerid", **leg})
        self.emit(_dial_begin(leg, f"{number}@trunk-telco"))
        return leg

    def _dial_trunk(self, leg: Headers, number: str, local1: Headers) -> None:
        """The voice alert's `;2` half (in `rru`) dials the unit through the trunk."""
        half2 = {**local1, "Channel": local1["Channel"][:-1] + "2", "ChannelState": "4",
                 "ChannelStateDesc": "Ring",
                 "Uniqueid": f"{local1['Uniqueid'].partition('.')[0]}.{_seq_of(leg) - 1}"}
        self.emit({"Event": "Newchannel", **half2})
        self.emit({"Event": "Newchannel", **leg})
        self.emit({**_dial_begin(leg, f"{number}@trunk-telco"), "Channel": half2["Channel"],
                   "Uniqueid": half2["Uniqueid"], "Linkedid": half2["Linkedid"]})

    def _hang_up(self, base: Headers, leg: Headers, cause: str, text: str) -> None:
        if leg["Uniqueid"] != base["Uniqueid"]:
            self.emit({"Event": "Hangup", **leg, "Cause": cause, "Cause-txt": text})
        self.emit({"Event": "Hangup", **base, "Cause": cause, "Cause-txt": text})

    async def _chanspy(self, aid: str, msg) -> None:
        """The supervisor's phone answers and spies on the named channel a while, as
        Asterisk 22 reports it: ChanSpyStart and ChanSpyStop with Spyer/Spyee snapshots
        (the Stop after the spied-on leg has gone carries no Spyee)."""
        seq = next(self._seq)
        uid = msg.get("ChannelId") or f"{int(time.time())}.{seq * 4 + 3}"
        spyer = {"Channel": f"{msg.get('Channel')}-{seq:08x}", "ChannelState": "6",
                 "ChannelStateDesc": "Up", "CallerIDNum": "1300", "CallerIDName": "Supervisor",
                 "ConnectedLineNum": "<unknown>", "ConnectedLineName": "<unknown>",
                 "Language": "th", "AccountCode": "", "Context": "", "Exten": "",
                 "Priority": "1", "Uniqueid": uid, "Linkedid": uid}
        target = msg.get("Data").partition(",")[0]
        spyee = {**spyer, "Channel": target, "CallerIDName": "<unknown>",
                 "Context": "from-internal", "Exten": "s", "Uniqueid": "", "Linkedid": ""}
        await self._sleep(0.5)
        self.emit({"Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                   "Response": "Success", "Channel": spyer["Channel"], "Reason": "4",
                   "Uniqueid": uid})
        prefixed = {f"Spyer{k}": v for k, v in spyer.items()}
        self.emit({"Event": "ChanSpyStart", "Privilege": "call,all", **prefixed,
                   **{f"Spyee{k}": v for k, v in spyee.items()}})
        await self._sleep(3)
        self.emit({"Event": "ChanSpyStop", "Privilege": "call,all", **prefixed})

    async def _dispatch_ivr(self, chan: Headers, variables: dict[str, str]) -> None:
        """The unit's answered leg runs AGI(…/dispatch,<id>): the unit presses 1."""
        assert self.agi is not None
        dispatch_id = variables.get("DISPATCH_ID", "")
        channel = agi_channel.SimulatedChannel(
            keys=["1"], channel_vars={k: v for k, v in variables.items() if v},
            listener=self._ami_listener(chan))
        env = agi_channel.environment("dispatch", uniqueid=chan["Uniqueid"], callerid="1300",
                                        context="dispatch", extension="s",
                                        args=(dispatch_id,), channel=chan["Channel"])
        await self._run_agi(channel, env)
        self.emit({"Event": "UserEvent", "Privilege": "user,all", **chan,
                   "UserEvent": "DispatchAck", "DispatchId": dispatch_id,
                   "Unit": variables.get("RRU_UNIT", ""),
                   "Ack": channel.variables.get("DISPATCH_ACK") or "none"})

    async def _callback_queue(self, chan: Headers, variables: dict[str, str],
                              number: str) -> None:
        """The called-back caller goes through [callback] into the request's queue."""
        for name in ("IVR_LANGUAGE", "IVR_ISSUE", "IVR_PRIORITY", "IVR_SILENT"):
            if name in variables:
                self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                           "Variable": name, "Value": variables[name]})
        queue = variables.get("CALLBACK_QUEUE") or "operator"
        self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                   "Variable": "IVR_QUEUE", "Value": queue})
        call = self.new_call(queue=queue, caller=number, talk=6.0, wait=2.0)
        # The queue events carry the originated channel's own Uniqueid.
        steps = [(at, {**h, **_same_call(h, call, chan)}) for at, h in queue_steps(call)]
        await self._play_steps(steps)


def _seq_of(headers: Headers) -> int:
    return int(headers["Uniqueid"].partition(".")[2])


def _dial_begin(leg: Headers, dial_string: str) -> Headers:
    """DialBegin of a trunk leg: only `Dest*` headers, the number in `DialString`."""
    dest = {f"Dest{k}": v for k, v in leg.items() if k not in ("Privilege",)}
    return {"Event": "DialBegin", "Privilege": "call,all", **dest, "DialString": dial_string}


def _same_call(headers: Headers, call: SimCall, chan: Headers) -> Headers:
    """Give a queue step of a simulated call the identity of an originated channel."""
    if headers.get("Uniqueid") != call.uniqueid:
        return {}
    return {"Channel": chan["Channel"], "Uniqueid": chan["Uniqueid"],
            "Linkedid": chan["Linkedid"]}


