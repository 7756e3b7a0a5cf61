"""Supervisor actions on live agents and waiting callers: the rules, then the PBX command.

Listen, whisper and barge ring the supervisor's own phone, which then spies on the
agent's exact channel of the call (ChanSpy; the bridge records the run:
`calls.monitoring`); pause, unpause and sign out change the agent's queue
membership; move sends a waiting caller to another queue (a Redirect into the
dialplan's ``hotline-queue`` context). The bridge of the agent's or caller's node
carries each out.

Framework-free: the caller passes a lookup of the bridges' live state and the command
client (request/reply over Redis to the bridge), and commits. Every attempt lands in the
audit trail by ids only: ``<action>`` when the PBX did it, ``<action>.failed`` when it
was refused here (not live, no phone, no such queue) or by the PBX, or timed out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Boolean, String, column, select, table
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import refusals
from callcenter.agents.models import User

log = logging.getLogger(__name__)

AGENT_ACTIONS = ("listen", "whisper", "barge", "pause", "unpause", "sign_out")
SPY = ("listen", "whisper", "barge")
PHONE = re.compile(r"^(PJSIP|SIP|IAX2|Local)/[A-Za-z0-9_.@-]{1,60}$")
# A channel's full name: PJSIP/agent1-0000002a, Local/agent1@agents-00000007;1.
PHONE_CHANNEL = re.compile(r"^(PJSIP|SIP|IAX2|Local)/[A-Za-z0-9_.@;-]{1,100}$")
NODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# Where a moved caller goes: asterisk_conf/extensions.conf, [hotline-queue].
QUEUE_CONTEXT = "hotline-queue"
DEFAULT_PAUSE_REASON = "supervisor"
# Call states in which the caller is still waiting (queued, or an agent's phone rings).
WAITING_STATES = ("queued", "ringing")

# The queues table as a plain clause: agents and queues are sibling layers.
_queues = table("queues", column("name", String), column("active", Boolean))

# (node, kind, id) -> the bridge's live payload of that agent or call, or None.
Lookup = Callable[[str, str, str], dict[str, Any] | None]


class Commands(Protocol):
    def send(self, node: str, command: str, **args: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of an action: ``reason`` names it for the page, ``status`` for HTTP."""

    ok: bool
    # done | not_live | no_phone | unknown_queue | pbx_timeout, or a refusal's code
    # (not_signed_in, static_member, pbx_link_down, …: callcenter.agents.refusals)
    reason: str
    status: int = 200
    message: str = ""  # the PBX's own words when it refused (never shown as they are)

    @classmethod
    def of(cls, result: Any, *, done_if: tuple[str, ...] = ()) -> Outcome:
        refused = refusals.refusal(result, done_if=done_if)
        if refused is None:
            return cls(True, "done")
        if refused is refusals.TIMEOUT:
            return cls(False, "pbx_timeout", 504)
        return cls(False, refused.code, refused.status,
                   str(getattr(result, "message", "") or ""))


NOT_LIVE = Outcome(False, "not_live", 409)


def spy_target(agent: dict[str, Any]) -> str | None:
    """The agent's own leg of the call they are on (the bridge's AgentConnect DestChannel).

    The exact name, never the phone's prefix: ChanSpy matches `PJSIP/agent1-` against
    every channel whose name begins so (agent10's, agent11's …), and a supervisor must
    join the one call they chose.
    """
    channel = agent.get("channel")
    return channel if isinstance(channel, str) and PHONE_CHANNEL.match(channel) else None


def _find(lookup: Lookup, node: str, kind: str, ident: str) -> dict[str, Any] | None:
    return lookup(node, kind, ident) if NODE.match(node) else None


def _run_agent_action(commands: Commands, action: str, agent: dict[str, Any], *,
                      interface: str, node: str, reason: str, phone: str,
                      user_id: int) -> Outcome:
    if action in SPY:
        target = spy_target(agent)
        if agent.get("status") != "in_call" or target is None:
            return NOT_LIVE
        if not PHONE.match(phone):
            return Outcome(False, "no_phone", 400)
        return Outcome.of(commands.send(node, action, supervisor_channel=phone,
                                        target_channel=target, supervisor_user_id=user_id))
    if action == "pause":
        return Outcome.of(commands.send(node, "pause", interface=interface,
                                        reason=reason or DEFAULT_PAUSE_REASON))
    if action == "unpause":
        return Outcome.of(commands.send(node, "unpause", interface=interface))
    outcome = Outcome(True, "done")
    for queue in sorted(agent.get("queues") or {}):
        outcome = Outcome.of(commands.send(node, "queue_logout", queue=queue,
                                           interface=interface),
                             done_if=(refusals.ALREADY_OUT,))
        if not outcome.ok:
            break
    return outcome


def agent_action(session: Session, commands: Commands, lookup: Lookup, *, actor: User,
                 action: str, interface: str, node: str, reason: str = "", phone: str = "",
                 source_ip: str | None = None) -> Outcome:
    """Listen, whisper, barge, pause, unpause or sign out a live agent; audited."""
    if action not in AGENT_ACTIONS:
        raise ValueError(f"unknown supervisor action {action!r}")
    agent = _find(lookup, node, "agent", interface)
    if agent is None:
        outcome = NOT_LIVE
    else:
        outcome = _run_agent_action(
            commands, action, agent, interface=interface, node=node,
            reason=reason.strip(), phone=phone.strip() or actor.phone_interface or "",
            user_id=actor.id)
    _record(session, actor, f"agent.{action}", "agent", interface, outcome, source_ip)
    return outcome


def move_caller(session: Session, commands: Commands, lookup: Lookup, *, actor: User,
                uniqueid: str, node: str, queue: str,
                source_ip: str | None = None) -> Outcome:
    """Send a caller who is still waiting to another (active) queue; audited."""
    known = session.scalar(select(_queues.c.name).where(
        _queues.c.name == queue, _queues.c.active.is_(True)))
    call = _find(lookup, node, "call", uniqueid)
    if known is None:
        outcome = Outcome(False, "unknown_queue", 400)
    elif call is None or call.get("state") not in WAITING_STATES or not call.get("channel"):
        outcome = NOT_LIVE
    else:
        outcome = Outcome.of(commands.send(node, "redirect", channel=call["channel"],
                                           context=QUEUE_CONTEXT, exten=queue))
    _record(session, actor, "call.move", "call", uniqueid, outcome, source_ip)
    return outcome


def _record(session: Session, actor: User, action: str, entity_type: str, entity_id: str,
            outcome: Outcome, source_ip: str | None) -> None:
    audit.record(session, actor_id=actor.id,
                 action=action if outcome.ok else f"{action}.failed",
                 entity_type=entity_type, entity_id=entity_id[:64], source_ip=source_ip)
    log.info("supervisor %s by user %s: %s", action, actor.id, outcome.reason)
