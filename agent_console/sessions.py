"""Server-side sessions in Redis.

The cookie holds only a random token; Redis holds the session under the token's SHA-256,
so a dump of Redis does not yield usable cookies. Sessions expire after an idle period
and at a hard limit (a shift), and a user's sessions can all be ended at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

IDLE_SECONDS = 60 * 60
ABSOLUTE_SECONDS = 13 * 60 * 60  # a 12-hour shift and its handover
COOKIE = "session"


@dataclass(frozen=True, slots=True)
class SessionData:
    token_hash: str
    user_id: int
    csrf_token: str
    created_at: float
    # Supervisors and admins pass a second factor before the session is complete.
    second_factor_done: bool


def _key(token_hash: str) -> str:
    return f"session:{token_hash}"


def _user_key(user_id: int) -> str:
    return f"user-sessions:{user_id}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    client: redis.Redis, *, user_id: int, second_factor_done: bool
) -> tuple[str, SessionData]:
    token = secrets.token_urlsafe(32)
    data = SessionData(
        token_hash=_hash(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=time.time(),
        second_factor_done=second_factor_done,
    )
    with client.pipeline() as pipe:
        pipe.hset(_key(data.token_hash), mapping={
            "user_id": user_id,
            "csrf": data.csrf_token,
            "created": data.created_at,
            "mfa": int(second_factor_done),
        })
        pipe.expire(_key(data.token_hash), IDLE_SECONDS)
        pipe.sadd(_user_key(user_id), data.token_hash)
        pipe.expire(_user_key(user_id), ABSOLUTE_SECONDS)
        pipe.execute()
    return token, data


def load(client: redis.Redis, token: str | None) -> SessionData | None:
    """The live session for a cookie token, sliding its idle expiry; None if gone."""
    if not token or len(token) > 128:
        return None
    token_hash = _hash(token)
    raw = client.hgetall(_key(token_hash))
    if not raw:
        return None
    values = {k.decode(): v.decode() for k, v in raw.items()}
    created = float(values["created"])
    if time.time() - created > ABSOLUTE_SECONDS:
        client.delete(_key(token_hash))
        return None
    client.expire(_key(token_hash), IDLE_SECONDS)
    return SessionData(
        token_hash=token_hash,
        user_id=int(values["user_id"]),
        csrf_token=values["csrf"],
        created_at=created,
        second_factor_done=values.get("mfa") == "1",
    )


def mark_second_factor_done(client: redis.Redis, data: SessionData) -> None:
    client.hset(_key(data.token_hash), "mfa", 1)


def end(client: redis.Redis, data: SessionData) -> None:
    client.delete(_key(data.token_hash))
    client.srem(_user_key(data.user_id), data.token_hash)


def end_all(client: redis.Redis, user_id: int) -> int:
    """Sign a user out everywhere; returns how many sessions were ended."""
    hashes = client.smembers(_user_key(user_id))
    with client.pipeline() as pipe:
        for token_hash in hashes:
            pipe.delete(_key(token_hash.decode()))
        pipe.delete(_user_key(user_id))
        pipe.execute()
    return len(hashes)
