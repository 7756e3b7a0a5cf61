"""Child Helpline International counts: cases by CHI category, by month and by province.

A case counts under the CHI category the worker chose for it, in the month (local time)
it was opened. Contacts that are not cases (prank, silent, missed, information) are
CHI's non-counselling contacts: the calls' disposition reports count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from callcenter.cases.models import Case
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.spec import Column, Context, ReportSpec, as_month
from callcenter.reports.sql import instant, local_bucket
from callcenter.taxonomy import ChiCategory

DEFINITION = {
    "en": (
        "Cases opened in the range with a CHI category, by category and the month (local "
        "time) or the province of the case. Non-counselling contacts (prank, silent, "
        "missed, information) are calls, counted by the calls' disposition reports. "
        "Masking (off by default) shows counts from 1 to 4 as <5."
    ),
    "th": (
        "เคสที่เปิดในช่วงวันที่ที่ระบุหมวดหมู่ CHI แยกตามหมวดหมู่และเดือน (เวลาประเทศไทย) หรือจังหวัดของเคส "
        "การติดต่อที่ไม่ใช่การให้คำปรึกษา (ก่อกวน เงียบ สายหลุด สอบถามข้อมูล) เป็นสายโทรที่นับในรายงาน"
        "ผลการรับสาย การปิดค่าน้อย (ปิดไว้โดยค่าเริ่มต้น) แสดงจำนวน 1 ถึง 4 เป็น <5"
    ),
}


def _counts() -> list[Any]:
    return [*(func.count().filter(Case.chi_category == c).label(c.value) for c in ChiCategory),
            func.count().label("total")]


def _cases(ctx: Context) -> list[Any]:
    return [Case.chi_category.is_not(None),
            Case.created_at >= instant(ctx.range.start), Case.created_at < instant(ctx.range.end),
            *conditions(ctx.filters, province=Case.province_code, channel=Case.channel)]


def by_month_query(ctx: Context) -> Select[Any]:
    month = local_bucket(Case.created_at, "month", ctx.zone_name, ctx.offset_seconds)
    month = month.label("month")
    return (select(month, *_counts()).where(*_cases(ctx))
            .group_by(month).order_by(month))


def by_province_query(ctx: Context) -> Select[Any]:
    province = func.coalesce(Case.province_code, "-").label("province")
    return (
        select(province, Province.name_th, Province.name_en, *_counts())
        .select_from(Case)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(*_cases(ctx))
        .group_by(province, Province.name_th, Province.name_en)
        .order_by(province))


def _by_province_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name_th, name_en, *counts = row
    return (province, labels.province_name(name_th, name_en, ctx.lang), *counts)


CATEGORY_COLUMNS = (*(Column(c.value, *labels.CHI_CATEGORIES[c]) for c in ChiCategory),
                    Column("total", "Total", "รวม"))
MASKABLE = tuple(c.key for c in CATEGORY_COLUMNS)

REPORTS = (
    ReportSpec(
        "chi_by_month", "CHI categories by month", "หมวดหมู่ CHI รายเดือน",
        (Column("month", "Month", "เดือน"), *CATEGORY_COLUMNS),
        by_month_query, lambda row, ctx: (as_month(row[0]), *row[1:]), DEFINITION,
        filters=("province", "channel"), maskable=MASKABLE,
    ),
    ReportSpec(
        "chi_by_province", "CHI categories by province", "หมวดหมู่ CHI ตามจังหวัด",
        (Column("province", "Province code", "รหัสจังหวัด"),
         Column("province_name", "Province", "จังหวัด"), *CATEGORY_COLUMNS),
        by_province_query, _by_province_shape, DEFINITION, maskable=MASKABLE,
    ),
)
