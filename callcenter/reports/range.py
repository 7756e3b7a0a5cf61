"""The date range of a report, as the UI gives it: two Buddhist-era dates, end included.

A range is read on the hotline's calendar (Asia/Bangkok by default): 1/10/2568 to
30/9/2569 is the fiscal year 2569 from local midnight to local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callcenter.errors import InvalidInput
from callcenter.thaidate import BANGKOK, BUDDHIST_ERA_OFFSET, format_date, parse_date_be

# One year and a day: a whole fiscal or calendar year, leap years included. Longer
# ranges are split by the caller (a report per year), which keeps every query bounded.
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class ReportRange:
    """The local days ``first`` to ``last``, both included."""

    first: date
    last: date
    zone: ZoneInfo = BANGKOK

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The first instant of the range (aware, in the report's zone)."""
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        """The first instant after the range (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    def label(self, lang: str = "th") -> str:
        return f"{format_date(self.first, lang=lang)} – {format_date(self.last, lang=lang)}"


def _parse_one(text: str | date | None, field: str) -> date:
    if isinstance(text, date):
        return text
    if text is None or not str(text).strip():
        raise InvalidInput(f"{field}: enter a date (dd/mm/yyyy, Buddhist era)", field=field)
    raw = str(text).strip()
    try:
        if "-" in raw:  # yyyy-mm-dd with a Buddhist-era year, as a date picker may send
            year, month, day = (int(part) for part in raw.split("-"))
            if year < 2400:
                raise ValueError("the year must be in the Buddhist era (e.g. 2569)")
            return date(year - BUDDHIST_ERA_OFFSET, month, day)
        return parse_date_be(raw)
    except ValueError as exc:
        reason = str(exc) if "era" in str(exc) or "dd/mm" in str(exc) else "no such date"
        raise InvalidInput(f"{field}: {reason}", field=field) from None


def parse_range(
    first: str | date | None,
    last: str | date | None,
    *,
    zone: ZoneInfo = BANGKOK,
    max_days: int = MAX_DAYS,
) -> ReportRange:
    """Read and check a range; an InvalidInput names the field that is wrong."""
    start = _parse_one(first, "start")
    end = _parse_one(last, "end")
    if end < start:
        raise InvalidInput(
            f"end: {format_date(end)} is before the start {format_date(start)}", field="end"
        )
    days = (end - start).days + 1
    if days > max_days:
        raise InvalidInput(
            f"end: the range is {days} days; at most {max_days} days fit in one report",
            field="end",
        )
    return ReportRange(start, end, zone)
