"""The 1300 menus as data: which prompts, which keys, what each key means.

Change the hotline's menus here, not in the flow code. A prompt with ``language=None`` is
played in the caller's language; the language menu names each language explicitly so every
caller hears their own language offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callcenter.queues.catalog import GENERAL
from callcenter.taxonomy import IssueArea, Language
from ivr.prompts import PromptId

DANGER_KEY = "9"
CANNOT_SPEAK_KEY = "8"


class Action(StrEnum):
    LANGUAGE = "language"  # choose the language, go on to the problem menu
    ISSUE = "issue"  # route to the issue's queue
    DANGER = "danger"  # immediate danger: urgent queue
    SILENT = "silent"  # "I cannot speak": urgent queue, flagged
    GENERAL = "general"  # no usable choice: general queue


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    action: Action
    language: Language | None = None
    issue: IssueArea | None = None
    queue: str | None = None  # the Thai queue for an ISSUE


@dataclass(frozen=True, slots=True)
class Menu:
    name: str
    prompts: tuple[tuple[PromptId, Language | None], ...]
    options: tuple[Option, ...]
    timeout_ms: int = 5000
    attempts: int = 2
    # After ``attempts`` tries with no key pressed at all / with only wrong keys.
    on_silence: Action = Action.GENERAL
    on_invalid: Action = Action.GENERAL
    # Passes with no key at all before ``on_silence`` applies (None: ``attempts``).
    silent_attempts: int | None = None

    @property
    def keys(self) -> str:
        return "".join(o.key for o in self.options)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


_SAFETY = (
    Option(DANGER_KEY, Action.DANGER),
    Option(CANNOT_SPEAK_KEY, Action.SILENT),
)

LANGUAGE_MENU = Menu(
    name="language",
    # The danger and "cannot speak" keys come first: a Thai caller hears them after about
    # fifteen seconds, before the language offers.
    prompts=(
        (PromptId.WELCOME, Language.THAI),
        (PromptId.DANGER_HINT, Language.THAI),
        (PromptId.WELCOME, Language.ENGLISH),
        (PromptId.DANGER_HINT, Language.ENGLISH),
        *((PromptId.LANGUAGE_OFFER, lang) for lang in Language),
    ),
    options=(
        Option("1", Action.LANGUAGE, language=Language.THAI),
        Option("2", Action.LANGUAGE, language=Language.ENGLISH),
        Option("3", Action.LANGUAGE, language=Language.BURMESE),
        Option("4", Action.LANGUAGE, language=Language.KHMER),
        Option("5", Action.LANGUAGE, language=Language.LAO),
        *_SAFETY,
    ),
    # A caller who presses nothing here may be someone who cannot speak safely: after one
    # silent pass (about 45 s of prompts and waiting) they go to `urgent`, not round again.
    on_silence=Action.SILENT,
    silent_attempts=1,
)

PROBLEM_MENU = Menu(
    name="problem",
    prompts=((PromptId.PROBLEM_MENU, None), (PromptId.DANGER_HINT, None)),
    options=(
        Option("1", Action.ISSUE, issue=IssueArea.FAMILY_VIOLENCE, queue="violence"),
        Option("2", Action.ISSUE, issue=IssueArea.HUMAN_TRAFFICKING, queue="trafficking"),
        Option("3", Action.ISSUE, issue=IssueArea.CHILD_LABOUR, queue="trafficking"),
        Option("4", Action.ISSUE, issue=IssueArea.TEENAGE_PREGNANCY, queue="pregnancy"),
        Option("5", Action.ISSUE, issue=IssueArea.MISSING_PERSONS, queue="missing"),
        Option("6", Action.ISSUE, issue=IssueArea.HOMELESS, queue="homeless"),
        Option("7", Action.ISSUE, issue=IssueArea.WELFARE, queue="welfare"),
        Option("0", Action.ISSUE, issue=None, queue=GENERAL),
        *_SAFETY,
    ),
)

CALLBACK_KEYS = {"1": True, "2": False}
CALLBACK_TIMEOUT_MS = 5000

# The call back's greeting: heard twice at most, then the attempt counts as not reached.
GREETING_CONNECT_KEY = "1"
GREETING_ATTEMPTS = 2
GREETING_TIMEOUT_MS = 6000

DISPATCH_KEYS = {"1": "yes", "2": "no"}
DISPATCH_ATTEMPTS = 3
DISPATCH_TIMEOUT_MS = 8000
