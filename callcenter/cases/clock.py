"""The case clock: how long each step of a case took from its first contact. Pure.

No session and no clock reads: the service gathers the timestamps (calls, dispatches,
status changes) and hands them in, so every figure here is tested with literal times and
the case page and the report compute them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from callcenter.taxonomy import Urgency

# The steps in the order a case lives them; the first contact is the clock's zero.
STEPS = ("opened", "dispatched", "acknowledged", "on_scene", "first_follow_up", "closed")

# NFPA 1221: answer to dispatch within 60 seconds for the most urgent calls.
NFPA_ANSWER_TO_DISPATCH = timedelta(seconds=60)
MOST_URGENT = frozenset({Urgency.IMMEDIATE})


@dataclass(frozen=True)
class ClockTimes:
    """The moments a case reached each step; ``None`` where it has not (yet)."""

    first_contact: datetime
    opened: datetime
    dispatched: datetime | None = None
    acknowledged: datetime | None = None
    on_scene: datetime | None = None
    # The first follow-up task marked done ("—" until one is).
    first_follow_up: datetime | None = None
    closed: datetime | None = None


@dataclass(frozen=True)
class Step:
    name: str
    at: datetime | None
    # From the first contact; never negative (a record written a little before the
    # answer was logged counts as at once, not as time gone backwards).
    elapsed: timedelta | None


def first_contact(*, created_at: datetime,
                  calls: Iterable[tuple[datetime, datetime | None]]) -> datetime:
    """The clock's zero: the earliest call's answer (or its arrival when never answered),
    or the case's creation when no call came before it (walk-ins, messages)."""
    moments = [answered or started for started, answered in calls]
    return min([*moments, created_at]) if moments else created_at


def first_after(moments: Iterable[datetime | None]) -> datetime | None:
    """The earliest of the moments given, ignoring the missing ones."""
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def steps(times: ClockTimes) -> list[Step]:
    zero = times.first_contact
    return [Step(name, at, None if at is None else max(at - zero, timedelta(0)))
            for name in STEPS for at in (getattr(times, name),)]


def between(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from ``start`` to ``end``, or ``None`` when either is missing."""
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


# --- the report's figures -------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by nearest rank: the value at rank ⌈q·n/100⌉ of the
    sorted values, as the other response-time reports count it (always a real time)."""
    if not values:
        return None
    if not 0 < q <= 100:
        raise ValueError("a percentile lies above 0 and at most 100")
    ordered = sorted(values)
    # Whole numbers, so 90 % of 30 is rank 27 and not 27.000000000000004 → 28.
    rank = max(-(-len(ordered) * round(q * 1000) // 100000), 1)
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    count: int
    median: float | None
    p90: float | None
    target: float | None
    # How many were within the target, when there is one.
    within_target: int | None


def summarise(values: Sequence[float], *, target: float | None = None) -> Summary:
    within = None if target is None else sum(1 for v in values if v <= target)
    return Summary(count=len(values), median=percentile(values, 50),
                   p90=percentile(values, 90), target=target, within_target=within)


def dispatch_target(urgency: Urgency) -> float | None:
    """NFPA 1221's answer-to-dispatch target, set for the most urgent cases only."""
    return NFPA_ANSWER_TO_DISPATCH.total_seconds() if urgency in MOST_URGENT else None


# --- durations as people read them ---------------------------------------------------------

UNITS = {"th": ("วัน", "ชั่วโมง", "นาที", "วินาที"),
         "en": ("d", "h", "min", "s")}


def format_duration(seconds: float | None, *, lang: str = "th") -> str:
    """``65`` → ``1 นาที 05 วินาที``; the largest unit unpadded, the smaller ones two digits
    so a column of durations lines up. ``None`` (a step not reached) is a dash."""
    if seconds is None:
        return "—"
    day, hour, minute, second = UNITS.get(lang, UNITS["th"])
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, day), (hours, hour), (minutes, minute), (secs, second)]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    head, *tail = parts
    return " ".join([f"{head[0]} {head[1]}", *(f"{n:02d} {unit}" for n, unit in tail)])
