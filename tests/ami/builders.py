"""Literal AMI events for one inbound call, as Asterisk 22 orders them."""

from __future__ import annotations

from callcenter.ami.events import to_event
from callcenter.ami.framing import Message


def msg(**headers: str) -> Message:
    return Message({k.replace("_", "-") if k == "Cause_txt" else k: v
                    for k, v in headers.items()})


def event(**headers: str):
    return to_event(msg(**headers))


def chan(name: str, uid: str, link: str, channel: str, context: str = "from-pstn",
         number: str = "0812345678", **extra: str):
    return event(Event=name, Channel=channel, Uniqueid=uid, Linkedid=link, Context=context,
                 Exten="1300", CallerIDNum=number, CallerIDName="<unknown>", **extra)


def call_headers(n: int) -> dict[str, str]:
    """The hotline channel of call n, as every event of that call names it."""
    return {"Channel": f"Local/1300@from-pstn-{n:08x};2",
            "Uniqueid": f"1795345{n:03d}.{2 * n + 1}", "Linkedid": f"1795345{n:03d}.{2 * n}",
            "CallerIDNum": f"08{n:08d}", "CallerIDName": "<unknown>"}


def opening(n: int) -> list:
    """Call n's channel appears (no caller ID yet), then gets its number."""
    c = call_headers(n)
    uid, link, ch = c["Uniqueid"], c["Linkedid"], c["Channel"]
    return [chan("Newchannel", uid, link, ch, number="<unknown>"),
            chan("NewCallerid", uid, link, ch, number=c["CallerIDNum"])]


def hangup(n: int):
    c = call_headers(n)
    return chan("Hangup", c["Uniqueid"], c["Linkedid"], c["Channel"], number=c["CallerIDNum"],
                Cause="16", **{"Cause-txt": "Normal Clearing"})


def inbound_call(n: int, *, queue: str = "violence", agent: int | None = 1,
                 abandon: bool = False) -> list:
    """Events of call n: IVR, queue, then answered by `agent` or abandoned."""
    common = call_headers(n)
    uid = common["Uniqueid"]
    iface = f"Local/agent{agent}@agents/n"
    out = [
        *opening(n),
        event(Event="VarSet", Variable="IVR_CHOICE", Value="1", **common),
        event(Event="VarSet", Variable="IVR_QUEUE", Value=queue, **common),
        event(Event="QueueCallerJoin", Queue=queue, Position="1", Count="1", **common),
    ]
    if abandon:
        out += [
            event(Event="QueueCallerAbandon", Queue=queue, Position="1", OriginalPosition="1",
                  HoldTime="5", **common),
            event(Event="QueueCallerLeave", Queue=queue, Count="0", Position="1", **common),
        ]
    else:
        agent_ch = f"Local/agent{agent}@agents-{n:08x};1"
        dest = {"DestChannel": agent_ch, "DestUniqueid": f"{uid}9", "Queue": queue,
                "Interface": iface, "MemberName": f"Agent {agent}"}
        out += [
            event(Event="AgentCalled", **common, **dest),
            event(Event="QueueCallerLeave", Queue=queue, Count="0", Position="1", **common),
            event(Event="AgentConnect", HoldTime="2", RingTime="2", **common, **dest),
            event(Event="AgentComplete", HoldTime="2", TalkTime="6", Reason="caller",
                  **common, **dest),
        ]
    out.append(hangup(n))
    return out


# Shapes of a call for the property tests, and the outcome each must end with.
SHAPES = {"answered": "answered", "abandoned": "abandoned", "queue_timeout": "queue_timeout",
          "ivr_hangup": "ivr_hangup", "ring_no_answer": "answered", "transfer": "transferred"}


def shaped_call(n: int, shape: str, *, agent: int = 1) -> list:
    """Events of call n in one of SHAPES, in the order Asterisk sends them."""
    common = call_headers(n)
    end = hangup(n)
    if shape == "ivr_hangup":
        # The IVR sets its choice on the dead channel, after the caller's half hung up.
        return [*opening(n), event(Event="VarSet", Variable="IVR_CHOICE", Value="hangup",
                                   **common), end]
    if shape in ("answered", "abandoned"):
        return inbound_call(n, agent=agent, abandon=shape == "abandoned")
    queue = "violence"
    joined = [*opening(n),
              event(Event="VarSet", Variable="IVR_QUEUE", Value=queue, **common),
              event(Event="QueueCallerJoin", Queue=queue, Position="1", Count="1", **common)]

    def member(a: int, name: str, **extra: str):
        return event(Event=name, Queue=queue, Interface=f"Local/agent{a}@agents/n",
                     MemberName=f"Agent {a}", DestChannel=f"Local/agent{a}@agents-{n:08x};1",
                     **common, **extra)

    if shape == "queue_timeout":
        return [*joined, member(agent, "AgentCalled"),
                member(agent, "AgentRingNoAnswer", RingTime="8000"),
                event(Event="QueueCallerAbandon", Queue=queue, Position="1", HoldTime="20",
                      **common),
                event(Event="QueueCallerLeave", Queue=queue, Count="0", **common),
                event(Event="VarSet", Variable="QUEUESTATUS", Value="TIMEOUT", **common),
                end]
    other = agent % 3 + 1
    if shape == "ring_no_answer":
        return [*joined, member(agent, "AgentCalled"),
                member(agent, "AgentRingNoAnswer", RingTime="15000"),
                member(other, "AgentCalled"),
                event(Event="QueueCallerLeave", Queue=queue, Count="0", **common),
                member(other, "AgentConnect", HoldTime="19", RingTime="2"),
                member(other, "AgentComplete", HoldTime="19", TalkTime="30",
                       Reason="caller"),
                end]
    assert shape == "transfer"
    return [*joined, member(agent, "AgentCalled"),
            event(Event="QueueCallerLeave", Queue=queue, Count="0", **common),
            member(agent, "AgentConnect", HoldTime="2", RingTime="2"),
            member(agent, "AgentComplete", HoldTime="2", TalkTime="40", Reason="transfer"),
            end]


def snapshot(prefix: str, *, channel: str, uniqueid: str, linkedid: str, context: str,
             exten: str, number: str = "<unknown>", state: str = "6") -> dict[str, str]:
    """A channel snapshot with a prefix, as Asterisk 22's manager_channels.c writes one
    (ast_manager_build_channel_state_string_prefix) into ChanSpyStart/ChanSpyStop."""
    return {f"{prefix}{k}": v for k, v in {
        "Channel": channel, "ChannelState": state, "ChannelStateDesc": "Up",
        "CallerIDNum": number, "CallerIDName": "<unknown>", "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>", "Language": "th", "AccountCode": "",
        "Context": context, "Exten": exten, "Priority": "1", "Uniqueid": uniqueid,
        "Linkedid": linkedid}.items()}


def chanspy(name: str, *, spyer_uid: str, spyer: str = "PJSIP/supervisor-0000000a",
            spyer_exten: str = "", spyee: str = "", spyee_uid: str = "",
            spyee_link: str = "", timestamp: str = ""):
    """ChanSpyStart/ChanSpyStop: Spyer snapshot, then the Spyee's (absent on a Stop
    after the spied-on channel has gone)."""
    headers = {"Event": name, "Privilege": "call,all",
               **snapshot("Spyer", channel=spyer, uniqueid=spyer_uid, linkedid=spyer_uid,
                          context="default" if not spyer_exten else "supervisor",
                          exten=spyer_exten)}
    if spyee:
        headers |= snapshot("Spyee", channel=spyee, uniqueid=spyee_uid, linkedid=spyee_link,
                            context="from-internal", exten="s")
    if timestamp:
        headers["Timestamp"] = timestamp
    return to_event(Message(headers))
