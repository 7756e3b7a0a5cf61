"""The web queue's pure rules: a report's priority, the status its reporter sees, and
which agent's step may follow which state. No session, no clock, no I/O.

Priority is the IVR's (``callcenter.queues.priority``): a person in danger now waits
with the urgent queue's priority, anyone else with their language's queue's. A form
cannot hear a voice, so words that say a life is at risk now (``danger_words``) count as
pressing the IVR's danger key; an agent reads every report anyway, and a report raised
by a word it did not need costs little next to an urgent one left waiting.
"""

from __future__ import annotations

from enum import StrEnum

from callcenter.cases.models import CaseStatus
from callcenter.errors import Conflict
from callcenter.intake import danger_words
from callcenter.intake.models import ReportState
from callcenter.queues import priority as queue_priority
from callcenter.taxonomy import Language


class PublicStatus(StrEnum):
    """What the reporter reads with their code, in plain words (never the case itself)."""

    RECEIVED = "received"        # waiting for an officer
    IN_PROGRESS = "in_progress"  # an officer is working on it
    REFERRED = "referred"        # passed on to the agency or team that helps on the spot
    CLOSED = "closed"            # the work on it has ended


def is_urgent(what_happened: str, *, in_danger_now: bool) -> bool:
    return in_danger_now or danger_words.found(what_happened)


def priority(language: Language, *, urgent: bool) -> int:
    return queue_priority.priority(language, in_danger=urgent)


# A case's status as its reporter may know it: moving, passed on, or ended.
_CASE_STATUS = {
    CaseStatus.NEW: PublicStatus.IN_PROGRESS,
    CaseStatus.SCREENING: PublicStatus.IN_PROGRESS,
    CaseStatus.REFERRED: PublicStatus.REFERRED,
    CaseStatus.DISPATCHED: PublicStatus.REFERRED,
    CaseStatus.FOLLOW_UP: PublicStatus.REFERRED,
    CaseStatus.CLOSED: PublicStatus.CLOSED,
}


def public_status(state: ReportState, case_status: CaseStatus | None) -> PublicStatus:
    """The report's status in plain words. A prank or abuse reads as closed: the sender
    learns nothing of how it was judged."""
    if state is ReportState.FLAGGED:
        return PublicStatus.CLOSED
    if state is ReportState.WAITING:
        return PublicStatus.RECEIVED
    if state is ReportState.TAKEN or case_status is None:
        return PublicStatus.IN_PROGRESS
    return _CASE_STATUS[case_status]


def check_take(state: ReportState, *, taken_by_id: int | None, actor_id: int,
               boss: bool) -> None:
    """A waiting report may be taken by any agent; one taken by another agent only by a
    supervisor (someone off shift left it); a handled or flagged one by nobody."""
    if state in (ReportState.HANDLED, ReportState.FLAGGED):
        raise Conflict("this report was already dealt with", field="state")
    if state is ReportState.TAKEN and taken_by_id != actor_id and not boss:
        raise Conflict("another agent has taken this report", field="state")


def check_deal(state: ReportState, *, taken_by_id: int | None, actor_id: int,
               boss: bool) -> None:
    """Opening a case, attaching or flagging needs the report taken, by this agent (or a
    supervisor's say); a report already dealt with is not dealt with twice."""
    if state in (ReportState.HANDLED, ReportState.FLAGGED):
        raise Conflict("this report was already dealt with", field="state")
    if state is ReportState.WAITING:
        raise Conflict("take the report first", field="state")
    if taken_by_id != actor_id and not boss:
        raise Conflict("another agent has taken this report", field="state")


def may_read_content(state: ReportState, *, taken_by_id: int | None, actor_id: int,
                     boss: bool) -> bool:
    """Who reads what the person wrote: the agent who took it, and supervisors. A
    waiting report shows its priority, place and age only, until someone takes it."""
    if boss:
        return True
    return state is not ReportState.WAITING and taken_by_id == actor_id
