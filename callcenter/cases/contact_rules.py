"""The rules of a case's later contacts, pure: which channels are recorded by hand, when a
contact may have happened, how long its summary may be. No session, no clock reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from callcenter.cases.models import CaseStatus, ContactChannel
from callcenter.errors import InvalidInput

SUMMARY_MAX = 500
# The calls an agent picks from on the case page: their own of the last day.
RECENT_CALLS = timedelta(hours=24)
# A worker's clock a little ahead of the server's still means "now".
CLOCK_SKEW = timedelta(minutes=5)
# A call is attached (it has its record); these are written by hand, as the other
# intake channels will be.
BY_HAND = frozenset({ContactChannel.WALK_IN, ContactChannel.MESSAGE})


def may_attach_to(status: CaseStatus) -> bool:
    """A closed case takes no contact: it is reopened first, with its reason."""
    return status is not CaseStatus.CLOSED


def check_by_hand(channel: ContactChannel) -> None:
    if channel not in BY_HAND:
        raise InvalidInput("a call is attached from the call list, not recorded by hand",
                           field="channel")


def check_occurred_at(occurred_at: datetime, *, opened_at: datetime, now: datetime) -> None:
    """A later contact happened after the case was opened and not in the future.

    Before the opening it would be the case's first contact, which the case clock takes
    from the calls or the opening (``cases.clock.first_contact``); the other intake
    channels will record theirs as first contacts.
    """
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidInput("a contact cannot be in the future", field="occurred_at")
    if occurred_at < opened_at:
        raise InvalidInput("a later contact cannot be before the case was opened",
                           field="occurred_at")


def clean_summary(summary: str | None) -> str | None:
    text = (summary or "").strip()
    if len(text) > SUMMARY_MAX:
        raise InvalidInput(f"the summary holds at most {SUMMARY_MAX} characters",
                           field="summary")
    return text or None
