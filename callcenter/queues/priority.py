"""Which queue's priority a report gets: the rule the IVR and the web queue share. Pure.

A person in danger now (the IVR's danger key, or a web report that says so) goes ahead
of everyone with the ``urgent`` queue's priority, whatever their language. Anyone else
who speaks another language than Thai is served by that language's queue (its agents
speak it); a Thai speaker with no issue chosen by the general queue.
"""

from __future__ import annotations

from callcenter.queues.catalog import BY_NAME, GENERAL, QUEUES, URGENT
from callcenter.taxonomy import Language


def language_queue(language: Language) -> str | None:
    """The queue whose agents speak ``language``, if it has its own (not Thai)."""
    for spec in QUEUES:
        if (
            spec.language == language
            and spec.issue_area is None
            and spec.name not in (URGENT, GENERAL)
        ):
            return spec.name
    return None


def urgent_priority() -> int:
    """The priority of immediate danger: the ``urgent`` queue's, the highest there is."""
    return BY_NAME[URGENT].priority


def general_priority(language: Language) -> int:
    """The priority of a report with no issue chosen: its language's queue, else general."""
    return BY_NAME[language_queue(language) or GENERAL].priority


def priority(language: Language, *, in_danger: bool) -> int:
    """What a report that chose no issue area waits with in a queue."""
    return urgent_priority() if in_danger else general_priority(language)
