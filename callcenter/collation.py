"""Names in the order a reader looks them up: Thai dictionary order on Thai pages,
alphabetical order on English ones.

Python's own sort compares code points, which puts every Thai word that starts with a
leading vowel (เชียงใหม่, แพร่, โคราช, ใต้, ไทย) after all the others, since those vowels are
written first but come last in the Thai block. PyThaiNLP's collation reads such a word by its
first consonant, as a Thai dictionary does (it is pure Python, so it installs from PyPI
with no system library).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pythainlp.util import collate

T = TypeVar("T")


def thai_order(names: Iterable[str]) -> list[str]:
    """The names in Thai dictionary order."""
    return collate(list(names))


def in_name_order(items: Iterable[T], name: Callable[[T], str], lang: str = "th") -> list[T]:
    """The items sorted by their name as the page's language reads it; items with the same
    name keep their order (a stable sort)."""
    items = list(items)
    if lang == "en":
        return sorted(items, key=lambda item: name(item).casefold())
    rank = {text: i for i, text in enumerate(thai_order({name(item) for item in items}))}
    return sorted(items, key=lambda item: rank[name(item)])


def display_name(item: object, lang: str = "th") -> str:
    """A record's name in the language: ``name_en`` on English pages when it has one,
    else ``name_th`` (agencies without an English name are shown in Thai)."""
    name_th = getattr(item, "name_th", "") or ""
    name_en = getattr(item, "name_en", "") or ""
    return (name_en or name_th) if lang == "en" else (name_th or name_en)


def by_display_name(items: Iterable[T], lang: str = "th") -> list[T]:
    """Records with ``name_th``/``name_en`` (provinces, districts, agencies, units) in the
    order of the names the page shows."""
    return in_name_order(items, lambda item: display_name(item, lang), lang)
