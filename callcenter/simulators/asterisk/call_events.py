"""Event sequences of simulated 1300 calls, in the shapes recorded from Asterisk 22.

Pure: each function returns `(seconds after the call starts, headers)` pairs. The
shapes follow the recordings (see docs/ami.md): the hotline channel is the `;2` half of
`Local/1300@from-pstn-…`, and every call carries the noise a real one does (Newexten,
VarSet, DeviceStateChange, Cdr, …). A member is a PJSIP phone (`PJSIP/agent1`, as the
console signs agents in; its leg `PJSIP/agent1-…`) or a recorded Local member
(`Local/agent1@agents/n`, its leg `Local/agent1@agents-…;1`).
"""

from __future__ import annotations

from dataclasses import dataclass

Headers = dict[str, str]
Step = tuple[float, Headers]

# Queue → (members, IVR key) as in the recorded PBX.
QUEUE_KEYS = {"violence": "1", "trafficking": "2", "pregnancy": "3", "welfare": "4",
              "operator": "0"}


@dataclass(frozen=True)
class SimAgent:
    interface: str  # PJSIP/agent1, or the recordings' Local/agent1@agents/n
    name: str  # MemberName: the console signs agents in under their login
    # The queues of the agent's skills, best first (the penalty is the position), for
    # members the PBX already has when it starts: astdb keeps dynamic members
    # (`persistentmembers = yes`) and the recordings' queues.conf had static ones.
    skills: tuple[str, ...] = ()
    dynamic: bool = False

    @property
    def is_pjsip(self) -> bool:
        return self.interface.startswith("PJSIP/")

    @property
    def state_interface(self) -> str:
        return self.interface.removesuffix("/n")

    @property
    def peer(self) -> str:
        return self.interface.split("/")[1]  # agent1@agents, or agent1

    def leg(self, seq: int) -> str:
        """The channel the queue dials to ring this member."""
        if self.is_pjsip:
            return f"{self.interface}-{seq:08x}"
        return f"Local/{self.peer}-{seq:08x};1"

    @property
    def busy_status(self) -> int:
        """The member's device state while rung and talking: a PJSIP phone with
        `device_state_busy_at = 1` is BUSY (3), a Local member INUSE (2)."""
        return 3 if self.is_pjsip else 2

    @property
    def busy_device(self) -> str:
        return "BUSY" if self.is_pjsip else "INUSE"


@dataclass(frozen=True)
class SimCall:
    seq: int  # channel number: makes channel names and Uniqueids unique
    epoch: int
    caller: str
    queue: str
    shape: str  # answered | abandoned | queue_timeout | ivr_hangup | agent_hangup
    agent: SimAgent | None = None
    talk: float = 6.0
    wait: float = 2.0

    @property
    def linkedid(self) -> str:
        return f"{self.epoch}.{self.seq * 4}"

    @property
    def uniqueid(self) -> str:
        return f"{self.epoch}.{self.seq * 4 + 1}"

    @property
    def channel(self) -> str:
        return f"Local/1300@from-pstn-{self.seq:08x};2"


def _chan(call: SimCall, half: int, context: str, exten: str, state: str,
          number: str | None = None) -> Headers:
    uid = call.linkedid if half == 1 else call.uniqueid
    num = number if number is not None else call.caller
    states = {"Down": "0", "Ring": "4", "Up": "6"}
    return {
        "Channel": f"Local/1300@from-pstn-{call.seq:08x};{half}",
        "ChannelState": states[state], "ChannelStateDesc": state,
        "CallerIDNum": num, "CallerIDName": "<unknown>",
        "ConnectedLineNum": num, "ConnectedLineName": "<unknown>",
        "Language": "en", "AccountCode": "", "Context": context, "Exten": exten,
        "Priority": "1", "Uniqueid": uid, "Linkedid": call.linkedid,
    }


def _agent_leg(call: SimCall, agent: SimAgent, state: str) -> Headers:
    states = {"Down": "0", "Up": "6"}
    # A PJSIP phone's leg runs the endpoint's context (asterisk_conf: agent-phones, s).
    context, exten = ("agent-phones", "s") if agent.is_pjsip else ("agents", call.queue)
    return {
        "DestChannel": agent.leg(call.seq),
        "DestChannelState": states[state], "DestChannelStateDesc": state,
        "DestCallerIDNum": call.caller, "DestCallerIDName": "<unknown>",
        "DestConnectedLineNum": call.caller, "DestConnectedLineName": "<unknown>",
        "DestLanguage": "en", "DestAccountCode": "", "DestContext": context,
        "DestExten": exten, "DestPriority": "1",
        "DestUniqueid": f"{call.epoch}.{call.seq * 4 + 2}", "DestLinkedid": call.linkedid,
        "Queue": call.queue, "Interface": agent.interface, "MemberName": agent.name,
    }


def member_headers(queue: str, agent: SimAgent, *, status: int = 1, paused: bool = False,
                   reason: str = "", in_call: bool = False, dynamic: bool = False,
                   login_time: int = 0, penalty: int = 0, last_pause: int = 0) -> Headers:
    return {
        "Queue": queue, "MemberName": agent.name, "Interface": agent.interface,
        "StateInterface": agent.state_interface,
        "Membership": "dynamic" if dynamic else "static", "Penalty": str(penalty),
        "CallsTaken": "0", "LastCall": "0", "LastPause": str(last_pause),
        "LoginTime": str(login_time),
        "InCall": "1" if in_call else "0", "Status": str(status),
        "Paused": "1" if paused else "0", "PausedReason": reason if paused else "",
        "Ringinuse": "0", "Wrapuptime": "0",
    }


def _adder(ev: list[Step], offset: float = 0.0):
    def add(at: float, name: str, base: Headers, **extra: str) -> None:
        ev.append((offset + at, {"Event": name, "Privilege": "call,all", **base, **extra}))
    return add


def hotline_channel(call: SimCall, context: str = "from-pstn", exten: str = "1300") -> Headers:
    """The `;2` hotline channel once answered: the headers its events carry."""
    return _chan(call, 2, context, exten, "Up")


def arrival_steps(call: SimCall) -> list[Step]:
    """From the telco's call to the dialplan starting the IVR's AGI (0.2 s)."""
    ev: list[Step] = []
    add = _adder(ev)
    c1 = _chan(call, 1, "from-pstn", "1300", "Down", "<unknown>")
    c2 = _chan(call, 2, "from-pstn", "1300", "Ring", "<unknown>")
    add(0.0, "Newchannel", c1)
    add(0.0, "Newchannel", c2)
    c2 = _chan(call, 2, "from-pstn", "1300", "Ring")
    add(0.0, "NewCallerid", c2, **{"CID-CallingPres": "0 (Presentation Allowed, Not Screened)"})
    up = hotline_channel(call)
    add(0.1, "Newstate", up)
    add(0.1, "VarSet", up, Variable="__HOTLINE_CALL_ID", Value=call.uniqueid)
    add(0.2, "Newexten", up, Extension="1300", Application="AGI",
        AppData="agi://127.0.0.1:4573/ivr,1300")
    add(0.2, "AGIExecStart", up, Command="GET DATA vm-enter-num-to-call 4000 1", CommandId="1")
    return ev


def hangup_steps(call: SimCall) -> list[Step]:
    """The caller hangs up before reaching a queue (in the IVR, or after booking a call back)."""
    ev: list[Step] = []
    add = _adder(ev)
    c1 = _chan(call, 1, "from-pstn", "1300", "Up")
    up = hotline_channel(call)
    add(0.0, "Hangup", c1, Cause="16", **{"Cause-txt": "Normal Clearing"})
    add(0.1, "Hangup", up, Cause="16", **{"Cause-txt": "Normal Clearing"})
    add(0.1, "Cdr", {"Source": call.caller, "Destination": "1300"}, Disposition="ANSWERED")
    return ev


def call_steps(call: SimCall) -> list[Step]:
    """The whole event sequence of one call, the IVR's choice made up (key of the queue)."""
    ev = arrival_steps(call)
    add = _adder(ev)
    up = hotline_channel(call)
    if call.shape == "ivr_hangup":
        c1 = _chan(call, 1, "from-pstn", "1300", "Down", "<unknown>")
        add(2.5, "Hangup", c1, Cause="16", **{"Cause-txt": "Normal Clearing"})
        add(2.5, "VarSet", up, Variable="IVR_CHOICE", Value="hangup")
        add(2.6, "Hangup", up, Cause="16", **{"Cause-txt": "Normal Clearing"})
        add(2.6, "Cdr", {"Source": call.caller, "Destination": "1300"},
            Disposition="ANSWERED")
        return ev
    key = QUEUE_KEYS.get(call.queue, "0")
    add(3.2, "DTMFEnd", up, Digit=key, DurationMs="100", Direction="Received")
    add(3.3, "VarSet", up, Variable="IVR_CHOICE", Value=key)
    add(3.3, "VarSet", up, Variable="IVR_QUEUE", Value=call.queue)
    return ev + [(3.4 + at, headers) for at, headers in queue_steps(call)]


def queue_steps(call: SimCall) -> list[Step]:
    """From joining the queue to the end of the call; times from the moment of joining."""
    ev: list[Step] = []
    add = _adder(ev)
    c1 = _chan(call, 1, "from-pstn", "1300", "Down", "<unknown>")
    q = _chan(call, 2, "hotline-queue", call.queue, "Up")
    q["Privilege"] = "agent,all"
    add(0.0, "VarSet", q, Variable="__HOTLINE_QUEUE", Value=call.queue)
    add(0.0, "QueueCallerJoin", q, Queue=call.queue, Position="1", Count="1")
    add(0.0, "MusicOnHoldStart", q, Class="default")
    t = 0.0
    if call.shape in ("abandoned", "queue_timeout"):
        t += call.wait
        if call.shape == "abandoned":
            add(t, "Hangup", c1, Cause="16", **{"Cause-txt": "Normal Clearing"})
        add(t, "QueueCallerAbandon", q, Queue=call.queue, Position="1",
            OriginalPosition="1", HoldTime=str(round(call.wait)))
        add(t, "QueueCallerLeave", q, Queue=call.queue, Count="0", Position="1")
        if call.shape == "queue_timeout":
            add(t, "VarSet", q, Variable="QUEUESTATUS", Value="TIMEOUT")
            add(t + 0.1, "Newexten", q, Extension=call.queue, Application="Playback",
                AppData="queue-thankyou")
            t += 2.5
            add(t, "Hangup", c1, Cause="16", **{"Cause-txt": "Normal Clearing"})
        add(t, "Hangup", q, Cause="16", **{"Cause-txt": "Normal Clearing"})
        add(t, "Cdr", {"Source": call.caller, "Destination": call.queue},
            Disposition="ANSWERED")
        return ev
    agent = call.agent
    assert agent is not None
    ring = _agent_leg(call, agent, "Down")
    add(t + 0.1, "AgentCalled", q, **ring)
    add(t + 0.1, "DeviceStateChange", {"Device": agent.state_interface,
                                       "State": agent.busy_device})
    add(t + 0.1, "QueueMemberStatus", {},
        **member_headers(call.queue, agent, status=agent.busy_status))
    t += call.wait
    add(t, "QueueCallerLeave", q, Queue=call.queue, Count="0", Position="1")
    leg = _agent_leg(call, agent, "Up")
    add(t, "AgentConnect", q, **leg, HoldTime=str(round(call.wait)), RingTime="2")
    add(t, "BridgeEnter", q, BridgeUniqueid=f"bridge-{call.seq}")
    add(t, "QueueMemberStatus", {},
        **member_headers(call.queue, agent, status=agent.busy_status,
                         in_call=not agent.is_pjsip))
    t += call.talk
    reason = "agent" if call.shape == "agent_hangup" else "caller"
    add(t, "Hangup", c1, Cause="16", **{"Cause-txt": "Normal Clearing"})
    add(t, "BridgeLeave", q, BridgeUniqueid=f"bridge-{call.seq}")
    add(t, "AgentComplete", q, **leg, HoldTime=str(round(call.wait)),
        TalkTime=str(round(call.talk)), Reason=reason)
    add(t, "Hangup", q, Cause="16", **{"Cause-txt": "Normal Clearing"})
    add(t, "Cdr", {"Source": call.caller, "Destination": call.queue}, Disposition="ANSWERED")
    add(t, "QueueMemberStatus", {}, **member_headers(call.queue, agent, status=1))
    add(t, "DeviceStateChange", {"Device": agent.state_interface, "State": "NOT_INUSE"})
    return ev


def encode(headers: Headers) -> bytes:
    return ("".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode("utf-8")
