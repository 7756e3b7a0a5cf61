"""Thai first, English on a switch: message catalogues and the request's language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
COOKIE = "lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def pick_language(query: str | None, cookie: str | None) -> str:
    """An explicit ?lang= wins, then the cookie; otherwise Thai."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translator(lang: str):
    messages = catalogue(lang)
    fallback = catalogue(DEFAULT_LANGUAGE)

    def gettext(key: str, **values: object) -> str:
        text = messages.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return gettext
