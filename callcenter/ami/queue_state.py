"""Live state of queue members (agents) and queues, and their full-state payloads.

Pure. An agent is keyed by its member interface (`Local/agent1@agents/n`,
`PJSIP/1001`): the one name every queue event carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Asterisk device states as QueueMember* events report them (ast_device_state).
DEVICE_STATES = {
    0: "unknown",
    1: "not_in_use",
    2: "in_use",
    3: "busy",
    4: "invalid",
    5: "unavailable",
    6: "ringing",
    7: "ring_in_use",
    8: "on_hold",
}

# Device states in which the member's phone cannot be rung: AST_DEVICE_INVALID (4) and
# AST_DEVICE_UNAVAILABLE (5). Asterisk skips such members; so must the wallboard.
UNREACHABLE = frozenset({4, 5})


@dataclass(slots=True)
class Membership:
    paused: bool = False
    paused_reason: str = ""
    penalty: int = 0
    in_call: bool = False
    status: int = 0
    membership: str = ""
    login_time: int | None = None


@dataclass(slots=True)
class Agent:
    interface: str
    name: str = ""
    state_interface: str = ""
    queues: dict[str, Membership] = field(default_factory=dict)
    ringing_call: str | None = None
    current_call: str | None = None
    # The agent's own leg of the current call (AgentConnect's DestChannel): the exact
    # channel a supervisor's ChanSpy joins.
    channel: str | None = None
    # The time of the agent's latest event, and when its (status, pause reason) began:
    # a resync or a repeated member event changes the first, never the second.
    changed_at: datetime | None = None
    state_since: datetime | None = None

    @property
    def status(self) -> str:
        if not self.queues:
            return "logged_out"
        if self.current_call:
            return "in_call"
        if self.ringing_call:
            return "ringing"
        if all(m.paused for m in self.queues.values()):
            return "paused"
        if any(m.in_call for m in self.queues.values()):
            return "in_call"
        if all(m.status in UNREACHABLE for m in self.queues.values()):
            return "unavailable"  # no phone to ring: unplugged, unregistered, unknown device
        return "available"

    @property
    def pause_reason(self) -> str | None:
        """The reason it is paused for (the first, if queues differ), or None."""
        reasons = {m.paused_reason for m in self.queues.values() if m.paused and m.paused_reason}
        return sorted(reasons)[0] if reasons else None

    def payload(self, node: str) -> dict[str, Any]:
        return {
            "node": node,
            "interface": self.interface,
            "name": self.name,
            "state_interface": self.state_interface,
            "status": self.status,
            "paused_reason": self.pause_reason,
            "ringing_call": self.ringing_call,
            "current_call": self.current_call,
            "channel": self.channel if self.current_call else None,
            # "changed_at" is when the current state began: the wallboard's time in state.
            "changed_at": since.isoformat() if (since := self.state_since or self.changed_at)
            else None,
            "queues": {
                name: {
                    "paused": m.paused,
                    "paused_reason": m.paused_reason or None,
                    "penalty": m.penalty,
                    "in_call": m.in_call,
                    "device_state": DEVICE_STATES.get(m.status, "unknown"),
                    "membership": m.membership,
                    "login_time": m.login_time,
                }
                for name, m in sorted(self.queues.items())
            },
        }


@dataclass(slots=True)
class Waiting:
    uniqueid: str
    position: int | None
    joined_at: datetime
    caller_number: str | None
    priority: int | None


@dataclass(slots=True)
class Queue:
    name: str
    waiting: dict[str, Waiting] = field(default_factory=dict)
    completed: int = 0
    abandoned: int = 0
    hold_time: int = 0
    talk_time: int = 0
    service_level_perf: float = 0.0

    def payload(self, node: str, agents: dict[str, Agent]) -> dict[str, Any]:
        members = [a for a in agents.values() if self.name in a.queues]
        statuses = [(a, a.queues[self.name]) for a in members]
        entries = sorted(self.waiting.values(), key=lambda w: (w.position or 0, w.joined_at))
        return {
            "node": node,
            "name": self.name,
            "waiting": [
                {
                    "uniqueid": w.uniqueid,
                    "position": w.position,
                    "joined_at": w.joined_at.isoformat(),
                    "caller_number": w.caller_number,
                    "priority": w.priority,
                }
                for w in entries
            ],
            "oldest_joined_at": (
                min(w.joined_at for w in entries).isoformat() if entries else None
            ),
            "members": [
                {"interface": a.interface, "name": a.name, "status": a.status,
                 "paused": m.paused, "paused_reason": m.paused_reason or None}
                for a, m in sorted(statuses, key=lambda s: s[0].interface)
            ],
            "logged_in": len(members),
            "available": sum(1 for a, m in statuses if not m.paused and a.status == "available"),
            "paused": sum(1 for _, m in statuses if m.paused),
            "completed": self.completed,
            "abandoned": self.abandoned,
            "hold_time": self.hold_time,
            "talk_time": self.talk_time,
            "service_level_perf": self.service_level_perf,
        }
