"""Cases by channel: how the reports came in (hotline, walk-in, website, app, LINE) by
day, by month and by province; and today's count per channel for the wallboard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from callcenter.cases.models import Case, Channel
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.spec import Column, Context, ReportSpec, as_date, as_month
from callcenter.reports.sql import instant, local_bucket
from callcenter.reports.today import day_start

CHANNELS = tuple(Channel)
LABELS = {
    Channel.HOTLINE: ("Hotline 1300", "สายด่วน 1300"),
    Channel.WALK_IN: ("Walk-in", "walk-in (มาด้วยตนเอง)"),
    Channel.WEBSITE: ("Website", "เว็บไซต์"),
    Channel.APP: ("Application", "แอปพลิเคชัน"),
    Channel.LINE: ("LINE", "LINE"),
}
DEFINITION = {
    "en": (
        "Cases opened in the range (by the local date the case was created), counted by the "
        "channel the report came in: the 1300 hotline, a walk-in at a centre, the website, "
        "the application or LINE. Cases opened before channels were recorded are the "
        "hotline's. A province chosen narrows to that province's cases."
    ),
    "th": (
        "เคสที่เปิดในช่วงวันที่ (ตามวันที่สร้างเคสตามเวลาประเทศไทย) นับตามช่องทางที่รับแจ้ง: สายด่วน 1300 "
        "walk-in ที่ศูนย์ เว็บไซต์ แอปพลิเคชัน หรือ LINE เคสที่เปิดก่อนมีการบันทึกช่องทางนับเป็นสายด่วน "
        "เลือกจังหวัดเพื่อดูเฉพาะเคสของจังหวัดนั้น"
    ),
}


def _counts() -> list[Any]:
    return [*(func.count().filter(Case.channel == c).label(c.value) for c in CHANNELS),
            func.count().label("total")]


def _in_range(ctx: Context) -> Any:
    return and_(Case.created_at >= instant(ctx.range.start),
                Case.created_at < instant(ctx.range.end),
                *conditions(ctx.filters, province=Case.province_code))


def _by_time(unit: str):
    def query(ctx: Context) -> Select[Any]:
        bucket = local_bucket(Case.created_at, unit, ctx.zone_name, ctx.offset_seconds)
        bucket = bucket.label(unit)
        return (select(bucket, *_counts()).where(_in_range(ctx))
                .group_by(bucket).order_by(bucket))
    return query


def by_province_query(ctx: Context) -> Select[Any]:
    return (
        select(Case.province_code, Province.name_th, *_counts())
        .select_from(Case)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(_in_range(ctx))
        .group_by(Case.province_code, Province.name_th)
        .order_by(Case.province_code)
    )


def _province_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    return (row[0] or "-", labels.province_of(row[0], row[1], ctx.lang), *row[2:])


COUNTS = (*(Column(c.value, *LABELS[c]) for c in CHANNELS), Column("total", "Total", "รวม"))

REPORTS = (
    ReportSpec("cases_by_channel_day", "Cases by channel and day", "เคสตามช่องทางรายวัน",
               (Column("day", "Day", "วันที่"), *COUNTS), _by_time("day"),
               lambda row, ctx: (as_date(row[0]), *row[1:]), DEFINITION,
               filters=("province",)),
    ReportSpec("cases_by_channel_month", "Cases by channel and month",
               "เคสตามช่องทางรายเดือน", (Column("month", "Month", "เดือน"), *COUNTS),
               _by_time("month"), lambda row, ctx: (as_month(row[0]), *row[1:]), DEFINITION,
               filters=("province",)),
    ReportSpec("cases_by_channel_province", "Cases by channel and province",
               "เคสตามช่องทางและจังหวัด",
               (Column("province", "Province code", "รหัสจังหวัด"),
                Column("province_name", "Province", "จังหวัด"), *COUNTS),
               by_province_query, _province_shape, DEFINITION, filters=("province",)),
)


def today(session: Session, now: datetime) -> dict[Channel, int]:
    """Cases opened since local midnight, per channel (every channel, zeros too)."""
    rows = session.execute(
        select(Case.channel, func.count()).where(Case.created_at >= day_start(now))
        .group_by(Case.channel)).all()
    found = {Channel(channel): int(n) for channel, n in rows}
    return {c: found.get(c, 0) for c in CHANNELS}
