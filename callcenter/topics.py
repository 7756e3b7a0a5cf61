"""The bus contract: every Redis topic, shared Redis key and SSE event name, in one place.

The bridge, the web processes, the workers and the IVR share no memory: they talk through
Redis pub/sub topics and a few keys, and the pages hear the topics as server-sent events.
This module is the only place that spells those names; docs/events.md says, for each one,
who writes it, who reads it, what it carries and how long it lives (a test keeps the two
lists equal). It is pure (no Redis client, no clock), so the AMI tracker may import it.

Conventions a newcomer can rely on:
- a topic is ``<kind>.<id>.<what>``, and its kind (the first part) is also the name of the
  SSE event a page hears it as;
- a function that builds a topic ends in ``_topic``, one that builds a key in ``_key``;
  calling it with ``"*"`` gives the SCAN pattern of every such key.
"""

from __future__ import annotations

import re

# --- Kinds: a topic's first part, and the SSE event a page hears it as ----------------------
CALL = "call"  # a live call's full state (the bridge)
QUEUE = "queue"  # a queue's full live state (the bridge)
AGENT = "agent"  # an agent's full live state (the bridge)
DISPATCH = "dispatch"  # a dispatch's full state (the console and the worker, after a commit)
ALARMS = "alarms"  # every open dispatch alarm (the console and the worker)
BRIDGE = "bridge"  # a bridge's link to its PBX (the bridge; the console when a link key expires)
UNIT = "unit"  # an alert to a unit's console (the worker); the unit page hears it as ALERT
USER = "user"  # a user's own notices (the console and the worker)
RECORDS = "records"  # call rows of a node reached the database (the bridge)
CHAT = "chat"  # a LINE conversation has news (the worker and the console, after a commit)
MEDIA = "media"  # an agent muted or unmuted the browser phone in a call (the console)
KINDS = (CALL, QUEUE, AGENT, DISPATCH, ALARMS, BRIDGE, UNIT, USER, RECORDS, CHAT, MEDIA)

# --- SSE events that are no topic's kind ------------------------------------------------
HUB = "hub"  # the web process's own Redis link, first on every stream: {"live": bool}
ALERT = "alert"  # the unit console's alert: the UNIT topic narrowed to what the page shows
BOARD = "board"  # the wallboard drawn by the web process (HTML), swapped in whole by the page

# Every SSE event name a page may listen for (a test checks the templates and scripts).
SSE_EVENTS = frozenset({*KINDS, HUB, ALERT, BOARD})

# What each web process's hub subscribes to, once: every kind (pattern subscriptions).
HUB_PATTERNS = tuple(f"{kind}.*" for kind in KINDS)


# --- Topics (pub/sub channels); each carries a full state, never a delta -----------------
def call_topic(uniqueid: str) -> str:
    """A call changed (the bridge): its full live state."""
    return f"call.{uniqueid}.updated"


def queue_topic(name: str) -> str:
    """A queue changed (the bridge): waiting callers, members, the day's counters."""
    return f"queue.{name}.updated"


def agent_topic(interface: str) -> str:
    """An agent changed (the bridge): status, pause, ringing and current call, queues."""
    return f"agent.{interface}.updated"


def link_topic(node: str) -> str:
    """A bridge's link to its PBX changed: the body of ``link_key(node)``."""
    return f"bridge.{node}.link.updated"


def muted_topic(interface: str) -> str:
    """An agent's browser phone muted or unmuted (the console): ``{"interface", "call",
    "muted"}``; the wallboard draws itself again."""
    return f"media.{interface}.muted"


# Hash of agents muted now (the console): field = phone interface, value = the uniqueid of
# the call muted. Not under ``live.``: the bridge owns those keys.
MUTED_KEY = "media.muted"


def records_written_topic(node: str) -> str:
    """Call rows of the node are in the database (the bridge's sink, after its write):
    ``{"node": …, "calls": how many}``; the wallboard reads today's figures again."""
    return f"records.{node}.written"


def dispatch_topic(dispatch_id: int | str) -> str:
    """A dispatch moved on (after the commit): the state the board shows, with its version."""
    return f"dispatch.{dispatch_id}.updated"


def chat_topic(conversation_id: int | str) -> str:
    """A conversation has news: a message arrived, one was queued, sent or failed, it
    ended or went to a case. ``{"conversation": id}`` only: the page draws it again."""
    return f"chat.{conversation_id}.updated"


# The set of open dispatch alarms changed: ``{"alarms": [dispatch state, …]}``.
ALARMS_TOPIC = "alarms.updated"


def notices_topic(user_id: int | str) -> str:
    """A notice for one user (a unit declined the dispatch this agent sent; a follow-up
    is due or overdue). Each notice is an event of its own, not a newer state."""
    return f"user.{user_id}.notices"


def unit_alerts_topic(unit_id: int | str) -> str:
    """An alert for a unit's open consoles (the worker's console channel)."""
    return f"unit.{unit_id}.alerts"


# The topic of each kind that has a live hash (``live_key``), to replay a hash as updates.
LIVE_TOPIC = {CALL: call_topic, QUEUE: queue_topic, AGENT: agent_topic}

# Never on Redis: the hub's own link state, kept in each stream's buffer under this topic.
HUB_LINK_TOPIC = "hub.link"


# --- Keys ------------------------------------------------------------------------------
def live_key(node: str, kind: str) -> str:
    """Hash of a node's live ``kind``s (the bridge): field = id, value = full-state JSON."""
    return f"live.{node}.{kind}s"


def link_key(node: str) -> str:
    """A bridge's link state with its heartbeat; expires when the bridge stops beating."""
    return f"bridge.{node}.link"


def stats_key(node: str) -> str:
    """Hash of a bridge's counters (events, published, written), that only ever grow."""
    return f"bridge.{node}.stats"


# Hash node → epoch of the last heartbeat a reader saw: since when a lost link is silent.
HEARTBEATS_KEY = "bridge.heartbeats"


def command_requests_key(node: str) -> str:
    """List of PBX commands waiting for the node's bridge (pushed by any process)."""
    return f"bridge.{node}.commands"


def command_reply_key(request_id: str) -> str:
    """List holding the bridge's one answer to a PBX command."""
    return f"bridge.reply.{request_id}"


def dispatch_snapshot_key(dispatch_id: int | str) -> str:
    """A dispatch's last published state, for a page that connects late."""
    return f"snapshot:dispatch.{dispatch_id}"


# Hash dispatch id → state of every escalated, unanswered dispatch (the wallboard's alarms).
ALARMS_SNAPSHOT_KEY = "snapshot:alarms.dispatch"


def unit_presence_key(unit_id: int | str) -> str:
    """Sorted set of a unit's open console streams (token → deadline)."""
    return f"presence:unit.{unit_id}"


def public_limit_key(kind: str, sender: str) -> str:
    """A sender's count of public submissions of a kind (``report``, ``track``) in the
    current window; ``sender`` is a keyed digest of the address, never the address."""
    return f"limit:public.{kind}.{sender}"


def app_limit_key(app_key_id: int) -> str:
    """A partner application's count of reports in the current minute (by its key's id)."""
    return f"limit:app.{app_key_id}"


def honeypot_key(day: str) -> str:
    """How many submissions the public form's trap field caught on a day (YYYY-MM-DD)."""
    return f"count:public.honeypot.{day}"


# --- Reading names back ------------------------------------------------------------------
def event_name(topic: str) -> str:
    """The SSE event a topic is sent as: its kind, the first part."""
    return topic.split(".", 1)[0]


def kind_and_id(topic: str) -> tuple[str, str]:
    """``call.<uniqueid>.updated`` → ("call", uniqueid): the live hash and field it updates."""
    kind, _, rest = topic.partition(".")
    return kind, rest.removesuffix(".updated")


def link_node(key: str) -> str:
    """The node of a ``link_key``: its inverse, whatever dots the node's name holds."""
    return key.removeprefix("bridge.").removesuffix(".link")


def prefixes(*kinds: str) -> tuple[str, ...]:
    """What topics of these kinds start with, for ``str.startswith`` filters."""
    return tuple(f"{kind}." for kind in kinds)


_DISPATCH_UPDATE = re.compile(r"^dispatch\.\d+\.updated$")


def is_notices(topic: str) -> bool:
    """A ``notices_topic``: its messages are kept one by one, never folded into the last."""
    return topic.startswith(f"{USER}.") and topic.endswith(".notices")


def is_dispatch_update(topic: str) -> bool:
    """A ``dispatch_topic`` (and not some other dispatch.* name)."""
    return bool(_DISPATCH_UPDATE.match(topic))
