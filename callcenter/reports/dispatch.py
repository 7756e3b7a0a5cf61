"""Rapid-response times by province: median and 90th percentile of each interval."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import Float, Select, String, func, literal, select, union_all

from callcenter.dispatch.models import Dispatch
from callcenter.provinces.models import Province, ResponseUnit
from callcenter.reports.spec import Column, Context, ReportSpec, number
from callcenter.reports.sql import instant, seconds_between

# Each interval runs from the moment the dispatch was created (the agent sent it).
INTERVALS = (
    ("alert", Dispatch.alerted_at, "to alert", "ถึงแจ้งเตือน"),
    ("acknowledge", Dispatch.acknowledged_at, "to acknowledge", "ถึงตอบรับ"),
    ("on_scene", Dispatch.on_scene_at, "to on scene", "ถึงถึงที่เกิดเหตุ"),
    ("complete", Dispatch.completed_at, "to completion", "ถึงเสร็จสิ้น"),
)
NAMES = tuple(name for name, *_ in INTERVALS)

DEFINITION = (
    "Dispatches created in the range, by the province of the unit they were sent to. "
    "Each interval is measured from the creation of the dispatch to the unit being "
    "alerted, acknowledging, arriving on scene and completing; dispatches that never "
    "reached a step are left out of that step. Median and 90th percentile are nearest-rank "
    "values (the value at rank ⌈p·n⌉ of the sorted times), in seconds."
)


def intervals_query(ctx: Context) -> Select[Any]:
    base = (
        select(
            ResponseUnit.province_code.label("province"), Dispatch.created_at,
            *(column for _, column, *_ in INTERVALS),
        )
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(
            Dispatch.created_at >= instant(ctx.range.start),
            Dispatch.created_at < instant(ctx.range.end),
        )
        .subquery("d")
    )
    parts = [
        select(base.c.province, literal("created", String).label("step"),
               literal(0.0, Float).label("seconds"))
    ]
    for name, column, *_ in INTERVALS:
        stamp = base.c[column.key]
        parts.append(
            select(base.c.province, literal(name, String).label("step"),
                   seconds_between(base.c.created_at, stamp).label("seconds"))
            .where(stamp.is_not(None))
        )
    steps = union_all(*parts).subquery("steps")
    window = {"partition_by": (steps.c.province, steps.c.step)}
    ranked = select(
        steps.c.province, steps.c.step, steps.c.seconds,
        func.row_number().over(**window, order_by=steps.c.seconds).label("rank"),
        func.count().over(**window).label("n"),
    ).subquery("ranked")
    # Nearest rank in whole numbers: rank >= p·n with p = 1/2 and 9/10.
    median = func.min(ranked.c.seconds).filter(ranked.c.rank * 2 >= ranked.c.n)
    p90 = func.min(ranked.c.seconds).filter(ranked.c.rank * 10 >= ranked.c.n * 9)
    return (
        select(
            ranked.c.province, Province.name_th, ranked.c.step,
            func.max(ranked.c.n).label("n"), median.label("median"), p90.label("p90"),
        )
        .select_from(ranked)
        .outerjoin(Province, Province.code == ranked.c.province)
        .group_by(ranked.c.province, Province.name_th, ranked.c.step)
        .order_by(ranked.c.province, ranked.c.step)
    )


def _wide(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """One row per province from the query's row per (province, step)."""
    for (province, name), group in groupby(rows, key=lambda r: (r[0], r[1])):
        steps = {r[2]: r for r in group}
        out: list[Any] = [province, name or "", steps["created"][3]]
        for step in NAMES:
            row = steps.get(step)
            out += [row[3], number(row[4], 0), number(row[5], 0)] if row else [0, None, None]
        yield tuple(out)


def _columns() -> tuple[Column, ...]:
    columns = [
        Column("province", "Province code", "รหัสจังหวัด"),
        Column("province_name", "Province", "จังหวัด"),
        Column("dispatches", "Dispatches", "จำนวนการส่งหน่วย"),
    ]
    for name, _, en, th in INTERVALS:
        columns += [
            Column(f"{name}_n", f"Reached ({en.removeprefix('to ')})", f"จำนวน ({th})"),
            Column(f"{name}_median_s", f"Median {en} (s)", f"มัธยฐานเวลา{th} (วินาที)"),
            Column(f"{name}_p90_s", f"90th percentile {en} (s)", f"เปอร์เซ็นไทล์ 90 {th} (วินาที)"),
        ]
    return tuple(columns)


REPORTS = (
    ReportSpec(
        "dispatch_intervals", "Rapid-response times by province",
        "ระยะเวลาตอบสนองของหน่วยเคลื่อนที่เร็วตามจังหวัด",
        _columns(), intervals_query, definition=DEFINITION, post=_wide,
    ),
)
