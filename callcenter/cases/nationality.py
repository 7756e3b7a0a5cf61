"""Nationalities as staff pick them: ISO 3166-1 alpha-2 codes with names in Thai or English.

The names come from pycountry (its ``iso3166-1`` gettext catalogue holds the Thai ones),
never from a table of our own. The list starts with Thailand and its neighbours whose
nationals most often call the hotline (Myanmar, Cambodia, Laos), then the stateless and
unknown choices, then every other country sorted in the page's language.

Two codes outside ISO 3166-1 stand for what a person's papers may not say: ``XX`` for
stateless (a user-assigned code of ISO 3166-1) and ``ZZ`` for unknown (CLDR's "unknown
region").
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

FIRST = ("TH", "MM", "KH", "LA")
STATELESS = "XX"
UNKNOWN = "ZZ"
SPECIAL = {STATELESS: ("ไร้สัญชาติ", "Stateless"), UNKNOWN: ("ไม่ทราบสัญชาติ", "Unknown")}
# Thai names read better short where pycountry's is the formal one.
_THAI_COMMON = {"LA": "ลาว"}
# Thai vowels written before the consonant they follow in speech; sorting swaps them.
_LEADING_VOWELS = "เแโใไ"


@cache
def _thai() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["th"],
                               fallback=True)


@cache
def codes() -> frozenset[str]:
    """Every code a person's nationality may hold."""
    return frozenset({country.alpha_2 for country in pycountry.countries} | set(SPECIAL))


def is_known(code: str) -> bool:
    return code in codes()


def label(code: str, lang: str) -> str:
    """The name of ``code`` in ``lang`` ("th" or "en"); an unknown code is shown as it is."""
    if code in SPECIAL:
        thai, english = SPECIAL[code]
        return thai if lang == "th" else english
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if lang != "th":
        return name
    if code in _THAI_COMMON:
        return _THAI_COMMON[code]
    # The catalogue translates some countries under their short name, others under the
    # formal one: the first translated wins, else the English name.
    for english in (name, country.name, getattr(country, "official_name", None)):
        if english and (thai := _thai().gettext(english)) != english:
            return thai
    return name


def _sort_key(text: str, lang: str) -> tuple[bool, str]:
    """Dictionary order near enough: Thai dictionaries file เขมร under ข; on the Thai
    list the few names the catalogue lacks (in Latin letters) come after the Thai ones."""
    if lang == "th" and len(text) > 1 and text[0] in _LEADING_VOWELS:
        text = text[1] + text[0] + text[2:]
    latin = lang == "th" and not "\u0e00" <= text[0] <= "\u0e7f"
    return latin, text.casefold()


@cache
def choices(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for a list: Thailand, its neighbours, stateless, unknown, then the rest."""
    head = [(code, label(code, lang)) for code in (*FIRST, STATELESS, UNKNOWN)]
    rest = sorted(((country.alpha_2, label(country.alpha_2, lang))
                   for country in pycountry.countries if country.alpha_2 not in FIRST),
                  key=lambda pair: _sort_key(pair[1], lang))
    return tuple(head + rest)
