"""Who is watching a unit's console: one entry per open console stream, with a deadline.

A Redis publish succeeds whether or not anyone reads it, and the number of listeners
it reports counts every web process's hub, not unit members. So each unit console
stream keeps an entry in ``presence:unit.<id>`` (a sorted set: stream token → expiry),
refreshed by its heartbeat and removed when it closes; an entry whose stream died
without closing runs out after ``TTL_SECONDS``. The console channel alerts only a unit
with an entry still alive, and fails at once otherwise, so the ladder moves on.

Deadlines are read from Redis's own clock (``TIME``), so web and worker machines whose
clocks disagree still agree on who is present.
"""

from __future__ import annotations

import redis as redis_lib
import redis.asyncio as aioredis

from callcenter.topics import unit_presence_key

# The hub sends a keep-alive at least every 15 s; three missed ones mean the tab is gone.
TTL_SECONDS = 45
REFRESH_SECONDS = 10

_NOW = ("local t = redis.call('TIME') "
        "local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 ")
TOUCH = _NOW + """
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return redis.call('ZCARD', KEYS[1])
"""
COUNT = _NOW + "return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')"


def present(redis: redis_lib.Redis, unit_id: int) -> int:
    """How many of the unit's console streams are alive now."""
    return int(redis.eval(COUNT, 1, unit_presence_key(unit_id)))


def touch(redis: redis_lib.Redis, unit_id: int, token: str,
          ttl: float = TTL_SECONDS) -> int:
    return int(redis.eval(TOUCH, 1, unit_presence_key(unit_id), token, ttl))


async def touch_async(redis: aioredis.Redis, unit_id: int, token: str,
                      ttl: float = TTL_SECONDS) -> int:
    return int(await redis.eval(TOUCH, 1, unit_presence_key(unit_id), token, ttl))


async def leave_async(redis: aioredis.Redis, unit_id: int, token: str) -> None:
    await redis.zrem(unit_presence_key(unit_id), token)
