"""What a report is: a titled table whose rows come from one SQL query over a range."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select

from callcenter.db import utcnow
from callcenter.reports.filters import NONE, Filters
from callcenter.reports.range import ReportRange
from callcenter.thaidate import BUDDHIST_ERA_OFFSET


class Month(NamedTuple):
    year: int
    month: int

    def __str__(self) -> str:  # 11/2569: month and Buddhist-era year
        return f"{self.month:02d}/{self.year + BUDDHIST_ERA_OFFSET}"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label_en: str
    label_th: str


@dataclass(frozen=True, slots=True)
class Context:
    """What a query needs besides the range: the dialect and the zone's fixed offset, the
    filters the page chose, and the moment "overdue" is judged at (now, unless a test says)."""

    range: ReportRange
    dialect: str
    filters: Filters = NONE
    now: datetime = field(default_factory=utcnow)
    # The reader's language, for the names of coded values (codes stay as they are).
    lang: str = "th"

    @property
    def zone_name(self) -> str:
        return self.range.zone.key

    @property
    def offset_seconds(self) -> int:
        offset = self.range.start.utcoffset()
        return int(offset.total_seconds()) if offset else 0


Shape = Callable[[Sequence[Any], Context], tuple[Any, ...]]


def as_is(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    return tuple(row)


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title_en: str
    title_th: str
    columns: tuple[Column, ...]
    query: Callable[[Context], Select[Any]]
    shape: Shape = as_is
    # Shown on the page next to the figures: how they are counted, by language (en, th).
    definition: Mapping[str, str] = field(default_factory=dict)
    # Read through a server-side cursor: for row-per-record exports. Summaries are read
    # at once, which leaves PostgreSQL free to plan them in parallel (a cursor is not).
    streams: bool = False
    # The filters (callcenter.reports.filters.NAMES) the query reads; the page offers them.
    filters: tuple[str, ...] = ()
    # Columns of counts of people that small-cell masking may hide (masking.py), and
    # whether it is on unless the reader turns it off.
    maskable: tuple[str, ...] = ()
    masked_by_default: bool = False
    # Rows name cases (their numbers): only roles that may see cases may read it.
    lists_cases: bool = False

    def define(self, lang: str = "th") -> str:
        return self.definition.get(lang) or self.definition.get("en", "")

    def title(self, lang: str = "th") -> str:
        return self.title_th if lang == "th" else self.title_en


@dataclass(slots=True)
class Report:
    spec: ReportSpec
    range: ReportRange
    rows: Iterator[tuple[Any, ...]] = field(repr=False)


def number(value: Any, digits: int = 1) -> float | int | None:
    """Round an average or a duration; Decimals from PostgreSQL become floats."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return round(float(value) if isinstance(value, Decimal) else value, digits)


def hours(seconds: Any) -> float | None:
    """Seconds as hours to a tenth. Whole seconds first: SQLite's julianday arithmetic
    gives 19619.99999 where PostgreSQL gives 19620, which would round apart."""
    if seconds is None:
        return None
    return round(round(float(seconds)) / 3600.0, 1)


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_month(value: Any) -> Month:
    d = as_date(value)
    return Month(d.year, d.month)


def as_local_hour(value: Any) -> datetime:
    """The start of a local hour, naive (the report's zone is stated on the page)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, minute=0, second=0, microsecond=0)
    return datetime.fromisoformat(str(value)[:19])
