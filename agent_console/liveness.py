"""Whether Redis (live updates, the bridge's commands) answers, checked at most every few
seconds with a short timeout, so a page can say so without waiting on a dead server."""

from __future__ import annotations

import time
from typing import Any

import redis

CHECK_EVERY_SECONDS = 5.0
TIMEOUT_SECONDS = 0.5


def _probe(state: Any) -> redis.Redis:
    probe = getattr(state, "liveness_probe", None)
    if probe is None:
        url = state.settings.redis_url
        probe = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS,
                                     socket_timeout=TIMEOUT_SECONDS) if url else state.redis
        state.liveness_probe = probe
    return probe


def redis_answers(app: Any) -> bool:
    """Ask Redis now (no cache): for the readiness check a load balancer polls."""
    try:
        return bool(_probe(app.state).ping())
    except Exception:
        return False


def redis_ok(app: Any) -> bool:
    state = app.state
    now = time.monotonic()
    checked = getattr(state, "liveness_checked", None)
    if checked is not None and now - checked[0] < CHECK_EVERY_SECONDS:
        return checked[1]
    try:
        ok = bool(_probe(state).ping())
    except Exception:  # any failure means the same to the banner
        ok = False
    state.liveness_checked = (now, ok)
    return ok
