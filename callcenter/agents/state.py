"""An agent's queue state, changed through the AMI bridge and read back as Asterisk reports it.

The console never decides an agent's state itself: it asks the bridge (a command over
Redis, ``callcenter.ami.client``) and shows what the bridge then publishes. The command
client is passed in, so this module stays free of the bridge's imports.

``change`` is the one entry point for a change the agent asks for, from the agent page
and from the API alike: it picks the action for the verb (``sign_in``, ``sign_out``,
``pause``, ``unpause``), runs it and records it in the audit trail. The actions below it
each send the PBX commands of one verb.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Boolean, Integer, String, column, select, table
from sqlalchemy.orm import Session

from callcenter import audit, pick_lists, topics
from callcenter.agents import pause_reasons, refusals
from callcenter.agents.models import AgentSkill
from callcenter.errors import DomainError

# The queues table as a plain clause: agents and queues are sibling layers that must not
# import each other, and a skill only needs a queue's name, language, labels and whether
# it is on.
Queue = table("queues", column("id", Integer), column("name", String),
              column("language", String), column("active", Boolean),
              column("label_th", String), column("label_en", String))

# The reasons shipped with the console (admins keep the list: agents.pause_reasons);
# stored in Asterisk's PausedReason and in the reports. The demo's simulator uses these.
PAUSE_REASONS = tuple(code for code, _, _ in pause_reasons.DEFAULTS)
# What Asterisk's PausedReason carries through AMI events untouched: an ASCII slug.
PAUSED_REASON = re.compile(pick_lists.CODE_PATTERN)
# Asterisk's `wrapuptime` in queues.conf: no new call rings for this long after one ends.
WRAP_UP_SECONDS = 10
DEFAULT_NODE = "pbx1"
# What an agent may ask of their own state.
ACTIONS = ("sign_in", "sign_out", "pause", "unpause")


class Commands(Protocol):
    def send(self, node: str, command: str, **args: Any) -> Any: ...


class Agent(Protocol):
    """What these rules read of an agent: a ``User`` row, or the console's signed-in
    viewer (plain values that outlive the request's database session)."""

    @property
    def id(self) -> int: ...
    @property
    def login(self) -> str: ...
    @property
    def phone_interface(self) -> str | None: ...
    @property
    def languages(self) -> Sequence[str] | None: ...


@dataclass(frozen=True, slots=True)
class Membership:
    queue: str
    penalty: int


def queues_for(session: Session, user: Agent) -> list[Membership]:
    """The queues of the agent's skills in the languages they speak, best first."""
    rows = session.execute(
        select(Queue.c.name, Queue.c.language, AgentSkill.penalty)
        .join(AgentSkill, AgentSkill.queue_id == Queue.c.id)
        .where(AgentSkill.user_id == user.id, Queue.c.active.is_(True))
        .order_by(AgentSkill.penalty, Queue.c.name)
    ).all()
    languages = set(user.languages or ["th"])
    return [Membership(name, penalty) for name, language, penalty in rows
            if language in languages]


def queue_labels(session: Session) -> dict[str, tuple[str, str]]:
    """Asterisk queue name → (Thai label, English label), for pages that show queues."""
    rows = session.execute(select(Queue.c.name, Queue.c.label_th, Queue.c.label_en)).all()
    return {name: (label_th, label_en) for name, label_th, label_en in rows}


def _interface(user: Agent) -> str:
    if not user.phone_interface:
        raise DomainError("no phone is set for this agent", field="phone_interface")
    return user.phone_interface


def _check(result: Any, *, done_if: tuple[str, ...] = ()) -> None:
    """Raise what the PBX's refusal means for the agent (see refusals)."""
    reason = refusals.refusal(result, done_if=done_if)
    if reason is not None:
        raise refusals.PbxRefused(reason)


def node_of(live: dict[str, Any] | None, configured: Sequence[str]) -> str:
    """The Asterisk node to command: the one that reports the agent, else the first
    configured one."""
    if live and live.get("node"):
        return str(live["node"])
    return configured[0] if configured else DEFAULT_NODE


def change(session: Session, commands: Commands, *, user: Agent, action: str, node: str,
           live: dict[str, Any] | None, reason: str = "") -> None:
    """Carry out what the agent asked of their own state, and record that they asked.

    ``live`` is the agent's state as the bridge last published it: signing out leaves
    the queues Asterisk has them in (a queue of a skill removed since is left too).
    The new state itself arrives later, as Asterisk reports it.
    """
    if action == "sign_in":
        sign_in(session, commands, user=user, node=node)
    elif action == "sign_out":
        sign_out(session, commands, user=user, node=node,
                 queues=sorted((live or {}).get("queues", {})) or None)
    elif action == "pause":
        if reason not in pause_reasons.active_codes(session):
            raise DomainError("choose a reason from the list", field="reason")
        pause(commands, user=user, node=node, reason=reason)
    elif action == "unpause":
        unpause(commands, user=user, node=node)
    else:
        raise DomainError("unknown action", field="action")
    audit.record(session, actor_id=user.id, action=f"agent.{action}", entity_type="user",
                 entity_id=user.id)


def sign_in(session: Session, commands: Commands, *, user: Agent, node: str) -> list[str]:
    """Join every queue of the agent's skills; returns the queue names."""
    interface = _interface(user)
    memberships = queues_for(session, user)
    if not memberships:
        raise DomainError("this agent has no queue in their languages", field="queues")
    for m in memberships:
        _check(commands.send(node, "queue_login", queue=m.queue, interface=interface,
                             member_name=user.login, state_interface=interface,
                             penalty=m.penalty), done_if=(refusals.ALREADY_IN,))
    return [m.queue for m in memberships]


def sign_out(session: Session, commands: Commands, *, user: Agent, node: str,
             queues: list[str] | None = None) -> None:
    interface = _interface(user)
    names = queues if queues is not None else [m.queue for m in queues_for(session, user)]
    for name in names:
        _check(commands.send(node, "queue_logout", queue=name, interface=interface),
               done_if=(refusals.ALREADY_OUT,))


def pause(commands: Commands, *, user: Agent, node: str, reason: str) -> None:
    """Pause for ``reason``: a pick list's code (``change`` checks it is an active one)."""
    if not PAUSED_REASON.match(reason):
        raise DomainError("choose a reason from the list", field="reason")
    _check(commands.send(node, "pause", interface=_interface(user), reason=reason))


def unpause(commands: Commands, *, user: Agent, node: str) -> None:
    _check(commands.send(node, "unpause", interface=_interface(user)))


def device(interface: str) -> str:
    """`agent1` of PJSIP/agent1, Local/agent1@agents/n and Local/agent1@agents."""
    return interface.partition("/")[2].partition("@")[0].partition("/")[0]


def is_own_interface(interface: str | None, user: Agent) -> bool:
    """Whether a member or channel interface is this user's phone."""
    mine = user.phone_interface
    if not interface or not mine:
        return False
    return interface == mine or device(interface) == device(mine)


def matches(payload: dict[str, Any], user: Agent) -> bool:
    """Whether a published agent state is this user's (by device or member name)."""
    if is_own_interface(payload.get("interface"), user):
        return True
    if is_own_interface(payload.get("state_interface"), user):
        return True
    return bool(payload.get("name")) and payload.get("name") == user.login


def live_state(redis: Any, user: Agent) -> dict[str, Any] | None:
    """The agent's state from the bridge's snapshot (``live.<node>.agents``), if any."""
    for key in redis.scan_iter(match=topics.live_key("*", topics.AGENT), count=100):
        for body in redis.hvals(key):
            payload = json.loads(body)
            if matches(payload, user):
                return payload
    return None
