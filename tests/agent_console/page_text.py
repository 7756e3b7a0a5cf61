"""What a person reads on a page, and the codes that must never be part of it.

The visible text is the text between tags, outside scripts, styles and templates:
attributes, URLs and JSON are for the browser and may carry codes freely.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from html.parser import HTMLParser

import callcenter

HIDDEN_ELEMENTS = {"script", "style", "template", "noscript", "textarea", "code"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The page's text nodes as a reader sees them, one per node."""
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


def _import_every_domain_module() -> None:
    for module in pkgutil.walk_packages(callcenter.__path__, "callcenter."):
        if ".simulators" in module.name or module.name.endswith("__main__"):
            continue
        importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def domain_codes() -> set[str]:
    """Every value of every StrEnum the domains define: codes stored and exchanged,
    each with a name in the catalogue for people to read."""
    _import_every_domain_module()
    return {member.value for cls in _subclasses(enum.StrEnum)
            if cls.__module__.startswith("callcenter.") for member in cls}


def codes_shown(texts: list[str], codes: set[str], *, lang: str) -> set[str]:
    """The codes a page shows as words. On an English page a code that is also a plain
    lower-case English word ("police", "low") may be that word; one with an underscore
    never is. On a Thai page no code of Latin letters belongs in the running text."""
    suspects = {c for c in codes if "_" in c} if lang == "en" else {
        c for c in codes if len(c) >= 3 and c.isascii() and any(ch.isalpha() for ch in c)}
    found = set()
    for text in texts:
        if lang == "en":
            words = re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", text)
        else:
            # A run of Latin text as a whole ("(homeless)" is a code; a contact labelled
            # "duty phone" by an admin is their own words, not the code "phone").
            words = [run.strip() for run in re.findall(r"[A-Za-z][A-Za-z0-9_\- ]*", text)]
        found |= {word for word in words if word in suspects}
    return found
