"""Where a call goes once the caller has chosen: queue, priority, flags. Pure.

Thai callers go to the queue of their issue area. Callers who chose another language go to
that language's queue (its agents speak it), keeping the issue's priority so a violence
report waits less than a welfare question there too; so do those with no usable choice or
whose IVR failed. Immediate danger and silent callers go to ``urgent`` whatever their
language: reaching someone matters more than the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callcenter.queues.catalog import BY_NAME, GENERAL, URGENT
from callcenter.queues.priority import language_queue, urgent_priority
from callcenter.taxonomy import IssueArea, Language

# language_queue and the urgent priority are shared with the web queue (callcenter.intake).
__all__ = ["Outcome", "Route", "for_issue", "general", "language_queue", "undecided", "urgent"]


class Outcome(StrEnum):
    CHOSEN = "chosen"  # the caller picked an issue or asked for an officer
    DANGER = "danger"  # the immediate-danger key
    SILENT = "silent"  # no key at all, or the "I cannot speak" key
    NO_CHOICE = "no_choice"  # invalid keys or silence after a language was chosen
    HANGUP = "hangup"  # the caller hung up in the IVR
    ERROR = "error"  # the IVR itself failed; the call still goes to the general queue


@dataclass(frozen=True, slots=True)
class Route:
    queue: str
    priority: int
    language: Language
    issue: IssueArea | None
    silent: bool
    outcome: Outcome


def for_issue(issue_queue: str, issue: IssueArea | None, language: Language) -> Route:
    """The route for a menu choice whose Thai queue is ``issue_queue``."""
    priority = BY_NAME[issue_queue].priority
    queue = issue_queue
    spoken = language_queue(language) if language != Language.THAI else None
    if spoken is not None:
        queue = spoken
        priority = max(priority, BY_NAME[spoken].priority)
    return Route(queue, priority, language, issue, False, Outcome.CHOSEN)


def urgent(language: Language, *, silent: bool) -> Route:
    outcome = Outcome.SILENT if silent else Outcome.DANGER
    return Route(URGENT, urgent_priority(), language, None, silent, outcome)


def general(language: Language, outcome: Outcome = Outcome.NO_CHOICE) -> Route:
    """No usable choice, or the IVR's own error: the general queue for a Thai caller, the
    language's own queue for the others (``operator``'s agents may not speak it)."""
    queue = language_queue(language) or GENERAL
    return Route(queue, BY_NAME[queue].priority, language, None, False, outcome)


def undecided(language: Language) -> Route:
    """A hang-up before any route was chosen: no queue, so the call is not counted as one."""
    return Route("", 0, language, None, False, Outcome.HANGUP)
