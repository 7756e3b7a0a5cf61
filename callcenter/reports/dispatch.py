"""Rapid-response times: by province (median and 90th percentile), and dispatch by dispatch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Select, String, func, literal, select, union_all

from callcenter.cases.models import Case
from callcenter.dispatch.models import Dispatch
from callcenter.provinces.models import Province, ResponseUnit
from callcenter.reports import labels
from callcenter.reports.spec import Column, Context, ReportSpec, number
from callcenter.reports.sql import instant, seconds_between

# Each interval runs from the moment the dispatch was created (the agent sent it).
INTERVALS = (
    ("alert", Dispatch.alerted_at, "to alert", "ถึงแจ้งเตือน"),
    ("acknowledge", Dispatch.acknowledged_at, "to acknowledge", "ถึงตอบรับ"),
    ("on_scene", Dispatch.on_scene_at, "to arrival on scene", "ถึงหน่วยถึงที่เกิดเหตุ"),
    ("complete", Dispatch.completed_at, "to completion", "ถึงเสร็จสิ้น"),
)
NAMES = tuple(name for name, *_ in INTERVALS)

DEFINITION = {
    "en": (
        "Dispatches created in the range, by the province of the unit they were sent to. "
        "Each interval is measured from the creation of the dispatch to the unit being "
        "alerted, acknowledging, arriving on scene and completing; dispatches that never "
        "reached a step are left out of that step. Median and 90th percentile are "
        "nearest-rank values (the value at rank ⌈p·n⌉ of the sorted times), in seconds."
    ),
    "th": (
        "การส่งหน่วยที่สร้างในช่วงวันที่ แยกตามจังหวัดของหน่วยที่รับ แต่ละช่วงเวลานับจากเวลาที่สร้าง"
        "การส่งหน่วยถึงเวลาที่แจ้งเตือนหน่วย หน่วยตอบรับ ถึงที่เกิดเหตุ และเสร็จสิ้น การส่งหน่วยที่ไม่ถึง"
        "ขั้นใดไม่นับในขั้นนั้น มัธยฐานและเปอร์เซ็นไทล์ที่ 90 เป็นค่าตามอันดับ (ค่าที่อันดับ ⌈p·n⌉ "
        "ของเวลาที่เรียงแล้ว) หน่วยเป็นวินาที"
    ),
}


# PostgreSQL's percentile_disc takes the rank ceil(p·n) in floating point, where 0.9·30
# is 27.000000000000004; a hair under p gives the exact nearest rank for any n < 10⁸.
_HAIR = 1e-9


def _in_range(ctx: Context) -> Any:
    return (Dispatch.created_at >= instant(ctx.range.start)) & (
        Dispatch.created_at < instant(ctx.range.end))


def _ordered_set_query(ctx: Context) -> Select[Any]:
    """PostgreSQL: one pass, an ordered-set aggregate per interval and percentile."""
    columns: list[Any] = [func.count().label("dispatches")]
    for name, stamp, *_ in INTERVALS:
        seconds = seconds_between(Dispatch.created_at, stamp)
        columns += [
            func.count(stamp).label(f"{name}_n"),
            func.percentile_disc(0.5 - _HAIR).within_group(seconds).label(f"{name}_median"),
            func.percentile_disc(0.9 - _HAIR).within_group(seconds).label(f"{name}_p90"),
        ]
    return (
        select(ResponseUnit.province_code, Province.name_th, *columns)
        .select_from(Dispatch)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .outerjoin(Province, Province.code == ResponseUnit.province_code)
        .where(_in_range(ctx))
        .group_by(ResponseUnit.province_code, Province.name_th)
        .order_by(ResponseUnit.province_code)
    )


def _window_query(ctx: Context) -> Select[Any]:
    """SQLite (no percentile functions): rank each interval's times with window functions."""
    base = (
        select(
            ResponseUnit.province_code.label("province"), Dispatch.created_at,
            *(column for _, column, *_ in INTERVALS),
        )
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(_in_range(ctx))
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
    columns: list[Any] = [
        func.count().filter(ranked.c.step == "created").label("dispatches")]
    for name in NAMES:
        here = ranked.c.step == name
        columns += [
            func.count().filter(here).label(f"{name}_n"),
            # Nearest rank in whole numbers: rank >= p·n with p = 1/2 and 9/10.
            func.min(ranked.c.seconds).filter(here & (ranked.c.rank * 2 >= ranked.c.n))
            .label(f"{name}_median"),
            func.min(ranked.c.seconds).filter(here & (ranked.c.rank * 10 >= ranked.c.n * 9))
            .label(f"{name}_p90"),
        ]
    return (
        select(ranked.c.province, Province.name_th, *columns)
        .select_from(ranked)
        .outerjoin(Province, Province.code == ranked.c.province)
        .group_by(ranked.c.province, Province.name_th)
        .order_by(ranked.c.province)
    )


def intervals_query(ctx: Context) -> Select[Any]:
    return _ordered_set_query(ctx) if ctx.dialect == "postgresql" else _window_query(ctx)


def _shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name, dispatches, *steps = row
    out: list[Any] = [province, labels.province_of(province, name, ctx.lang), dispatches]
    for i in range(0, len(steps), 3):
        n, median, p90 = steps[i:i + 3]
        out += [n, number(median, 0), number(p90, 0)]
    return tuple(out)


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


PER_DISPATCH_DEFINITION = {
    "en": (
        "One row per dispatch created in the range, oldest first: the case number (no "
        "person's data), the unit and its province, the urgency and the status now, and "
        "the seconds from the creation of the dispatch to each step it reached (empty: "
        "not reached). The by-province report's figures are taken over these intervals."
    ),
    "th": (
        "หนึ่งแถวต่อการส่งหน่วยหนึ่งครั้งที่สร้างในช่วงวันที่ เรียงจากเก่าไปใหม่ ได้แก่ เลขที่เคส (ไม่มีข้อมูล"
        "บุคคล) หน่วยและจังหวัด ความเร่งด่วน สถานะปัจจุบัน และจำนวนวินาทีจากเวลาที่สร้างการส่งหน่วยถึงแต่ละ"
        "ขั้นที่ไปถึง (ว่าง: ยังไม่ถึง) รายงานตามจังหวัดคำนวณจากช่วงเวลาเหล่านี้"
    ),
}
# Steps a dispatch may reach, in the order they happen; declined and cancelled end it.
PER_DISPATCH_STEPS = (
    ("alert", Dispatch.alerted_at, "To alert (s)", "ถึงแจ้งเตือน (วินาที)"),
    ("acknowledge", Dispatch.acknowledged_at, "To acknowledge (s)", "ถึงตอบรับ (วินาที)"),
    ("en_route", Dispatch.en_route_at, "To en route (s)", "ถึงออกเดินทาง (วินาที)"),
    ("on_scene", Dispatch.on_scene_at, "To arrival on scene (s)", "ถึงหน่วยถึงที่เกิดเหตุ (วินาที)"),
    ("complete", Dispatch.completed_at, "To completion (s)", "ถึงเสร็จสิ้น (วินาที)"),
    ("decline", Dispatch.declined_at, "To decline (s)", "ถึงปฏิเสธ (วินาที)"),
    ("cancel", Dispatch.cancelled_at, "To cancellation (s)", "ถึงยกเลิก (วินาที)"),
)


def per_dispatch_query(ctx: Context) -> Select[Any]:
    return (
        select(
            Dispatch.id, Case.number, Dispatch.created_at, ResponseUnit.province_code,
            ResponseUnit.code, Dispatch.urgency, Dispatch.status,
            *(seconds_between(Dispatch.created_at, stamp) for _, stamp, *_ in PER_DISPATCH_STEPS),
        )
        .join(Case, Case.id == Dispatch.case_id)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(_in_range(ctx))
        .order_by(Dispatch.created_at, Dispatch.id)
    )


def _per_dispatch_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    ident, case_number, created, province, unit, urgency, status, *steps = row
    local = created.astimezone(ctx.range.zone).replace(tzinfo=None)
    return (ident, case_number, local, province, unit, str(urgency), str(status),
            *(number(s, 0) for s in steps))


REPORTS = (
    ReportSpec(
        "dispatch_intervals", "Rapid-response times by province",
        "ระยะเวลาตอบสนองของหน่วยเคลื่อนที่เร็วตามจังหวัด",
        _columns(), intervals_query, _shape, DEFINITION,
    ),
    ReportSpec(
        "dispatch_intervals_each", "Rapid-response times, dispatch by dispatch",
        "ระยะเวลาตอบสนองของหน่วยเคลื่อนที่เร็วรายการส่งหน่วย",
        (
            Column("dispatch_id", "Dispatch id", "รหัสการส่งหน่วย"),
            Column("case_number", "Case", "เลขที่เคส"),
            Column("created_at", "Created (local time)", "เวลาที่สร้าง"),
            Column("province", "Province code", "รหัสจังหวัด"),
            Column("unit", "Unit", "หน่วย"),
            Column("urgency", "Urgency", "ความเร่งด่วน"),
            Column("status", "Status now", "สถานะปัจจุบัน"),
            *(Column(f"{name}_s", en, th) for name, _, en, th in PER_DISPATCH_STEPS),
        ),
        per_dispatch_query, _per_dispatch_shape, PER_DISPATCH_DEFINITION,
        streams=True,
    ),
)
