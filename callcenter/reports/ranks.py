"""Nearest-rank median and 90th percentile per group, in SQL on PostgreSQL and SQLite.

The case-work reports ask for "median and 90th percentile of X by Y" over a per-record
subquery. PostgreSQL has ordered-set aggregates; SQLite has none, so each value is ranked
in its group with window functions and the value at rank ⌈p·n⌉ is kept. Both give the
same nearest-rank value (the value at rank ⌈p·n⌉ of the sorted values), as the dispatch
and case-clock reports do.

Group keys must not be NULL (the caller coalesces them): the figures are joined back to
the counts on equal keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Subquery, and_, func, select

# PostgreSQL's percentile_disc takes the rank ceil(p·n) in floating point, where 0.9·30
# is 27.000000000000004; a hair under p gives the exact nearest rank (as dispatch.py).
_HAIR = 1e-9


def nearest_ranks(rows: Subquery, keys: Sequence[str], value: str, dialect: str) -> Subquery:
    """Per group of ``keys``: ``n``, ``median`` and ``p90`` of ``value`` (NULLs left out)."""
    group = [rows.c[k] for k in keys]
    v = rows.c[value]
    if dialect == "postgresql":
        query = (
            select(*group, func.count(v).label("n"),
                   func.percentile_disc(0.5 - _HAIR).within_group(v).label("median"),
                   func.percentile_disc(0.9 - _HAIR).within_group(v).label("p90"))
            .where(v.is_not(None)).group_by(*group))
        return query.subquery(f"ranks_{value}")
    window = {"partition_by": group}
    ranked = select(
        *group, v.label("v"),
        func.row_number().over(**window, order_by=v).label("rank"),
        func.count().over(**window).label("size"),
    ).where(v.is_not(None)).subquery(f"ranked_{value}")
    r = ranked.c
    # Nearest rank in whole numbers: rank >= p·n with p = 1/2 and 9/10.
    return (
        select(*(r[k] for k in keys), func.count().label("n"),
               func.min(r.v).filter(r.rank * 2 >= r.size).label("median"),
               func.min(r.v).filter(r.rank * 10 >= r.size * 9).label("p90"))
        .group_by(*(r[k] for k in keys))
        .subquery(f"ranks_{value}"))


def same_keys(left: Any, right: Subquery, keys: Sequence[str]) -> Any:
    """The join condition of two selectables on their group keys."""
    return and_(*(left.c[k] == right.c[k] for k in keys))
