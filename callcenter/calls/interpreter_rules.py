"""The interpreters' rules, pure: which languages, whose hours cover a moment, the number.

Languages are ISO 639 codes (639-1 where one exists, else 639-3) named by pycountry, in
Thai from its ``iso639-3`` gettext catalogue. The hotline's usual needs come first in the
pick list (DOMAIN.md: migrant workers and trafficking victims often speak Burmese, Khmer
or Lao); any other living language may be added.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone
from functools import cache

import pycountry

# Bangkok has no daylight saving: a fixed offset is exact.
BANGKOK = timezone(timedelta(hours=7))
COMMON = ("my", "km", "lo", "en", "vi", "zh")
# Where pycountry's Thai catalogue has no name (Khmer), a formal one, or another than the
# console's (Burmese: เมียนมา, as the IVR and the public form say).
THAI_NAMES = {"km": "เขมร", "ms": "มลายู", "my": "เมียนมา"}
DAY_CODES = "0123456"  # Monday = 0, as datetime.weekday()


@cache
def _thai() -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["th"],
                               fallback=True)


def _record(code: str):
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    return pycountry.languages.get(alpha_3=code) if len(code) == 3 else None


def is_language(code: str) -> bool:
    return bool(code) and code == code.lower() and _record(code) is not None


def language_name(code: str, *, english: bool) -> str:
    """A language's name for the page's language; an unknown code is shown as it is."""
    record = _record(code)
    if record is None:
        return code
    if english:
        return record.name
    return THAI_NAMES.get(code) or _thai().gettext(record.name)


@cache
def all_codes() -> tuple[str, ...]:
    """Every living individual language, by its shortest code (the common ones first)."""
    codes = [getattr(lang, "alpha_2", None) or lang.alpha_3 for lang in pycountry.languages
             if getattr(lang, "type", "L") == "L" and getattr(lang, "scope", "I") in ("I", "M")]
    rest = sorted(set(codes) - set(COMMON))
    return COMMON + tuple(rest)


@cache
def pick_list_codes() -> tuple[str, ...]:
    """What the roster's form offers: the common languages first, then every language
    with a two-letter code (about 180). Seven thousand options would bury the ones a
    centre needs; any other ISO 639-3 code is still accepted through the API."""
    major = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return COMMON + tuple(sorted(major - set(COMMON)))


def days_of(text: str) -> str:
    """Weekday digits as stored: unique, in order, only 0-6; '' if none."""
    return "".join(d for d in DAY_CODES if d in text)


@dataclass(frozen=True)
class Hours:
    days: str
    from_time: time
    until_time: time

    def covers(self, local: datetime) -> bool:
        """Whether a Bangkok wall-clock moment is within these hours.

        An ``until_time`` at or before ``from_time`` runs past midnight: the hours after
        midnight belong to the day the shift began on.
        """
        now = local.time().replace(tzinfo=None)
        day = str(local.weekday())
        if self.from_time < self.until_time:
            return day in self.days and self.from_time <= now < self.until_time
        if now >= self.from_time:
            return day in self.days
        yesterday = str((local.weekday() - 1) % 7)
        return yesterday in self.days and now < self.until_time


def bangkok(at: datetime) -> datetime:
    """A UTC moment (naive ones are taken as UTC) on Bangkok's clock."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(BANGKOK)
