"""SQL pieces the reports need that PostgreSQL and SQLite spell differently.

PostgreSQL reads local time with ``AT TIME ZONE`` and the zone database. SQLite has no
zone database: it shifts by the zone's UTC offset at the start of the range, which is
exact for Asia/Bangkok (no daylight saving since 1920) and good enough for the demo.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from callcenter.db import UTCDateTime

UNITS = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d", "month": "%Y-%m-01"}
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def _zone_literal(zone: str) -> str:
    # Rendered inline (not bound) so that SELECT and GROUP BY are the same expression.
    if not _ZONE_NAME.match(zone):
        raise ValueError("bad time zone name")
    return f"'{zone}'"


class local_bucket(FunctionElement):
    """The local hour, day or month a UTC timestamp falls in."""

    type = String()
    inherit_cache = False

    def __init__(self, column: Any, unit: str, zone: str, offset_seconds: int) -> None:
        if unit not in UNITS:
            raise ValueError(unit)
        self.unit, self.zone, self.offset_seconds = unit, zone, offset_seconds
        super().__init__(column)


@compiles(local_bucket, "postgresql")
def _bucket_pg(element: local_bucket, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return (
        f"date_trunc('{element.unit}', {compiler.process(column, **kw)} "
        f"AT TIME ZONE {_zone_literal(element.zone)})"
    )


@compiles(local_bucket, "sqlite")
def _bucket_sqlite(element: local_bucket, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    fmt = UNITS[element.unit]
    return (
        f"strftime('{fmt}', {compiler.process(column, **kw)}, "
        f"'{int(element.offset_seconds):+d} seconds')"
    )


class local_hour(FunctionElement):
    """The local hour of day (0–23) of a UTC timestamp."""

    type = Integer()
    inherit_cache = False

    def __init__(self, column: Any, zone: str, offset_seconds: int) -> None:
        self.zone, self.offset_seconds = zone, offset_seconds
        super().__init__(column)


@compiles(local_hour, "postgresql")
def _hour_pg(element: local_hour, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return (
        f"CAST(EXTRACT(HOUR FROM {compiler.process(column, **kw)} "
        f"AT TIME ZONE {_zone_literal(element.zone)}) AS INTEGER)"
    )


@compiles(local_hour, "sqlite")
def _hour_sqlite(element: local_hour, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return (
        f"CAST(strftime('%H', {compiler.process(column, **kw)}, "
        f"'{int(element.offset_seconds):+d} seconds') AS INTEGER)"
    )


class seconds_between(FunctionElement):
    """Seconds from ``earlier`` to ``later`` (NULL if either is NULL)."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = element.clauses
    return (
        f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
        f"{compiler.process(earlier, **kw)}))"
    )


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = element.clauses
    return (
        f"((julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)})) * 86400.0)"
    )


class greatest(FunctionElement):
    inherit_cache = True


class least(FunctionElement):
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(greatest)
def _greatest(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


@compiles(least)
def _least(element: least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


def instant(moment: datetime) -> ColumnElement[datetime]:
    """A bound timestamp stored the way the columns store theirs (UTC)."""
    return literal(moment, UTCDateTime())
