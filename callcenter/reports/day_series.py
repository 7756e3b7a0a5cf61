"""The wallboard's charts read from the call records: today against the same weekday
last week, in quarter hours (``callcenter.queues.series`` holds the rules).

Plain column reads over the ``calls`` and ``call_legs`` indexes on both databases; the
quarter hours are counted in Python, since PostgreSQL and SQLite truncate time apart.
A busy day is some thousands of rows, read at most once a minute per web process.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallDirection, CallLeg
from callcenter.queues import series, stats
from callcenter.reports.today import day_start

COLUMNS = (Call.queue_name, Call.direction, Call.started_at, Call.queued_at,
           Call.answered_at, Call.ended_at, Call.outcome, Call.wait_seconds,
           Call.talk_seconds)


def calls_between(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Inbound calls that reached a queue and started in [start, end), as dicts."""
    rows = session.execute(
        select(*COLUMNS).where(
            Call.direction == CallDirection.INBOUND, Call.queue_name.is_not(None),
            Call.queue_name != "", Call.started_at >= start, Call.started_at < end)
    ).all()
    return [{column.key: _plain(value) for column, value in zip(COLUMNS, row, strict=True)}
            for row in rows]


def _plain(value: Any) -> Any:
    # Enum columns come back as StrEnum: the pure rules compare their text.
    return value.value if hasattr(value, "value") else value


def agent_totals(session: Session, start: datetime) -> dict[str, dict[str, Any]]:
    """Per agent (their interface), today's answered visits of inbound calls and their
    talk seconds: a call moved between agents counts for each of them."""
    rows = session.execute(
        select(CallLeg.agent_interface, func.max(CallLeg.agent_name), func.count(),
               func.coalesce(func.sum(CallLeg.talk_seconds), 0))
        .join(Call, Call.id == CallLeg.call_id)
        .where(CallLeg.answered_at >= start, CallLeg.agent_interface.is_not(None),
               Call.direction == CallDirection.INBOUND)
        .group_by(CallLeg.agent_interface)
    ).all()
    return {iface: {"name": name or iface, "calls": int(n), "talk_seconds": int(talk)}
            for iface, name, n, talk in rows}


def day(session: Session, now: datetime, *,
        thresholds: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Today's quarter hours so far and last week's same weekday, JSON-ready."""
    start = day_start(now)
    week_ago = start - timedelta(days=7)
    today_calls = calls_between(session, start, start + timedelta(days=1))
    before = calls_between(session, week_ago, week_ago + timedelta(days=1))
    drawn = series.buckets_until(now, start)
    today_counts = series.counts(today_calls, start).as_dict()
    return {
        "as_of": now.isoformat(),
        "bucket_minutes": series.BUCKET_MINUTES,
        "labels": series.labels(start),
        "today": {k: series.trim(v, drawn) for k, v in today_counts.items()},
        "last_week": series.counts(before, week_ago).as_dict(),
        "service_level": series.service_level(today_calls, start, now, thresholds),
        "waiting": series.waiting(today_calls, start, now),
        "agents": agent_totals(session, start),
        "short_abandon_seconds": stats.SHORT_ABANDON_SECONDS,
    }
