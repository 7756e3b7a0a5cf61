"""Time to close: from a case's opening to its closing, by province and urgency and by
the closing's outcome; nearest-rank median and 90th percentile in hours.

Each closing in the range counts (a case reopened and closed again in it counts twice,
each time from its opening), so a month's figures stay as they were published whatever
happens to its cases later. No closing target is configured today: when one is, its
column goes beside the percentiles, as the case clock shows its targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce

from callcenter.cases.models import Case, CaseStatus, CaseStatusChange
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.ranks import nearest_ranks
from callcenter.reports.spec import Column, Context, ReportSpec, hours
from callcenter.reports.sql import instant, seconds_between

FILTERS = ("province", "urgency", "channel")

DEFINITION = {
    "en": (
        "Closings in the range: the hours from the case's opening to its closing. A case "
        "reopened and closed again in the range counts for each closing. By the case's "
        "province and urgency (or by the outcome given at the closing); median and 90th "
        "percentile are nearest-rank values. No closing target is configured."
    ),
    "th": (
        "การปิดเคสในช่วงวันที่: จำนวนชั่วโมงจากเวลาเปิดเคสถึงเวลาปิด เคสที่เปิดใหม่แล้วปิดอีกครั้งในช่วง"
        "นับทุกครั้งที่ปิด แยกตามจังหวัดและความเร่งด่วนของเคส (หรือตามผลการปิดที่ระบุตอนปิด) มัธยฐาน"
        "และเปอร์เซ็นไทล์ที่ 90 เป็นค่าตามอันดับ ยังไม่มีการกำหนดเป้าหมายเวลาปิดเคส"
    ),
}


def _closings(ctx: Context) -> Any:
    """One row per closing in the range, with the case's place, urgency and outcome."""
    return (
        select(func.coalesce(Case.province_code, "-").label("province"),
               Case.urgency.label("urgency"),
               func.coalesce(type_coerce(CaseStatusChange.outcome, String), "-").label("outcome"),
               seconds_between(Case.created_at, CaseStatusChange.changed_at).label("seconds"))
        .join(Case, Case.id == CaseStatusChange.case_id)
        .where(CaseStatusChange.to_status == CaseStatus.CLOSED,
               CaseStatusChange.changed_at >= instant(ctx.range.start),
               CaseStatusChange.changed_at < instant(ctx.range.end),
               *conditions(ctx.filters, province=Case.province_code, urgency=Case.urgency,
                           channel=Case.channel))
        .subquery("closings"))


def by_place_query(ctx: Context) -> Select[Any]:
    ranks = nearest_ranks(_closings(ctx), ("province", "urgency"), "seconds", ctx.dialect)
    return (
        select(ranks.c.province, Province.name_th, Province.name_en, ranks.c.urgency,
               ranks.c.n, ranks.c.median, ranks.c.p90)
        .select_from(ranks)
        .outerjoin(Province, Province.code == ranks.c.province)
        .order_by(ranks.c.province, labels.in_order(ranks.c.urgency, labels.URGENCIES)))


def _by_place_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name_th, name_en, urgency, n, median, p90 = row
    return (province, labels.province_name(name_th, name_en, ctx.lang), str(urgency),
            labels.name(labels.URGENCIES, urgency, ctx.lang), n, hours(median), hours(p90))


def by_outcome_query(ctx: Context) -> Select[Any]:
    ranks = nearest_ranks(_closings(ctx), ("outcome",), "seconds", ctx.dialect)
    return (select(ranks.c.outcome, ranks.c.n, ranks.c.median, ranks.c.p90)
            .order_by(labels.in_order(ranks.c.outcome, labels.OUTCOMES)))


def _by_outcome_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    outcome, n, median, p90 = row
    return (str(outcome), labels.name(labels.OUTCOMES, outcome, ctx.lang), n,
            hours(median), hours(p90))



FIGURES = (
    Column("closed", "Closings", "จำนวนการปิด"),
    Column("median_hours", "Median hours to close", "มัธยฐานชั่วโมงถึงปิด"),
    Column("p90_hours", "90th percentile hours to close", "เปอร์เซ็นไทล์ 90 ชั่วโมงถึงปิด"),
)

REPORTS = (
    ReportSpec(
        "time_to_close", "Time to close by province and urgency",
        "เวลาถึงปิดเคสตามจังหวัดและความเร่งด่วน",
        (Column("province", "Province code", "รหัสจังหวัด"),
         Column("province_name", "Province", "จังหวัด"),
         Column("urgency", "Urgency code", "รหัสความเร่งด่วน"),
         Column("urgency_name", "Urgency", "ความเร่งด่วน"), *FIGURES),
        by_place_query, _by_place_shape, DEFINITION, filters=FILTERS,
    ),
    ReportSpec(
        "time_to_close_by_outcome", "Time to close by outcome", "เวลาถึงปิดเคสตามผลการปิด",
        (Column("outcome", "Outcome code", "รหัสผลการปิด"),
         Column("outcome_name", "Outcome", "ผลการปิด"), *FIGURES),
        by_outcome_query, _by_outcome_shape, DEFINITION, filters=FILTERS,
    ),
)
