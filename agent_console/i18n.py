"""Thai first, English on a switch: message catalogues and the request's language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
COOKIE = "lang"
# The public report pages speak these too (the languages of the IVR): their catalogues
# hold the public pages' files only (webform.json), and the console stays Thai/English.
PUBLIC_LANGUAGES = ("th", "en", "my", "km", "lo")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All of a language's messages; each feature keeps its own file (core, cases …)."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            if key in messages:
                raise ValueError(f"message {key} is defined twice ({path.name})")
            messages[key] = text
    return messages


def pick_language(query: str | None, cookie: str | None) -> str:
    """An explicit ?lang= wins, then the cookie; otherwise Thai."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def pick_public_language(query: str | None, form: str | None = None) -> str:
    """The public pages' language: the link's ?lang=, else the form's field; else Thai.
    No cookie: a phone shared with the person one reports must not remember the visit."""
    for candidate in (query, form):
        if candidate in PUBLIC_LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translator(lang: str):
    messages = catalogue(lang)
    fallback = catalogue(DEFAULT_LANGUAGE)

    def gettext(key: str, **values: object) -> str:
        text = messages.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return gettext
