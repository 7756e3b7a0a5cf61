"""Estimate how long a caller joining a queue now will wait, from the bridge's queue state.

Pure. The payload is the full state the bridge publishes as ``queue.<name>.updated``
(``callcenter.ami.queue_state``): ``waiting``, ``logged_in``, ``available``, ``paused`` and
Asterisk's running averages ``hold_time`` / ``talk_time`` in seconds.
"""

from __future__ import annotations

from typing import Any

# Until Asterisk has measured a talk time, assume a typical counselling call.
DEFAULT_TALK_SECONDS = 240.0
# Nobody can answer (all logged out or paused): a long wait, so a callback is offered.
NOBODY_SECONDS = 3600.0


def estimate_wait(payload: dict[str, Any]) -> float | None:
    """Seconds a new caller can expect to wait; ``None`` when the payload is unusable."""
    try:
        waiting = len(payload.get("waiting") or [])
        available = int(payload.get("available") or 0)
        logged_in = int(payload.get("logged_in") or 0)
        paused = int(payload.get("paused") or 0)
        talk = float(payload.get("talk_time") or 0) or DEFAULT_TALK_SECONDS
        hold = float(payload.get("hold_time") or 0)
    except (TypeError, ValueError, AttributeError):
        return None
    if available > waiting:
        return 0.0
    working = logged_in - paused
    if working <= 0:
        return NOBODY_SECONDS
    # Callers ahead of us (and us) share the working agents; each call lasts ``talk``.
    by_queue = (waiting + 1 - available) * talk / working
    return max(by_queue, hold)
