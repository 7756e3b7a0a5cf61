"""Seal short secrets at rest (a TOTP secret, a national ID in a draft) with the
application's secret key.

HMAC-SHA256 in counter mode with an HMAC tag (encrypt-then-MAC), one key per purpose
derived from the secret key: the standard library has no block cipher, and values of a
few dozen bytes need no more than this. A value sealed for one purpose does not open
for another, and an altered value does not open at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_VERSION = "v1."


def _subkey(key: str, purpose: str, use: bytes) -> bytes:
    return hmac.new(key.encode(), f"seal:{purpose}:".encode() + use, hashlib.sha256).digest()


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
              for i in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(value: str, *, key: str, purpose: str) -> str:
    nonce = secrets.token_bytes(16)
    plain = value.encode()
    body = _xor(plain, _stream(_subkey(key, purpose, b"enc"), nonce, len(plain)))
    tag = hmac.new(_subkey(key, purpose, b"mac"), nonce + body, hashlib.sha256).digest()[:16]
    return _VERSION + base64.urlsafe_b64encode(nonce + body + tag).decode()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_VERSION)


def unseal(sealed: str, *, key: str, purpose: str) -> str | None:
    """The value, or None if it was not sealed with this key and purpose (or altered)."""
    if not is_sealed(sealed):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(_VERSION):])
    except ValueError:
        return None
    if len(raw) < 33:
        return None
    nonce, body, tag = raw[:16], raw[16:-16], raw[-16:]
    expected = hmac.new(_subkey(key, purpose, b"mac"), nonce + body,
                        hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(tag, expected):
        return None
    return _xor(body, _stream(_subkey(key, purpose, b"enc"), nonce, len(body))).decode()
