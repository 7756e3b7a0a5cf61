"""Overdue follow-ups and referrals by province and urgency: of what fell due in the
range, how much was done on time, done late, is still open past due, or was cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, and_, case, func, literal, select, union_all

from callcenter.cases.agencies import OVERDUE_STATUSES
from callcenter.cases.follow_up_models import FollowUpTask
from callcenter.cases.models import Case, Referral
from callcenter.db import utcnow
from callcenter.provinces.models import Province
from callcenter.reports.spec import Column, Context, ReportSpec
from callcenter.reports.sql import instant
from callcenter.taxonomy import Urgency

DEFINITION = {
    "en": (
        "Follow-up tasks and referrals whose due time fell in the range, by the case's "
        "province and urgency (most urgent first). A task is on time when it was marked "
        "done by its due time, late when done after it; open when neither done nor "
        "cancelled and past due at the time the report is run; cancelled includes those "
        "cancelled because the case closed. A referral is answered on time when the agency "
        "accepted, declined or finished it by the due time; overdue when it is still sent "
        "or accepted and past due now."
    ),
    "th": (
        "งานติดตามผลและการส่งต่อที่ครบกำหนดในช่วงวันที่ แยกตามจังหวัดและความเร่งด่วนของเคส "
        "(เร่งด่วนที่สุดก่อน) งานที่ทำเสร็จภายในเวลาที่กำหนดนับว่าตรงเวลา ทำเสร็จหลังกำหนดนับว่าล่าช้า "
        "งานที่ยังไม่เสร็จและไม่ได้ยกเลิกและเลยกำหนดแล้ว ณ เวลาที่ออกรายงานนับว่าค้าง งานที่ยกเลิก"
        "รวมงานที่ยกเลิกเพราะปิดเคส การส่งต่อที่หน่วยงานตอบรับ ปฏิเสธ หรือให้บริการแล้วภายในกำหนด"
        "นับว่าตอบทันเวลา ส่วนที่ยังอยู่ในสถานะส่งแล้วหรือตอบรับแล้วและเลยกำหนดนับว่าเกินกำหนด"
    ),
}


def _rows(ctx: Context) -> Any:
    """One row per task or referral due in the range: what it is and how it ended."""
    start, end, now = instant(ctx.range.start), instant(ctx.range.end), instant(utcnow())
    tasks = (
        select(Case.province_code.label("province"), Case.urgency.label("urgency"),
               literal("task", String).label("what"),
               case((FollowUpTask.done_at.is_not(None)
                     & (FollowUpTask.done_at <= FollowUpTask.due_at), "on_time"),
                    (FollowUpTask.done_at.is_not(None), "late"),
                    (FollowUpTask.cancelled_at.is_not(None), "cancelled"),
                    (FollowUpTask.due_at < now, "open_overdue"),
                    else_="open").label("how"))
        .join(Case, Case.id == FollowUpTask.case_id)
        .where(FollowUpTask.due_at >= start, FollowUpTask.due_at < end))
    answered = func.coalesce(Referral.responded_at, Referral.closed_at)
    referrals = (
        select(Case.province_code, Case.urgency, literal("referral", String),
               case((answered.is_not(None) & (answered <= Referral.due_at), "on_time"),
                    (Referral.status.in_(OVERDUE_STATUSES) & (Referral.due_at < now),
                     "open_overdue"),
                    else_="other"))
        .join(Case, Case.id == Referral.case_id)
        .where(Referral.due_at >= start, Referral.due_at < end))
    return union_all(tasks, referrals).subquery("due")


def query(ctx: Context) -> Select[Any]:
    d = _rows(ctx)

    def count(what: str, how: str | None = None) -> Any:
        condition = d.c.what == what
        if how is not None:
            condition = and_(condition, d.c.how == how)
        return func.count().filter(condition)

    order = case(*((d.c.urgency == u.value, i) for i, u in enumerate(Urgency)))
    return (
        select(d.c.province, Province.name_th, d.c.urgency,
               count("task"), count("task", "on_time"), count("task", "late"),
               count("task", "open_overdue"), count("task", "cancelled"),
               count("referral"), count("referral", "on_time"),
               count("referral", "open_overdue"))
        .select_from(d)
        .outerjoin(Province, Province.code == d.c.province)
        .group_by(d.c.province, Province.name_th, d.c.urgency)
        .order_by(d.c.province, func.min(order))
    )


def _shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name, urgency, *counts = row
    return (province or "", name or "", Urgency(urgency).value, *(int(c or 0) for c in counts))


COLUMNS = (
    Column("province", "Province code", "รหัสจังหวัด"),
    Column("province_name", "Province", "จังหวัด"),
    Column("urgency", "Urgency", "ความเร่งด่วน"),
    Column("tasks_due", "Follow-ups due", "งานติดตามผลที่ครบกำหนด"),
    Column("tasks_on_time", "Done on time", "ทำเสร็จตรงเวลา"),
    Column("tasks_late", "Done late", "ทำเสร็จล่าช้า"),
    Column("tasks_overdue", "Still open, overdue", "ค้างเกินกำหนด"),
    Column("tasks_cancelled", "Cancelled", "ยกเลิก"),
    Column("referrals_due", "Referrals due", "การส่งต่อที่ครบกำหนด"),
    Column("referrals_on_time", "Answered on time", "หน่วยงานตอบทันเวลา"),
    Column("referrals_overdue", "Referrals overdue", "การส่งต่อเกินกำหนด"),
)

REPORTS = (
    ReportSpec("follow_ups_overdue", "Overdue follow-ups and referrals by province and urgency",
               "งานติดตามผลและการส่งต่อที่เกินกำหนด ตามจังหวัดและความเร่งด่วน", COLUMNS, query,
               _shape, DEFINITION),
)
