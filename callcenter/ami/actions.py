"""AMI actions as bytes, and the collection of their replies by ActionID.

Pure. An `Action` knows whether it may be sent again after a reconnect: anything that
changes the PBX (Originate, QueueAdd/Remove, Redirect, Hangup, QueuePause) must never run
twice, so the driver fails it instead of replaying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from callcenter.ami.framing import Message

# Actions that only read; they are safe to send again on a new connection.
READ_ONLY = frozenset(
    {"Ping", "QueueStatus", "QueueSummary", "CoreShowChannels", "Status", "Login"}
)
# Actions whose success reply is followed by events carrying the same ActionID and closed
# by an event with `EventList: Complete`.
LISTS = frozenset({"QueueStatus", "QueueSummary", "CoreShowChannels", "Status"})


def _clean(value: object) -> str:
    # A CR or LF inside a value would end the header and let the value inject another one.
    return str(value).replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def replayable(self) -> bool:
        return self.name in READ_ONLY

    @property
    def is_list(self) -> bool:
        return self.name in LISTS

    def to_bytes(self, action_id: str) -> bytes:
        lines = [f"Action: {self.name}", f"ActionID: {_clean(action_id)}"]
        lines += [f"{k}: {_clean(v)}" for k, v in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key == name:
                return value
        return ""


def _make(name: str, **headers: object) -> Action:
    items = tuple((k, _clean(v)) for k, v in headers.items() if v is not None)
    return Action(name, items)


def login(username: str, secret: str) -> Action:
    return _make("Login", Username=username, Secret=secret, Events="on")


def ping() -> Action:
    return Action("Ping")


def logoff() -> Action:
    return Action("Logoff")


def queue_status(queue: str | None = None, member: str | None = None) -> Action:
    return _make("QueueStatus", Queue=queue, Member=member)


def queue_summary(queue: str | None = None) -> Action:
    return _make("QueueSummary", Queue=queue)


def core_show_channels() -> Action:
    return Action("CoreShowChannels")


def status() -> Action:
    return Action("Status")


def queue_add(queue: str, interface: str, *, member_name: str, state_interface: str,
              penalty: int = 0, paused: bool = False) -> Action:
    return _make("QueueAdd", Queue=queue, Interface=interface, Penalty=penalty,
                 Paused="true" if paused else "false", MemberName=member_name,
                 StateInterface=state_interface)


def queue_remove(queue: str, interface: str) -> Action:
    return _make("QueueRemove", Queue=queue, Interface=interface)


def queue_pause(interface: str, *, paused: bool, reason: str | None = None,
                queue: str | None = None) -> Action:
    """Pause or unpause in one queue, or in all of them when `queue` is None."""
    return _make("QueuePause", Queue=queue, Interface=interface,
                 Paused="true" if paused else "false", Reason=reason if paused else None)


def originate(channel: str, *, context: str, exten: str, priority: int = 1,
              caller_id: str | None = None, timeout_ms: int = 30000,
              variables: dict[str, str] | None = None, application: str | None = None,
              data: str | None = None, channel_id: str | None = None) -> Action:
    """Always Async: the reply comes at once and the outcome as OriginateResponse.

    `channel_id` becomes the new channel's Uniqueid (Originate's ChannelId).
    """
    items: list[tuple[str, str]] = [("Channel", _clean(channel))]
    if channel_id:
        items.append(("ChannelId", _clean(channel_id)))
    if application:
        items += [("Application", _clean(application)), ("Data", _clean(data or ""))]
    else:
        items += [("Context", _clean(context)), ("Exten", _clean(exten)),
                  ("Priority", str(priority))]
    if caller_id:
        items.append(("CallerID", _clean(caller_id)))
    items += [("Timeout", str(timeout_ms)), ("Async", "true")]
    for key, value in (variables or {}).items():
        items.append(("Variable", _clean(f"{key}={value}")))
    return Action("Originate", tuple(items))


def redirect(channel: str, *, context: str, exten: str, priority: int = 1,
             extra_channel: str | None = None, extra_context: str | None = None,
             extra_exten: str | None = None) -> Action:
    """Send a channel (and, in the same action, a second one) elsewhere in the dialplan.

    With `extra_channel` both leave their bridge together (Asterisk: "Dual Redirect
    successful"), so neither is left alone in between; the second may go to another
    extension (the agent joins a conference with another profile than the caller)."""
    extra = extra_channel is not None
    return _make("Redirect", Channel=channel, ExtraChannel=extra_channel, Context=context,
                 Exten=exten, Priority=priority,
                 ExtraContext=(extra_context or context) if extra else None,
                 ExtraExten=(extra_exten or exten) if extra else None,
                 ExtraPriority=priority if extra else None)


def blind_transfer(channel: str, *, context: str, exten: str) -> Action:
    """Hand the party bridged with `channel` (the agent's leg) to context,exten.

    Unlike a Redirect, app_queue sees a transfer: AgentComplete Reason transfer at once.
    Needs no feature code."""
    return _make("BlindTransfer", Channel=channel, Context=context, Exten=exten)


def atxfer(channel: str, *, context: str, exten: str) -> Action:
    """Start a warm transfer from the agent's leg: the caller hears music while the agent
    consults the target. Asterisk plays features.conf's atxfer code and `exten` as DTMF
    into the channel, so `exten` is digits; it completes when the agent's leg hangs up."""
    return _make("Atxfer", Channel=channel, Exten=exten, Context=context)


def setvar(channel: str, variable: str, value: str) -> Action:
    """Set a variable on a channel (`_NAME`: inherited by the channels it creates)."""
    return _make("Setvar", Channel=channel, Variable=variable, Value=value)


def cancel_atxfer(channel: str) -> Action:
    """Abort the warm transfer the agent's leg is making (features.conf atxferabort):
    the consultation ends and the agent is back with the caller."""
    return _make("CancelAtxfer", Channel=channel)


def confbridge_kick(conference: str, channel: str) -> Action:
    return _make("ConfbridgeKick", Conference=conference, Channel=channel)


def hangup(channel: str, cause: int = 16) -> Action:
    return _make("Hangup", Channel=channel, Cause=cause)


SPY_MODES = {
    "listen": "qE",  # q: no beep; E: stop when the spied channel hangs up
    "whisper": "qEw",  # w: talk to the agent only
    "barge": "qEB",  # B: talk to both parties
}


def chan_spy(supervisor_channel: str, target_channel: str, mode: str,
             caller_id: str = '"Supervisor" <1300>', channel_id: str | None = None) -> Action:
    """Ring the supervisor's phone; when answered it runs ChanSpy on the agent's channel.

    ChanSpy's first argument is a name prefix (`PJSIP/agent1` spies on agent10's calls
    too); with the `u` option it is one fully specified channel name (or Uniqueid), and
    ChanSpy joins that channel or none (app_chanspy.c, Asterisk 13 and later).
    """
    options = SPY_MODES[mode] + "u"
    return originate(supervisor_channel, context="", exten="", application="ChanSpy",
                     data=f"{target_channel},{options}", caller_id=caller_id,
                     channel_id=channel_id)


@dataclass(slots=True)
class Reply:
    """The response to one action, with the list events that followed it if any."""

    action: Action
    response: Message | None = None
    items: list[Message] = field(default_factory=list)
    complete: bool = False

    @property
    def success(self) -> bool:
        return self.response is not None and self.response.response in ("Success", "Goodbye")

    @property
    def error(self) -> str:
        return "" if self.response is None else self.response.get("Message")


@dataclass(slots=True)
class Pending:
    """Replies being collected, by ActionID. `offer` says whether a message was consumed."""

    replies: dict[str, Reply] = field(default_factory=dict)

    def expect(self, action_id: str, action: Action) -> Reply:
        reply = self.replies[action_id] = Reply(action)
        return reply

    def offer(self, msg: Message) -> tuple[bool, Reply | None]:
        """Return (consumed, finished reply)."""
        action_id = msg.action_id
        if not action_id:
            return False, None
        reply = self.replies.get(action_id)
        if reply is None:
            return False, None
        if "Event" not in msg.headers and reply.response is None:
            reply.response = msg
            if not reply.action.is_list or not reply.success:
                reply.complete = True
        elif "Event" in msg.headers and reply.response is not None:
            if reply.action.name == "Originate" and msg.event == "OriginateResponse":
                # The outcome of an Async Originate is an event the tracker needs too.
                return False, None
            if msg.get("EventList") == "Complete":
                reply.complete = True
            else:
                reply.items.append(msg)
        else:
            return False, None
        if reply.complete:
            del self.replies[action_id]
            return True, reply
        return True, None

    def drop(self, action_id: str) -> Reply | None:
        return self.replies.pop(action_id, None)

    def drain(self) -> Iterable[tuple[str, Reply]]:
        items = list(self.replies.items())
        self.replies.clear()
        return items
