"""Per-address limits of the public pages, per-key limits of the partner applications,
counted in Redis, and the honeypot's count.

A fixed window per sender and kind: the first submission sets the count's expiry, each
one adds one, and past the limit the sender is refused until the window ends. The
sender is a keyed digest of the address (``tracking.address_digest``), so Redis holds
no address. Many people may share one address (a school, a mobile operator's NAT), so
the limits are generous; they stop floods, not people.

If Redis is lost the limits are not applied: someone in danger must still be able to
report, and the form's other checks (size, honeypot, signed form) still stand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import redis

from callcenter import topics
from callcenter.intake import app_key_rules

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window_seconds: int


REPORT = "report"
TRACK = "track"
LIMITS = {
    REPORT: Limit(count=5, window_seconds=600),  # 5 reports in 10 minutes
    TRACK: Limit(count=30, window_seconds=600),  # 30 code lookups or additions
}
HONEYPOT_DAYS = 2


def allow(client: redis.Redis, kind: str, sender: str | None) -> bool:
    """Count one more of ``kind`` for the sender; False once past the limit."""
    limit = LIMITS[kind]
    key = topics.public_limit_key(kind, sender or "unknown")
    try:
        with client.pipeline() as pipe:
            pipe.set(key, 0, ex=limit.window_seconds, nx=True)
            pipe.incr(key)
            _, count = pipe.execute()
    except redis.RedisError as exc:
        log.warning("public %s limit not applied: Redis unavailable (%s)", kind,
                    type(exc).__name__)
        return True
    return int(count) <= limit.count


def app_wait(client: redis.Redis, app_key_id: int, per_minute: int) -> int | None:
    """Count one more report of a partner application in its minute; ``None`` while it
    is within its own limit, else the seconds until it may send again (Retry-After)."""
    key = topics.app_limit_key(app_key_id)
    try:
        with client.pipeline() as pipe:
            pipe.set(key, 0, ex=app_key_rules.WINDOW_SECONDS, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = pipe.execute()
    except redis.RedisError as exc:
        log.warning("app limit not applied: Redis unavailable (%s)", type(exc).__name__)
        return None
    return None if int(count) <= per_minute else app_key_rules.retry_after(int(ttl))


def count_honeypot(client: redis.Redis, day: date) -> int | None:
    """One more submission caught by the trap field today; the day's count (or None)."""
    key = topics.honeypot_key(day.isoformat())
    try:
        with client.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, HONEYPOT_DAYS * 24 * 3600)
            count, _ = pipe.execute()
    except redis.RedisError:
        return None
    return int(count)
