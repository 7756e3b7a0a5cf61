"""Partner applications' keys: their shape, their digest, the idempotency key's scope. Pure.

A key reads ``hl1300_<prefix>_<secret>``: the prefix (8 characters) is kept in clear so
admins can tell keys apart on the list and a partner can say which key they hold; the
secret is 32 random bytes (``secrets``). Only a keyed digest of the whole key is stored.

Why HMAC-SHA256 and not argon2 as for people's passwords: a password is short and
guessable, so its hash must be slow to try offline. A 256-bit random key cannot be
guessed however fast the hash, and the key is checked on every request of an app that
may send many a minute; argon2 there would cost tens of milliseconds and memory per
request for no gain. The HMAC's key (the console's secret) means a copy of the table
alone is not even a list of hashes to compare against.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "hl1300"
PREFIX_BYTES = 6  # 8 characters of URL-safe base64
SECRET_BYTES = 32
KEY_SHAPE = re.compile(rf"^{SCHEME}_([A-Za-z0-9_-]{{8}})_([A-Za-z0-9_-]{{43}})$")
# The app's own Idempotency-Key header: random (a UUID, ``secrets.token_urlsafe``).
IDEMPOTENCY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,80}$")
MIN_PER_MINUTE, MAX_PER_MINUTE = 1, 600
WINDOW_SECONDS = 60


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix: ``(key, prefix)``."""
    while True:
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        # A prefix with "_" would make the key's parts ambiguous to read aloud; draw again.
        if "_" not in prefix:
            break
    return f"{SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def prefix_of(presented: str) -> str | None:
    """The prefix of something shaped like a key, or ``None`` (then it is no key at all)."""
    found = KEY_SHAPE.match(presented)
    return found.group(1) if found else None


def digest(key: str, *, secret: str) -> str:
    """The keyed digest a key is stored and looked up by."""
    return hmac.new(secret.encode(), f"app-key:{key}".encode(), hashlib.sha256).hexdigest()


def scoped_idempotency_key(app_key_id: int, idempotency_key: str) -> str | None:
    """The idempotency key as the intake stores it: one application's key never meets
    another's, so no app can get back a report another app sent. ``None`` when the
    app's key is not of the accepted shape."""
    if not IDEMPOTENCY_SHAPE.match(idempotency_key):
        return None
    return f"app{app_key_id}-{idempotency_key}"


def retry_after(ttl_seconds: int | None) -> int:
    """Seconds until a refused app may send again: what is left of its minute, at least 1
    (Redis's TTL, which is -1 or -2 when the count has no expiry or is gone)."""
    if ttl_seconds is not None and ttl_seconds > 0:
        return ttl_seconds
    return WINDOW_SECONDS
