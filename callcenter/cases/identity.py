"""Thai national ID numbers: checked, then kept only as a keyed digest and last digits."""

import hashlib
import hmac


def is_valid_national_id(value: str) -> bool:
    """13 digits whose last is the mod-11 check digit of the first twelve."""
    if len(value) != 13 or not value.isdigit():
        return False
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(value[:12]))
    return (11 - total % 11) % 10 == int(value[12])


def normalise(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def digest(national_id: str, *, key: str) -> str:
    """HMAC-SHA256, so the same person is found again without the number being stored."""
    return hmac.new(key.encode(), normalise(national_id).encode(), hashlib.sha256).hexdigest()
