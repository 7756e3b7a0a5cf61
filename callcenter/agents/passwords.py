"""What a chosen password must be (NIST SP 800-63B, 5.1.1.2): long enough, not common.

No composition rules (a digit, a capital…) and no expiry: they push people toward
predictable variations. Instead a password is refused when it is too short, or when it is
one an attacker tries first: a widely known common password or keyboard walk from the list
shipped in ``data/common_passwords.txt``, a repeated or sequential run, or
one built only from words of its context (the hotline, its number, the ministry, the
person's own login and name) with digits and punctuation around them. Length counts
Unicode characters, so a Thai passphrase is as welcome as any other. Pure: no session,
no clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from callcenter.errors import InvalidInput

MIN_LENGTH = 12
# Long passphrases are welcome; the cap only keeps argon2's input bounded.
MAX_LENGTH = 200
# In data/: the packaging ships every package's data/ folder (pyproject package-data).
COMMON_FILE = Path(__file__).with_name("data") / "common_passwords.txt"

# Words every attacker of this hotline tries with digits around them, besides the list.
CONTEXT_WORDS = (
    "hotline", "1300", "saiduan", "saidun", "prachabodi", "phom", "pormor", "msdhs",
    "ministry", "social", "development", "human", "security", "sangkhom", "phatthana",
    "pattana", "mankhong", "manut", "krasuang", "callcenter", "password", "admin", "agent",
    "supervisor", "welcome", "สายด่วน", "ประชาบดี", "พม", "กระทรวง", "พัฒนาสังคม",
    "ความมั่นคงของมนุษย์", "รหัสผ่าน",
)
# What is left once the context words are taken out must be at least this long.
MIN_OWN_PART = 4
# Rows a finger slides along: a password inside one of them (either way) is a walk.
RUNS = (
    "abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
    "!@#$%^&*()_+", "ๆไำพะัีรนยบลฃ", "ฟหกดเ้่าสวงฃ", "ผปแอิืทมใฝ",
    "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ",
)


class WeakPassword(InvalidInput):
    """A chosen password the policy refuses; ``code`` says why (one message each)."""

    def __init__(self, code: str, message: str, *, field: str = "password") -> None:
        super().__init__(message, field=field)
        self.code = code


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, folded: one password per line, ``#`` starts a comment."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line) for line in lines if line.strip() and not line.startswith("#"))


def _fold(text: str) -> str:
    # NFC so a Thai vowel typed in another order compares equal; casefold for "Password".
    return unicodedata.normalize("NFC", text).strip().casefold()


def check(password: str, *, personal: Iterable[str | None] = (),
          field: str = "password") -> None:
    """Raise ``WeakPassword`` unless the password may be chosen.

    ``personal``: the person's own login and display name; a password made only of them
    (and the hotline's words) with digits or punctuation is refused.
    """
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise WeakPassword("password_too_short",
                           f"a password needs at least {MIN_LENGTH} characters", field=field)
    if length > MAX_LENGTH:
        raise WeakPassword("password_too_long",
                           f"a password has at most {MAX_LENGTH} characters", field=field)
    folded = _fold(password)
    if folded in common_passwords() or _is_run(folded):
        raise WeakPassword("password_common", "that password is too common", field=field)
    if len(_own_part(folded, _words(personal))) < MIN_OWN_PART:
        raise WeakPassword("password_personal",
                           "that password is made of your name, your login or the hotline's "
                           "words", field=field)


def _is_run(folded: str) -> bool:
    """One character repeated, or a stretch of a keyboard row or the alphabet (either way)."""
    if len(set(folded)) <= 2:
        return True
    for run in RUNS:
        doubled = run * 3
        if folded in doubled or folded in doubled[::-1]:
            return True
    return False


def _words(personal: Iterable[str | None]) -> list[str]:
    """The context words and the person's own, longest first (so "somchai" goes before "som")."""
    words = set(CONTEXT_WORDS)
    for value in personal:
        if not value:
            continue
        folded = _fold(value)
        words.add(re.sub(r"[\W_]+", "", folded))
        words.update(part for part in re.split(r"[\W_]+", folded) if len(part) >= 3)
    return sorted((w for w in words if w), key=len, reverse=True)


def _own_part(folded: str, words: list[str]) -> str:
    """The letters left once the context words, digits, spaces and punctuation are gone."""
    for word in words:
        folded = folded.replace(word, "")
    return "".join(ch for ch in folded if ch.isalpha() or unicodedata.category(ch) == "Mn")
