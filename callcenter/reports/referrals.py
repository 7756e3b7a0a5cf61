"""Overdue referrals: by agency type and province, and referral by referral.

A referral is overdue when its due time has passed while the agency has not answered or
is still working on it (sent or accepted: ``cases.agencies.OVERDUE_STATUSES``), judged at
the moment the report is run. The range picks the referrals sent in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from callcenter.cases.agencies import OVERDUE_STATUSES
from callcenter.cases.models import Case, Referral
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.ranks import nearest_ranks, same_keys
from callcenter.reports.spec import Column, Context, ReportSpec, hours
from callcenter.reports.sql import instant, seconds_between

DAY = 86400.0
FILTERS = ("province", "urgency", "agency_type", "channel")

DEFINITION = {
    "en": (
        "Referrals sent in the range that are overdue now: past their due time while the "
        "agency has not answered (sent) or has not finished (accepted). By agency type and "
        "the case's province. Hours past due run from the due time to the moment the "
        "report is run; the median is the nearest-rank value."
    ),
    "th": (
        "การส่งต่อที่ส่งในช่วงวันที่และเกินกำหนด ณ ขณะนี้: เลยเวลาที่กำหนดแล้วแต่หน่วยงานยังไม่ตอบรับ "
        "(ส่งแล้ว) หรือยังดำเนินการไม่เสร็จ (ตอบรับแล้ว) แยกตามประเภทหน่วยงานและจังหวัดของเคส "
        "ชั่วโมงที่เกินกำหนดนับจากเวลาที่กำหนดถึงเวลาที่เรียกรายงาน มัธยฐานเป็นค่าตามอันดับ"
    ),
}
EACH_DEFINITION = {
    "en": (
        "One row per overdue referral (as in the summary), the most urgent case first, then "
        "the longest overdue: the case number (no person's data), the case's urgency and "
        "province, the agency, the referral's status, when it was sent and due (local "
        "time) and the hours past due now."
    ),
    "th": (
        "หนึ่งแถวต่อการส่งต่อที่เกินกำหนด (ตามรายงานสรุป) เรียงเคสที่ด่วนที่สุดก่อน แล้วจึงตามเวลาที่เกิน"
        "กำหนดนานที่สุด ได้แก่ เลขที่เคส (ไม่มีข้อมูลบุคคล) ความเร่งด่วนและจังหวัดของเคส หน่วยงาน "
        "สถานะการส่งต่อ เวลาที่ส่งและเวลาที่กำหนด (เวลาประเทศไทย) และจำนวนชั่วโมงที่เกินกำหนด ณ ขณะนี้"
    ),
}


def _overdue(ctx: Context) -> list[Any]:
    """Overdue now, sent in the range, narrowed by the filters."""
    return [
        Referral.status.in_(OVERDUE_STATUSES), Referral.due_at.is_not(None),
        Referral.due_at < instant(ctx.now),
        Referral.sent_at >= instant(ctx.range.start), Referral.sent_at < instant(ctx.range.end),
        *conditions(ctx.filters, province=Case.province_code, urgency=Case.urgency,
                    agency_type=Referral.agency_type, channel=Case.channel),
    ]


def _past_due(ctx: Context) -> Any:
    return seconds_between(Referral.due_at, instant(ctx.now))


def summary_query(ctx: Context) -> Select[Any]:
    past = _past_due(ctx)
    each = (
        select(Referral.agency_type.label("agency_type"),
               func.coalesce(Case.province_code, "-").label("province"),
               past.label("past"))
        .join(Case, Case.id == Referral.case_id).where(*_overdue(ctx))
        .subquery("each"))
    keys = ("agency_type", "province")
    ranks = nearest_ranks(each, keys, "past", ctx.dialect)
    counts = (
        select(each.c.agency_type, each.c.province, func.count().label("overdue"),
               func.count().filter(each.c.past > DAY).label("past_day"),
               func.count().filter(each.c.past > 7 * DAY).label("past_week"),
               func.max(each.c.past).label("longest"))
        .group_by(each.c.agency_type, each.c.province).subquery("counts"))
    return (
        select(counts.c.agency_type, counts.c.province, Province.name_th, Province.name_en,
               counts.c.overdue, counts.c.past_day, counts.c.past_week, ranks.c.median,
               counts.c.longest)
        .select_from(counts)
        .join(ranks, same_keys(counts, ranks, keys))
        .outerjoin(Province, Province.code == counts.c.province)
        .order_by(counts.c.agency_type, counts.c.province))


def _summary_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    kind, province, name_th, name_en, overdue, day, week, median, longest = row
    return (str(kind), labels.name(labels.AGENCY_TYPES, kind, ctx.lang), province,
            labels.province_name(name_th, name_en, ctx.lang), overdue, day, week,
            hours(median), hours(longest))



def each_query(ctx: Context) -> Select[Any]:
    return (
        select(Case.number, Case.urgency, Case.province_code, Province.name_th,
               Province.name_en, Referral.agency_type, Referral.agency_name, Referral.status,
               Referral.sent_at, Referral.due_at, _past_due(ctx))
        .join(Case, Case.id == Referral.case_id)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(*_overdue(ctx))
        .order_by(labels.in_order(Case.urgency, labels.URGENCIES), Referral.due_at,
                  Referral.id))


def _each_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    number_, urgency, province, name_th, name_en, kind, agency, status, sent, due, past = row
    zone = ctx.range.zone
    return (number_, str(urgency), labels.name(labels.URGENCIES, urgency, ctx.lang),
            province or "-", labels.province_name(name_th, name_en, ctx.lang), str(kind),
            labels.name(labels.AGENCY_TYPES, kind, ctx.lang), agency, str(status),
            sent.astimezone(zone).replace(tzinfo=None),
            due.astimezone(zone).replace(tzinfo=None), hours(past))


AGENCY_TYPE = (Column("agency_type", "Agency type code", "รหัสประเภทหน่วยงาน"),
               Column("agency_type_name", "Agency type", "ประเภทหน่วยงาน"))
PROVINCE = (Column("province", "Province code", "รหัสจังหวัด"),
            Column("province_name", "Province", "จังหวัด"))

REPORTS = (
    ReportSpec(
        "overdue_referrals", "Overdue referrals by agency type and province",
        "การส่งต่อที่เกินกำหนดตามประเภทหน่วยงานและจังหวัด",
        (*AGENCY_TYPE, *PROVINCE,
         Column("overdue", "Overdue", "เกินกำหนด"),
         Column("past_1_day", "Over a day past due", "เกินกำหนดเกิน 1 วัน"),
         Column("past_7_days", "Over a week past due", "เกินกำหนดเกิน 7 วัน"),
         Column("median_hours_past_due", "Median hours past due", "มัธยฐานชั่วโมงที่เกินกำหนด"),
         Column("longest_hours_past_due", "Longest hours past due",
                "ชั่วโมงที่เกินกำหนดนานที่สุด")),
        summary_query, _summary_shape, DEFINITION, filters=FILTERS,
    ),
    ReportSpec(
        "overdue_referrals_each", "Overdue referrals, referral by referral",
        "การส่งต่อที่เกินกำหนดรายการ",
        (Column("case_number", "Case", "เลขที่เคส"),
         Column("urgency", "Urgency code", "รหัสความเร่งด่วน"),
         Column("urgency_name", "Urgency", "ความเร่งด่วน"),
         *PROVINCE, *AGENCY_TYPE,
         Column("agency", "Agency", "หน่วยงาน"),
         Column("status", "Status", "สถานะ"),
         Column("sent_at", "Sent (local time)", "เวลาที่ส่ง"),
         Column("due_at", "Due (local time)", "เวลาที่กำหนด"),
         Column("hours_past_due", "Hours past due", "ชั่วโมงที่เกินกำหนด")),
        each_query, _each_shape, EACH_DEFINITION, filters=FILTERS, lists_cases=True,
    ),
)
