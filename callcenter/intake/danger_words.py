"""Words in a web report that say a life is at risk now: the form's danger key. Pure.

Case-folded. Thai, Lao, Khmer and Burmese write without spaces between words, so their
words are found anywhere; an English word only at the start of a word ("killed" counts
as "kill", "skill" does not). The lists are
short and plain on purpose: a word that is on them raises a report to the urgent
priority, and an agent reads every report whatever its priority.
"""

from __future__ import annotations

import re

WORDS: dict[str, tuple[str, ...]] = {
    "th": ("ช่วยด้วย", "ฆ่า", "ปืน", "มีด", "อาวุธ", "ถูกขัง", "ขังไว้", "ลักพาตัว",
           "เลือดออก", "หมดสติ", "อันตราย", "กำลังทำร้าย", "จะทำร้าย"),
    "en": ("help me", "kill", "gun", "knife", "weapon", "suicide", "locked up",
           "locked in", "kidnap", "bleeding", "unconscious", "in danger"),
    "my": ("ကယ်ပါ", "သတ်", "သေနတ်", "ဓား"),
    "km": ("ជួយផង", "សម្លាប់", "កាំភ្លើង", "កាំបិត"),
    "lo": ("ຊ່ວຍແດ່", "ຂ້າ", "ປືນ", "ມີດ"),
}



def _pattern(word: str) -> str:
    return (r"\b" if word.isascii() else "") + re.escape(word.casefold())


# Whatever language the form was in: people mix them (a Thai form written in English).
_ANY = re.compile("|".join(_pattern(w) for words in WORDS.values() for w in words))


def found(text: str) -> bool:
    """Whether the text holds one of the danger words, in any of the languages."""
    return _ANY.search(text.casefold()) is not None
