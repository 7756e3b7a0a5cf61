"""Which call controls an agent may use now, from the bridge's live state. Pure.

Nothing is offered that cannot work: no transfer without a call on the agent's own
phone, no complete or cancel without a consultation, no hang-up or second transfer while
consulting (hanging up the agent's leg then would complete the transfer). Hold has no
button: Asterisk 22 has no AMI action to hold a PJSIP channel, the phone holds with a
re-INVITE (docs/ami.md); its state is shown from the bridge's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONTROLS = ("hangup", "blind_transfer", "warm_transfer", "complete_transfer",
            "cancel_transfer")
TALKING = "talking"


@dataclass(frozen=True, slots=True)
class ControlState:
    """What the agent's call looks like now, and why each control is off (or None)."""

    on_call: bool
    agent_channel: str | None
    caller_channel: str | None
    answered_at: str | None
    on_hold: bool
    holds: int
    hold_seconds: int
    consulting: bool
    refusals: dict[str, str | None] = field(default_factory=dict)

    def allowed(self, control: str) -> bool:
        return self.refusals.get(control) is None


def agent_leg(agent: dict[str, Any] | None, uniqueid: str) -> str | None:
    """The agent's own channel of this call, as their live state names it."""
    if not agent or agent.get("current_call") != uniqueid:
        return None
    return agent.get("channel") or None


def decide(*, call: dict[str, Any] | None, agent: dict[str, Any] | None, uniqueid: str,
           consulting: bool) -> ControlState:
    call = call or {}
    leg = agent_leg(agent, uniqueid)
    talking = call.get("state") == TALKING and leg is not None
    # A warm transfer's consultation keeps the agent's leg; the call stays "talking".
    no_call = None if talking else ("call_ended" if call.get("state") == "ended"
                                    else "not_on_call")
    busy = "consulting" if consulting else None
    refusals = {
        "hangup": no_call or busy,
        "blind_transfer": no_call or busy,
        "warm_transfer": no_call or busy,
        "complete_transfer": no_call or (None if consulting else "no_consultation"),
        "cancel_transfer": no_call or (None if consulting else "no_consultation"),
    }
    return ControlState(
        on_call=talking, agent_channel=leg, caller_channel=call.get("channel"),
        answered_at=call.get("answered_at"), on_hold=bool(call.get("on_hold")),
        holds=int(call.get("holds") or 0), hold_seconds=int(call.get("hold_seconds") or 0),
        consulting=consulting, refusals=refusals)


def free_colleagues(agents: list[dict[str, Any]], *, own_name: str) -> list[dict[str, Any]]:
    """Agents who could take a call now (available, not the agent themself), by name."""
    seen: dict[str, dict[str, Any]] = {}
    for a in agents:
        name = a.get("name") or ""
        if a.get("status") == "available" and name and name != own_name:
            seen.setdefault(name, a)
    return [seen[n] for n in sorted(seen)]
