"""Case reports as the ministry publishes them: by issue area, group, province, month."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, case, func, select

from callcenter.cases.models import Case, CasePerson, PersonRole
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.spec import Column, Context, ReportSpec, as_month
from callcenter.reports.sql import instant, local_bucket
from callcenter.taxonomy import Gender

CHILD_UNDER_YEARS = 18
VICTIM_GROUPS = ("child", "woman", "man", "gender_diverse", "unknown")

CASES_DEFINITION = {
    "en": (
        "Cases opened in the range (by the local date the case was created), whatever "
        "their status now. A case without the field filled in counts under '-'."
    ),
    "th": (
        "เคสที่เปิดในช่วงวันที่ (ตามวันที่สร้างเคสตามเวลาประเทศไทย) ไม่ว่าสถานะปัจจุบันเป็นอย่างไร "
        "เคสที่ยังไม่ได้ระบุข้อมูลนั้นนับไว้ที่ '-'"
    ),
}
VICTIMS_DEFINITION = {
    "en": (
        f"Victims recorded on cases opened in the range. Under {CHILD_UNDER_YEARS}: child, "
        "whatever the gender. Otherwise (or age not recorded) by gender: woman, man, "
        "gender-diverse; unknown when the gender was not recorded. A case with two victims "
        "counts twice."
    ),
    "th": (
        f"ผู้เสียหายในเคสที่เปิดในช่วงวันที่ อายุต่ำกว่า {CHILD_UNDER_YEARS} ปี: เด็ก ไม่ว่าเพศใด "
        "นอกนั้น (หรือไม่ทราบอายุ) แยกตามเพศ: สตรี ผู้ชาย เพศทางเลือก และไม่ระบุเมื่อไม่ได้บันทึกเพศ "
        "เคสที่มีผู้เสียหายสองคนนับสองคน"
    ),
}

VICTIM_GROUP = case(
    (CasePerson.age_years < CHILD_UNDER_YEARS, "child"),
    (CasePerson.gender == Gender.FEMALE, "woman"),
    (CasePerson.gender == Gender.MALE, "man"),
    (CasePerson.gender == Gender.GENDER_DIVERSE, "gender_diverse"),
    else_="unknown",
)


def _group_counts() -> list[Any]:
    return [func.count().filter(VICTIM_GROUP.__eq__(g)).label(g) for g in VICTIM_GROUPS]


def _in_range(ctx: Context) -> Any:
    return and_(
        Case.created_at >= instant(ctx.range.start), Case.created_at < instant(ctx.range.end),
        *conditions(ctx.filters, channel=Case.channel),
    )


def _by(column: Any) -> Any:
    def query(ctx: Context) -> Select[Any]:
        return (
            select(column, func.count().label("cases"))
            .where(_in_range(ctx))
            .group_by(column)
            .order_by(column)
        )

    return query


def by_province_query(ctx: Context) -> Select[Any]:
    return (
        select(Case.province_code, Province.name_th, func.count().label("cases"))
        .select_from(Case)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(_in_range(ctx))
        .group_by(Case.province_code, Province.name_th)
        .order_by(Case.province_code)
    )


def by_month_query(ctx: Context) -> Select[Any]:
    month = local_bucket(Case.created_at, "month", ctx.zone_name, ctx.offset_seconds)
    month = month.label("month")
    return select(month, func.count().label("cases")).where(_in_range(ctx)) \
        .group_by(month).order_by(month)


def victims_query(ctx: Context) -> Select[Any]:
    month = local_bucket(Case.created_at, "month", ctx.zone_name, ctx.offset_seconds)
    month = month.label("month")
    counts = _group_counts()
    return (
        select(month, *counts, func.count().label("total"))
        .select_from(CasePerson)
        .join(Case, Case.id == CasePerson.case_id)
        .where(_in_range(ctx), CasePerson.role == PersonRole.VICTIM)
        .group_by(month)
        .order_by(month)
    )


def victims_by_province_query(ctx: Context) -> Select[Any]:
    counts = _group_counts()
    return (
        select(Case.province_code, Province.name_th, *counts, func.count().label("total"))
        .select_from(CasePerson)
        .join(Case, Case.id == CasePerson.case_id)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(_in_range(ctx), CasePerson.role == PersonRole.VICTIM)
        .group_by(Case.province_code, Province.name_th)
        .order_by(Case.province_code)
    )


def _key(value: Any) -> str:
    return str(value) if value is not None else "-"


def _victims_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    return (as_month(row[0]), *row[1:])


GROUP_LABELS = {
    "child": ("Children", "เด็ก"),
    "woman": ("Women", "สตรี"),
    "man": ("Men", "ผู้ชาย"),
    "gender_diverse": ("Gender-diverse", "เพศทางเลือก"),
    "unknown": ("Not recorded", "ไม่ระบุ"),
}
CASES = Column("cases", "Cases", "จำนวนเคส")
# Every case report counts one channel when one is chosen (the hotline's, the walk-ins').
FILTERS = ("channel",)

REPORTS = (
    ReportSpec(
        "cases_by_issue_area", "Cases by issue area", "เคสตามประเด็นปัญหา",
        (Column("issue_area", "Issue area", "ประเด็นปัญหา"), CASES),
        _by(Case.issue_area), lambda row, ctx: (_key(row[0]), row[1]), CASES_DEFINITION,
        filters=FILTERS,
    ),
    ReportSpec(
        "cases_by_target_group", "Cases by target group", "เคสตามกลุ่มเป้าหมาย",
        (Column("target_group", "Target group", "กลุ่มเป้าหมาย"), CASES),
        _by(Case.target_group), lambda row, ctx: (_key(row[0]), row[1]), CASES_DEFINITION,
        filters=FILTERS,
    ),
    ReportSpec(
        "cases_by_province", "Cases by province", "เคสตามจังหวัด",
        (Column("province", "Province code", "รหัสจังหวัด"),
         Column("province_name", "Province", "จังหวัด"), CASES),
        by_province_query,
        lambda row, ctx: (_key(row[0]), labels.province_of(row[0], row[1], ctx.lang), row[2]),
        CASES_DEFINITION, filters=FILTERS,
    ),
    ReportSpec(
        "cases_by_month", "Cases by month", "เคสรายเดือน",
        (Column("month", "Month", "เดือน"), CASES),
        by_month_query, lambda row, ctx: (as_month(row[0]), row[1]), CASES_DEFINITION,
        filters=FILTERS,
    ),
    ReportSpec(
        "victims_by_group", "Victims by group and month", "ผู้เสียหายตามกลุ่มและเดือน",
        (
            Column("month", "Month", "เดือน"),
            *(Column(g, *GROUP_LABELS[g]) for g in VICTIM_GROUPS),
            Column("total", "Total", "รวม"),
        ),
        victims_query, _victims_shape, VICTIMS_DEFINITION, filters=FILTERS,
    ),
    ReportSpec(
        "victims_by_province", "Victims by group and province", "ผู้เสียหายตามกลุ่มและจังหวัด",
        (
            Column("province", "Province code", "รหัสจังหวัด"),
            Column("province_name", "Province", "จังหวัด"),
            *(Column(g, *GROUP_LABELS[g]) for g in VICTIM_GROUPS),
            Column("total", "Total", "รวม"),
        ),
        victims_by_province_query,
        lambda row, ctx: (_key(row[0]), row[1] or "", *row[2:]),
        VICTIMS_DEFINITION, filters=FILTERS,
    ),
)
