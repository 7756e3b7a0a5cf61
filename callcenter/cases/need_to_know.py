"""Need to know: who may read a case, and why (PDPA section 26, sensitive data).

A case holds the most sensitive data the hotline keeps, so an agent reads only the cases
their work needs: those they own or opened, their team's, and one linked to the call
they are handling now. Any other case is opened through search with a stated reason
("break the glass"), which gives a grant for the rest of a shift and is listed for the
supervisors to review. Supervisors and admins read every case. Unit members never read
a case through the case pages: they keep their dispatch view.

Pure: the caller gathers the facts (``callcenter.cases.read_rights``) and the clock.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from callcenter.agents.models import Role
from callcenter.errors import InvalidInput, NotFound

# A grant lasts one shift's length from the moment it is given (the hotline works
# three 8-hour shifts): the agent finishes the work that needed it, then it lapses.
GRANT_LENGTH = timedelta(hours=8)
# An ended call keeps its case readable a while: the agent writes up the call's notes,
# referral and dispatch after hanging up.
AFTER_CALL = timedelta(minutes=30)
# A call the bridge never saw end (a lost link) stops counting once it is older than a
# shift: nobody talks that long, and the record alone must not open a case for ever.
LONGEST_CALL = timedelta(hours=8)
REASON_MIN = 10
REASON_MAX = 300
ALL_CASES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Why(StrEnum):
    """Why a viewer may read a case, the first that applies in this order."""

    ROLE = "role"                  # supervisors and admins read every case
    OWNER = "owner"                # they own the case or opened it
    TEAM = "team"                  # the case is their team's
    CURRENT_CALL = "current_call"  # the case is linked to the call they handle now
    GRANT = "grant"                # they broke the glass, with a reason, this shift


class CaseHidden(NotFound):
    """A case this viewer may not read: answered as a missing one (404), so an id tells
    nothing; the console's page says how to open it with a reason."""


@dataclass(frozen=True, slots=True)
class CaseKeys:
    """What the rule needs of a case (a ``Case`` row has the same attributes)."""

    id: int
    owner_id: int | None
    created_by_id: int | None
    team_id: int | None


@dataclass(frozen=True, slots=True)
class Grant:
    case_id: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ViewerFacts:
    """What is known of the viewer: their teams, the cases of the call they handle now,
    their grants (expired ones are ignored here, so the caller may pass any)."""

    user_id: int
    role: Role
    team_ids: frozenset[int] = frozenset()
    current_call_case_ids: frozenset[int] = frozenset()
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True, slots=True)
class Access:
    why: Why
    # When a grant ends (the case page says so); None for the other reasons.
    until: datetime | None = None


def access(viewer: ViewerFacts, case, *, now: datetime) -> Access | None:
    """Why this viewer may read the case (``CaseKeys`` or a ``Case``), or None."""
    if viewer.role in ALL_CASES:
        return Access(Why.ROLE)
    if viewer.role is not Role.AGENT:
        return None  # unit members read dispatches, never the case file
    if viewer.user_id in (case.owner_id, case.created_by_id):
        return Access(Why.OWNER)
    if case.team_id is not None and case.team_id in viewer.team_ids:
        return Access(Why.TEAM)
    if case.id in viewer.current_call_case_ids:
        return Access(Why.CURRENT_CALL)
    grant = grant_in_force(viewer.grants, case.id, now=now)
    if grant is not None:
        return Access(Why.GRANT, until=grant.expires_at)
    return None


def why_may_read(viewer: ViewerFacts, case, *, now: datetime) -> Why | None:
    found = access(viewer, case, now=now)
    return found.why if found else None


def readable_ids(viewer: ViewerFacts, cases: Iterable, *, now: datetime) -> set[int]:
    """The ids of those cases the viewer may read (the search marks the others)."""
    return {c.id for c in cases if why_may_read(viewer, c, now=now) is not None}


def grant_in_force(grants: Collection[Grant], case_id: int, *, now: datetime) -> Grant | None:
    """The viewer's latest-ending grant on the case that has not expired, if any."""
    live = [g for g in grants if g.case_id == case_id and g.expires_at > now]
    return max(live, key=lambda g: g.expires_at, default=None)


def grant_expiry(granted_at: datetime) -> datetime:
    return granted_at + GRANT_LENGTH


def call_counts(*, started_at: datetime, ended_at: datetime | None, now: datetime) -> bool:
    """Whether a call (already known to be the viewer's) is still "the call they handle
    now": up, or ended less than ``AFTER_CALL`` ago; an unended record no older than
    ``LONGEST_CALL``."""
    if ended_at is None:
        return now - started_at <= LONGEST_CALL
    return now - ended_at <= AFTER_CALL


def check_reason(reason: str | None) -> str:
    """The stated reason, trimmed; 10 to 300 characters, else a 422 on ``reason``."""
    text = " ".join((reason or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise InvalidInput(f"the reason must be {REASON_MIN} to {REASON_MAX} characters",
                          field="reason")
    return text
