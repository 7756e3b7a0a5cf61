"""What a flow knows about its call when it starts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.prompts import PromptCatalog


@dataclass(frozen=True, slots=True)
class CallContext:
    call_id: str  # Asterisk's uniqueid of the channel running the AGI
    number: str = ""  # the caller's number, "" when withheld; never logged
    args: tuple[str, ...] = ()  # the AGI() arguments after the URL
    prompts: PromptCatalog = field(default_factory=PromptCatalog)
    # Offer a call back when the estimated wait is over this many seconds; None: never.
    callback_threshold_s: float | None = 120.0
