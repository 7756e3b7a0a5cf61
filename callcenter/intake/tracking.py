"""Tracking codes: what a reporter keeps to come back, and the digest kept of it. Pure.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in
groups of four: about 59 bits, so guessing one among many reports is hopeless, and the
lookups are rate-limited besides. Only a keyed digest (HMAC-SHA256 with the secret key)
is stored: a copy of the database alone does not let anyone try codes offline.

A submission that carries an idempotency key (the app, the website's form) gets a code
derived from that key instead of a fresh one, so a retried submission is answered with
the same code as the first: the key is random (``secrets`` on the form, a UUID in the
app) and is itself stored only as a digest, so nothing kept lets anyone rebuild a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    """A fresh random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_for_key(idempotency_key: str, *, key: str) -> str:
    """The code a submission with this idempotency key gets, the same each time."""
    digest = hmac.new(key.encode(), f"tracking-code:{idempotency_key}".encode(),
                      hashlib.sha256).digest()
    # Each byte mapped onto the 31 letters: the first eight come a little more often
    # (9 in 256 against 8), which costs far less than a bit over the whole code.
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


def normalise(text: str) -> str | None:
    """The code as typed (any case, spaces or dashes), or ``None`` if it cannot be one."""
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def shown(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to copy by hand."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def digest(code: str, *, key: str) -> str:
    """The keyed digest a code is stored and looked up by."""
    return hmac.new(key.encode(), f"tracking:{code}".encode(), hashlib.sha256).hexdigest()


def key_digest(idempotency_key: str, *, key: str) -> str:
    """The keyed digest an idempotency key is stored by (never the key itself)."""
    return hmac.new(key.encode(), f"idempotency:{idempotency_key}".encode(),
                    hashlib.sha256).hexdigest()


def address_digest(address: str | None, *, key: str) -> str | None:
    """The keyed digest of a sender's address, to count flagged reports per address."""
    if not address:
        return None
    return hmac.new(key.encode(), f"address:{address}".encode(), hashlib.sha256).hexdigest()
