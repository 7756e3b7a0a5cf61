"""A dispatch step's note as a person reads it, in the page's language.

The system writes a few notes itself, in English and with a channel's code ("acknowledged
via voice"); those rows are already stored, so they are read back here and named in the
page's language, and so is the outcome code a completed visit records. Anything else is
what a person typed and is shown as they wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# (what the system wrote, the message that says it); the supervisor's comes first, as it
# also starts with "acknowledged via".
SYSTEM_NOTES = (
    (re.compile(r"acknowledged via a hotline supervisor for the unit: (?P<note>.*)", re.S),
     "labels.note.acknowledged_for_unit"),
    (re.compile(r"acknowledged via (?P<channel>\w+)"), "labels.note.acknowledged_via"),
    (re.compile(r"alert delivered by (?P<channel>\w+)"), "labels.note.alert_delivered"),
)


def unit_outcome(outcome: str | None, gettext: Callable[..., str]) -> str:
    """A unit's outcome code ("helped_on_site") by its name; an outcome the catalogue does
    not know (typed through the API) as it was written."""
    if not outcome:
        return ""
    key = f"unit.outcome.{outcome}"
    named = gettext(key)
    return outcome if named == key else named


def dispatch_note(note: str | None, gettext: Callable[..., str]) -> str:
    """The note in the language of ``gettext`` (the page's ``_``); "" for no note."""
    if not note:
        return ""
    for pattern, key in SYSTEM_NOTES:
        found = pattern.fullmatch(note)
        if found is None:
            continue
        values = found.groupdict()
        if "channel" in values:
            values["channel"] = gettext(f"admin_units.channel.{values['channel']}")
        return gettext(key, **values)
    # The step that closes a visit carries the unit's outcome code as its note.
    return unit_outcome(note, gettext)
