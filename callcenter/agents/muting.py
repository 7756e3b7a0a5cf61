"""An agent's browser phone muted in a call, as the wallboard shows it.

Mute is only in the browser (the microphone track is switched off, no SIP message):
Asterisk never hears of it, so the console keeps it. ``static/softphone.js`` reports each
mute and unmute of the agent's own call; this stores the call that was muted
(``topics.MUTED_KEY``: the phone's device name → uniqueid) and publishes
``topics.muted_topic`` so the wallboard draws itself again. The wallboard counts a mute
only while that call is the agent's current call in the bridge's live state, so a call's
end clears it however the page went away. No number, name or word of the caller is
kept: the call's uniqueid only. Not audited: it changes no record and no queue state
(the pause and resume of ``state`` are).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from callcenter import topics
from callcenter.agents.state import device


def report(redis: Any, *, interface: str, call: str, muted: bool) -> None:
    """Store (or clear) the mute of ``call`` on this phone and tell the wallboards."""
    pipe = redis.pipeline(transaction=False)
    if muted:
        pipe.hset(topics.MUTED_KEY, device(interface), call)
    else:
        pipe.hdel(topics.MUTED_KEY, device(interface))
    pipe.publish(topics.muted_topic(interface), json.dumps(
        {"interface": interface, "call": call, "muted": muted}))
    pipe.execute()


def read(redis: Any) -> dict[str, str]:
    """Device name (``agent1`` of PJSIP/agent1) → the uniqueid of the call muted on it."""
    return {_text(k): _text(v) for k, v in redis.hgetall(topics.MUTED_KEY).items()}


def muted(agent: Mapping[str, Any], mutes: Mapping[str, str]) -> bool:
    """Whether this live agent is muted in the call they are in now."""
    call = agent.get("current_call")
    return bool(call) and any(mutes.get(device(str(agent.get(key) or ""))) == call
                              for key in ("interface", "state_interface"))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
