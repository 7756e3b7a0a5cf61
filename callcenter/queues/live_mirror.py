"""The bridges' live state, held in a web process and kept by the messages its hub hears.

The wallboard is drawn several times a second on a busy floor, and reading hundreds of
calls from the ``live.<node>.<kind>s`` hashes and parsing them was most of a drawing.
The process's hub hears every change anyway: each message carries the thing's full
state, the very body the bridge wrote to its hash in the same pipeline, and whether the
thing is still live follows from that body (``is_live``, the bridge's ``Publish.live``).
So the process keeps the state itself: loaded from the hashes when its hub (re)connects
(what was published meanwhile is lost) and again every ``RELOAD_SECONDS`` (a bridge that
replaces its whole snapshot, after a failed publish, does not name what it dropped),
changed by each message in between. A message heard while a load is under way is applied
again on top of what was loaded, so a load never takes a change back.

It also knows the nodes that have a link key (loaded with the rest, and each node whose
link a message tells of), so a drawing needs no scan of Redis's keys. Drawings read it
from worker threads while the hub changes it on the event loop: both hold the lock, each
briefly.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

from callcenter import topics

log = logging.getLogger(__name__)

KINDS = (topics.QUEUE, topics.AGENT, topics.CALL)
RELOAD_SECONDS = 5.0
LINK_SUFFIX = ".link.updated"  # topics.link_topic's end
# A load reads at most this many fields per round trip (a busy floor has hundreds of calls).
LOAD_BATCH = 500

Things = dict[str, dict[tuple[str, str], dict[str, Any]]]


def is_live(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether the bridge keeps the thing in its hash (the tracker's ``Publish.live``):
    a call until it ended, an agent while in some queue, a queue always."""
    if kind == topics.CALL:
        return payload.get("state") != "ended"
    if kind == topics.AGENT:
        return bool(payload.get("queues"))
    return True


def well_formed(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether a payload has the shape the wallboard's figures rely on (the bridge's):
    a queue's name and list of waiting callers, an agent's queues by name. Anything else
    on the bus (another program's message, a damaged value) is left out, never drawn."""
    if kind == topics.QUEUE:
        waiting = payload.get("waiting")
        return isinstance(payload.get("name"), str) and (
            waiting is None or (isinstance(waiting, list)
                                and all(isinstance(w, dict) for w in waiting)))
    if kind == topics.AGENT:
        queues = payload.get("queues")
        return queues is None or (isinstance(queues, dict)
                                  and all(isinstance(m, dict) for m in queues.values()))
    return True


_warned: set[str] = set()


def note_ill_formed(kind: str) -> None:
    """Say once per kind and process that such payloads are being left out (the kind
    only: a payload may hold a caller's number)."""
    if kind not in _warned:
        _warned.add(kind)
        log.warning("live state: a %s payload of an unexpected shape was left out", kind)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _parse(body: bytes | str) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _empty() -> Things:
    return {kind: {} for kind in KINDS}


class LiveMirror:
    """One web process's copy of every node's live queues, agents and calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._things: Things = _empty()
        self._heard_while_loading: list[tuple[str, str, dict[str, Any]]] | None = None
        self._link_nodes: set[str] = set()  # nodes with a link key, as last seen
        self._links_while_loading: set[str] = set()
        self.synced = False  # loaded since the hub last (re)connected
        self.loads = 0

    # ------------------------------------------------------------------ the hub's side
    def apply(self, topic: str, body: str) -> None:
        """One message the hub heard (any topic: those of other kinds are ignored)."""
        kind, ident = topics.kind_and_id(topic)
        if kind == topics.BRIDGE and topic.endswith(LINK_SUFFIX):
            node = topics.link_node(topic.removesuffix(".updated"))
            with self._lock:
                self._link_nodes.add(node)
                self._links_while_loading.add(node)
            return
        if kind not in KINDS:
            return
        payload = _parse(body)
        if payload is None:
            return
        with self._lock:
            if self._heard_while_loading is not None:
                self._heard_while_loading.append((kind, ident, payload))
            _apply(self._things, kind, ident, payload)

    def lost(self) -> None:
        """The hub lost Redis: messages are being missed until the next load."""
        self.synced = False

    async def load(self, client: Any) -> None:
        """Replace the state with the hashes' (an asyncio Redis client), keeping the
        changes heard meanwhile."""
        with self._lock:
            self._heard_while_loading = []
            self._links_while_loading = set()
        try:
            fresh = _empty()
            link_nodes = {topics.link_node(_text(key)) async for key in
                          client.scan_iter(match=topics.link_key("*"), count=500)}
            async for key in client.scan_iter(match=topics.live_key("*", "*"), count=500):
                parts = _text(key).split(".")
                if len(parts) != 3 or parts[2].removesuffix("s") not in KINDS:
                    continue
                node, kind = parts[1], parts[2].removesuffix("s")
                async for ident, body in client.hscan_iter(key, count=LOAD_BATCH):
                    payload = _parse(body)
                    if payload is not None:
                        payload.setdefault("node", node)
                        _apply(fresh, kind, _text(ident), payload)
            with self._lock:
                for kind, ident, payload in self._heard_while_loading:
                    _apply(fresh, kind, ident, payload)
                self._things = fresh
                self._link_nodes = link_nodes | self._links_while_loading
                self._heard_while_loading = None
            self.synced = True
            self.loads += 1
        finally:
            with self._lock:
                self._heard_while_loading = None

    # ------------------------------------------------------------------ the readers' side
    def read(self) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
        """Every live payload by kind, and the nodes that have any or a link key.

        The payloads are shared with the next readers: read them, never change them (a
        message replaces a payload whole, it never changes one)."""
        with self._lock:
            state = {kind: list(things.values()) for kind, things in self._things.items()}
            nodes = {node for things in self._things.values() for node, _ in things}
            nodes |= self._link_nodes
        return state, nodes


def _apply(things: Things, kind: str, ident: str, payload: dict[str, Any]) -> None:
    key = (str(payload.get("node") or ""), ident)
    if not well_formed(kind, payload):
        note_ill_formed(kind)
        things[kind].pop(key, None)
    elif is_live(kind, payload):
        things[kind][key] = payload
    else:
        things[kind].pop(key, None)
