"""The wallboard's charts: a day of calls in quarter hours, by the board's own rules.

Pure: call records in (dicts with the ``calls`` columns), lists of figures out; the
clock (``now``) and the day's start are passed in. Each call counts in the quarter hour
it reached a queue (``queued_at``, else ``started_at``), so a quarter's offered, answered
and abandoned calls are the same callers. Answered and abandoned follow ``stats.Tally``
(abandoned = after more than ``stats.SHORT_ABANDON_SECONDS`` in the queue), and the
service level through the day is the board's own, counted from midnight to the end of
each quarter: the figure a supervisor would have read on the board at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from callcenter.queues import stats

BUCKET_MINUTES = 15
BUCKETS = 24 * 60 // BUCKET_MINUTES
BUCKET = timedelta(minutes=BUCKET_MINUTES)


def arrival(call: Mapping[str, Any]) -> datetime | None:
    return stats.parse_time(call.get("queued_at")) or stats.parse_time(call.get("started_at"))


def bucket_of(moment: datetime, day_start: datetime) -> int | None:
    """The quarter hour of the day ``moment`` falls in (None: another day)."""
    index = int((moment - day_start) // BUCKET)
    return index if 0 <= index < BUCKETS else None


def buckets_until(now: datetime, day_start: datetime) -> int:
    """How many quarters of the day have begun by ``now`` (the later ones are not drawn)."""
    return min(BUCKETS, max(0, int((now - day_start) // BUCKET) + 1))


def queued_calls(calls: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Inbound calls that reached a queue: the calls the board counts."""
    return [c for c in calls if c.get("queue_name")
            and str(c.get("direction") or "inbound") == "inbound"]


@dataclass(slots=True)
class Counts:
    """Calls offered, answered and abandoned (after waiting) per quarter hour."""

    offered: list[int]
    answered: list[int]
    abandoned: list[int]

    def as_dict(self) -> dict[str, list[int]]:
        return {"offered": self.offered, "answered": self.answered, "abandoned": self.abandoned}


def counts(calls: Iterable[Mapping[str, Any]], day_start: datetime) -> Counts:
    out = Counts([0] * BUCKETS, [0] * BUCKETS, [0] * BUCKETS)
    for call in queued_calls(calls):
        at = arrival(call)
        index = bucket_of(at, day_start) if at else None
        if index is None:
            continue
        out.offered[index] += 1
        outcome = str(call.get("outcome") or "in_progress")
        if call.get("answered_at") is not None:
            out.answered[index] += 1
        elif outcome == "abandoned" and not short_abandon(call):
            out.abandoned[index] += 1
    return out


def short_abandon(call: Mapping[str, Any]) -> bool:
    wait = call.get("wait_seconds")
    return wait is not None and wait <= stats.SHORT_ABANDON_SECONDS


def service_level(calls: Iterable[Mapping[str, Any]], day_start: datetime, now: datetime,
                  thresholds: Mapping[str, int] | None = None) -> list[float | None]:
    """All queues' service level as it stood at the end of each quarter so far.

    A call counts once it has ended by that moment (the board counts finished calls).
    None: no call counted yet, or a quarter still to come.
    """
    finished = []
    for call in queued_calls(calls):
        ended = stats.parse_time(call.get("ended_at"))
        if ended is not None and str(call.get("outcome") or "in_progress") != "in_progress":
            finished.append((ended, call))
    finished.sort(key=lambda pair: pair[0])
    out: list[float | None] = [None] * BUCKETS
    tally, i = stats.Tally(), 0
    for index in range(buckets_until(now, day_start)):
        until = min(now, day_start + BUCKET * (index + 1))
        while i < len(finished) and finished[i][0] < until:
            call = finished[i][1]
            tally.add(call, stats.threshold_of(call.get("queue_name"), thresholds))
            i += 1
        out[index] = tally.service_level
    return out


def waiting(calls: Iterable[Mapping[str, Any]], day_start: datetime,
            now: datetime) -> list[int | None]:
    """Callers waiting in a queue at the end of each quarter so far (the last: now)."""
    spans = []
    for call in queued_calls(calls):
        joined = arrival(call)
        if joined is None:
            continue
        left = [t for t in (stats.parse_time(call.get("answered_at")),
                            stats.parse_time(call.get("ended_at"))) if t is not None]
        spans.append((joined, min(left) if left else None))
    out: list[int | None] = [None] * BUCKETS
    for index in range(buckets_until(now, day_start)):
        moment = min(now, day_start + BUCKET * (index + 1))
        out[index] = sum(1 for joined, left in spans
                         if joined <= moment and (left is None or left > moment))
    return out


def labels(day_start: datetime) -> list[str]:
    """Each quarter's start as HH:MM (the same in both languages)."""
    return [(day_start + BUCKET * i).strftime("%H:%M") for i in range(BUCKETS)]


def trim(values: list[Any], drawn: int) -> list[Any]:
    """Quarters still to come are None, so the chart's line stops at now."""
    return [v if i < drawn else None for i, v in enumerate(values)]
