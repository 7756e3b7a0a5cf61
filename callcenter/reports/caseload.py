"""Caseload per worker: what each owner holds now and what came and went in the range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select

from callcenter.agents.models import User
from callcenter.cases.agencies import OVERDUE_STATUSES
from callcenter.cases.models import Case, CaseStatus, CaseStatusChange, Referral
from callcenter.reports.spec import Column, Context, ReportSpec
from callcenter.reports.sql import instant
from callcenter.taxonomy import Urgency

NO_OWNER = {"en": "(no owner)", "th": "(ยังไม่มีผู้รับผิดชอบ)"}
ACCOUNT = {True: {"en": "active", "th": "ใช้งาน"},
           False: {"en": "inactive", "th": "ปิดใช้งาน"}}

DEFINITION = {
    "en": (
        "One row per case owner (and one for cases without an owner). Open now: cases not "
        "closed at the time the report is run; of them, immediate and high urgency. Opened: "
        "cases created in the range. Closed: cases closed in the range (a case closed twice "
        "in it counts once). Overdue referrals: referrals of the owner's cases past their "
        "due time that the agency has not answered or finished, now. A province chosen "
        "narrows to that province's cases. An account switched off is marked inactive: its "
        "open cases need a new owner."
    ),
    "th": (
        "หนึ่งแถวต่อผู้รับผิดชอบเคส (และหนึ่งแถวสำหรับเคสที่ยังไม่มีผู้รับผิดชอบ) เปิดอยู่: เคสที่ยังไม่ปิด "
        "ณ เวลาที่เรียกรายงาน แยกจำนวนที่ด่วนที่สุดและด่วน เปิดใหม่: เคสที่สร้างในช่วงวันที่ ปิด: เคสที่ปิด"
        "ในช่วงวันที่ (ปิดสองครั้งในช่วงนับครั้งเดียว) การส่งต่อที่เกินกำหนด: การส่งต่อของเคสของผู้รับผิดชอบ"
        "ที่เลยกำหนดแล้วหน่วยงานยังไม่ตอบรับหรือยังไม่เสร็จ ณ ขณะนี้ เลือกจังหวัดเพื่อดูเฉพาะเคสของ"
        "จังหวัดนั้น บัญชีที่ปิดใช้งานแล้วมีเครื่องหมายไว้ เคสที่เปิดอยู่ของบัญชีนั้นต้องมอบผู้รับผิดชอบใหม่"
    ),
}


def query(ctx: Context) -> Select[Any]:
    start, end = instant(ctx.range.start), instant(ctx.range.end)
    closed = (
        select(CaseStatusChange.case_id).distinct()
        .where(CaseStatusChange.to_status == CaseStatus.CLOSED,
               CaseStatusChange.changed_at >= start, CaseStatusChange.changed_at < end)
        .subquery("closed"))
    overdue = (
        select(Referral.case_id, func.count().label("n"))
        .where(Referral.status.in_(OVERDUE_STATUSES), Referral.due_at.is_not(None),
               Referral.due_at < instant(ctx.now))
        .group_by(Referral.case_id).subquery("overdue"))
    is_open = Case.status != CaseStatus.CLOSED
    opened = (Case.created_at >= start) & (Case.created_at < end)
    counts = [
        func.count().filter(is_open).label("open"),
        func.count().filter(is_open & (Case.urgency == Urgency.IMMEDIATE)).label("immediate"),
        func.count().filter(is_open & (Case.urgency == Urgency.HIGH)).label("high"),
        func.count().filter(opened).label("opened"),
        func.count(closed.c.case_id).label("closed"),
        func.coalesce(func.sum(overdue.c.n), 0).label("overdue"),
    ]
    q = (
        select(Case.owner_id, User.login, User.display_name, User.active, *counts)
        .select_from(Case)
        .outerjoin(User, User.id == Case.owner_id)
        .outerjoin(closed, closed.c.case_id == Case.id)
        .outerjoin(overdue, overdue.c.case_id == Case.id)
        .where(or_(is_open, opened, closed.c.case_id.is_not(None)))
        .group_by(Case.owner_id, User.login, User.display_name, User.active)
        # The heaviest open load first; the unowned cases after every owner.
        .order_by(Case.owner_id.is_(None), func.count().filter(is_open).desc(), User.login)
    )
    if ctx.filters.province:
        q = q.where(Case.province_code == ctx.filters.province)
    if ctx.filters.channel:
        q = q.where(Case.channel == ctx.filters.channel)
    return q


def _shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    owner_id, login, name, active, is_open, immediate, high, opened, closed, overdue = row
    if owner_id is None:
        return ("-", NO_OWNER.get(ctx.lang, NO_OWNER["en"]), "", is_open, immediate, high,
                opened, closed, int(overdue))
    account = ACCOUNT[bool(active)]
    return (login, name, account.get(ctx.lang, account["en"]), is_open, immediate, high,
            opened, closed, int(overdue))


COLUMNS = (
    Column("login", "Login", "ชื่อผู้ใช้"),
    Column("worker", "Worker", "ผู้รับผิดชอบ"),
    Column("account", "Account", "สถานะบัญชี"),
    Column("open", "Open now", "เปิดอยู่"),
    Column("open_immediate", "Of them immediate", "ในนั้นด่วนที่สุด"),
    Column("open_high", "Of them high", "ในนั้นด่วน"),
    Column("opened", "Opened in range", "เปิดใหม่ในช่วง"),
    Column("closed", "Closed in range", "ปิดในช่วง"),
    Column("overdue_referrals", "Overdue referrals now", "การส่งต่อที่เกินกำหนดขณะนี้"),
)

REPORTS = (
    ReportSpec("caseload_per_worker", "Caseload per worker", "ภาระงานเคสรายผู้รับผิดชอบ",
               COLUMNS, query, _shape, DEFINITION, filters=("province", "channel")),
)
