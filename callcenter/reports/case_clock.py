"""The case clock by province and urgency: median and 90th percentile of each step from
the first contact, against the targets (NFPA 1221's 60 s to dispatch for the most urgent,
the unit's acknowledgement deadline). One query on PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Integer, Select, String, case, func, literal, select, union_all

from callcenter.calls.models import Call
from callcenter.cases import clock
from callcenter.cases.follow_up_models import FollowUpTask
from callcenter.cases.models import Case, CaseCall, CaseStatus, CaseStatusChange
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.dispatch.models import Dispatch
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.spec import Column, Context, ReportSpec, number
from callcenter.reports.sql import instant, least, seconds_between
from callcenter.taxonomy import Urgency

# The steps from the first contact, then the unit's own interval (first dispatch to first
# acknowledgement) that its deadline is set on.
STEPS = (
    ("opened", "to case opened", "ถึงเปิดเคส"),
    ("dispatched", "to dispatch", "ถึงส่งหน่วย"),
    ("acknowledged", "to acknowledged", "ถึงหน่วยตอบรับ"),
    ("on_scene", "to arrival on scene", "ถึงหน่วยถึงที่เกิดเหตุ"),
    ("first_follow_up", "to first follow-up", "ถึงติดตามผลครั้งแรก"),
    ("closed", "to closed", "ถึงปิดเคส"),
    ("unit_ack", "dispatch to acknowledged", "ส่งหน่วยถึงตอบรับ"),
)
NAMES = tuple(name for name, *_ in STEPS)

DEFINITION = {
    "en": (
        "Cases opened in the range, by province and urgency. The clock starts at the first "
        "contact: the first linked call's answer (its arrival when never answered), or the "
        "case's creation when no call came first. Each step is the first time the case "
        "reached it (first dispatch, first acknowledgement, first arrival, first follow-up task "
        "done, first closing); "
        "'dispatch to acknowledged' runs from the first dispatch. Cases that never reached "
        "a step are left out of it. Median and 90th percentile are nearest-rank values, in "
        "seconds. Targets: 60 s from answer to dispatch for immediate cases (NFPA 1221); "
        "the unit's acknowledgement deadline for the urgency."
    ),
    "th": (
        "เคสที่เปิดในช่วงวันที่ แยกตามจังหวัดและความเร่งด่วน นาฬิกาเริ่มที่การติดต่อครั้งแรก: เวลารับสาย"
        "แรกที่ผูกกับเคส (เวลาสายเข้าหากไม่มีผู้รับ) หรือเวลาสร้างเคสเมื่อไม่มีสายมาก่อน แต่ละขั้นคือ"
        "ครั้งแรกที่เคสไปถึง (ส่งหน่วยครั้งแรก ตอบรับครั้งแรก ถึงที่เกิดเหตุครั้งแรก "
        "งานติดตามผลแรกที่ทำเสร็จ ปิดครั้งแรก) "
        "'ส่งหน่วยถึงตอบรับ' นับจากการส่งหน่วยครั้งแรก เคสที่ไม่ถึงขั้นใดไม่นับในขั้นนั้น มัธยฐานและ"
        "เปอร์เซ็นไทล์ที่ 90 เป็นค่าตามอันดับ หน่วยเป็นวินาที เป้าหมาย: รับสายถึงส่งหน่วยภายใน 60 วินาที"
        "สำหรับเคสเร่งด่วนที่สุด (NFPA 1221) และกำหนดเวลาตอบรับของหน่วยตามความเร่งด่วน"
    ),
}


def _per_case(ctx: Context) -> Any:
    """A row per case opened in the range with its moments. The look-ups are grouped
    once per table and joined (a correlated look-up per case and column took seconds on a
    year of cases)."""
    in_range = ((Case.created_at >= instant(ctx.range.start))
                & (Case.created_at < instant(ctx.range.end)))
    ids = select(Case.id).where(in_range)
    first_call = (
        select(CaseCall.case_id,
               func.min(func.coalesce(Call.answered_at, Call.started_at)).label("at"))
        .join(Call, Call.id == CaseCall.call_id).where(CaseCall.case_id.in_(ids))
        .group_by(CaseCall.case_id).subquery("first_call"))
    sent = (
        select(Dispatch.case_id, func.min(Dispatch.created_at).label("dispatched"),
               func.min(Dispatch.acknowledged_at).label("acknowledged"),
               func.min(Dispatch.on_scene_at).label("on_scene"))
        .where(Dispatch.case_id.in_(ids)).group_by(Dispatch.case_id).subquery("sent"))
    closed = (
        select(CaseStatusChange.case_id, func.min(CaseStatusChange.changed_at).label("at"))
        .where(CaseStatusChange.to_status == CaseStatus.CLOSED,
               CaseStatusChange.case_id.in_(ids))
        .group_by(CaseStatusChange.case_id).subquery("closed"))
    followed = (
        select(FollowUpTask.case_id, func.min(FollowUpTask.done_at).label("at"))
        .where(FollowUpTask.done_at.is_not(None), FollowUpTask.case_id.in_(ids))
        .group_by(FollowUpTask.case_id).subquery("followed"))
    return (
        select(
            Case.province_code.label("province"), Case.urgency.label("urgency"),
            least(Case.created_at, func.coalesce(first_call.c.at, Case.created_at))
            .label("first_contact"),
            Case.created_at.label("opened"),
            sent.c.dispatched, sent.c.acknowledged, sent.c.on_scene,
            followed.c.at.label("first_follow_up"), closed.c.at.label("closed"),
        )
        .outerjoin(first_call, first_call.c.case_id == Case.id)
        .outerjoin(sent, sent.c.case_id == Case.id)
        .outerjoin(followed, followed.c.case_id == Case.id)
        .outerjoin(closed, closed.c.case_id == Case.id)
        .where(in_range)
        .subquery("c"))


def _targets() -> dict[str, dict[Urgency, float | None]]:
    settings = get_dispatch_settings()
    return {"dispatched": {u: clock.dispatch_target(u) for u in Urgency},
            "unit_ack": {u: settings.ack_timeout(u) for u in Urgency}}


def _met(step: str, urgency: Any, seconds: Any) -> Any:
    """1 when within the step's target for the urgency, 0 when not, NULL without one."""
    targets = _targets().get(step)
    if not targets:
        return literal(None, Integer)
    whens = [(urgency == u.value, case((seconds <= t, 1), else_=0))
             for u, t in targets.items() if t is not None]
    return case(*whens, else_=None) if whens else literal(None, Integer)


# PostgreSQL's percentile_disc takes the rank ceil(p·n) in floating point, where 0.9·30
# is 27.000000000000004; a hair under p gives the exact nearest rank (as dispatch.py).
_HAIR = 1e-9


def _interval(c: Any, name: str) -> tuple[Any, Any, Any]:
    """The step's start, end and seconds (never negative) on the per-case rows."""
    start, end = ((c.c.dispatched, c.c.acknowledged) if name == "unit_ack"
                  else (c.c.first_contact, c.c[name]))
    return start, end, case((end < start, 0.0), else_=seconds_between(start, end))


def _order(urgency: Any) -> Any:
    # Most urgent first within a province: the order the targets matter in.
    return case(*((urgency == u.value, i) for i, u in enumerate(Urgency)))


def _ordered_set_query(ctx: Context) -> Select[Any]:
    """PostgreSQL: one pass over the cases, an ordered-set aggregate per step."""
    c = _per_case(ctx)
    columns: list[Any] = [func.count().label("cases")]
    for name in NAMES:
        _, end, seconds = _interval(c, name)
        columns += [
            func.count(end).label(f"{name}_n"),
            func.percentile_disc(0.5 - _HAIR).within_group(seconds).label(f"{name}_median"),
            func.percentile_disc(0.9 - _HAIR).within_group(seconds).label(f"{name}_p90"),
        ]
    for name in ("dispatched", "unit_ack"):
        start, end, seconds = _interval(c, name)
        columns.append(func.sum(_met(name, c.c.urgency, seconds))
                       .filter(start.is_not(None) & end.is_not(None)).label(f"{name}_within"))
    return (
        select(c.c.province, Province.name_th, c.c.urgency, *columns)
        .select_from(c)
        .outerjoin(Province, Province.code == c.c.province)
        .group_by(c.c.province, Province.name_th, c.c.urgency)
        .order_by(c.c.province, func.min(_order(c.c.urgency)))
    )


def query(ctx: Context) -> Select[Any]:
    return _ordered_set_query(ctx) if ctx.dialect == "postgresql" else _window_query(ctx)


def _window_query(ctx: Context) -> Select[Any]:
    """SQLite (no percentile functions): rank each step's times with window functions."""
    c = _per_case(ctx)
    parts = [select(c.c.province, c.c.urgency, literal("case", String).label("step"),
                    literal(0.0, Float).label("seconds"), literal(None, Integer).label("met"))]
    for name in NAMES:
        start, end, seconds = _interval(c, name)
        parts.append(select(c.c.province, c.c.urgency, literal(name, String).label("step"),
                            seconds.label("seconds"),
                            _met(name, c.c.urgency, seconds).label("met"))
                     .where(end.is_not(None), start.is_not(None)))
    steps = union_all(*parts).subquery("steps")
    window = {"partition_by": (steps.c.province, steps.c.urgency, steps.c.step)}
    ranked = select(
        steps.c.province, steps.c.urgency, steps.c.step, steps.c.seconds, steps.c.met,
        func.row_number().over(**window, order_by=steps.c.seconds).label("rank"),
        func.count().over(**window).label("n"),
    ).subquery("ranked")
    columns: list[Any] = [func.count().filter(ranked.c.step == "case").label("cases")]
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
    columns += [func.sum(ranked.c.met).filter(ranked.c.step == "dispatched")
                .label("dispatched_within"),
                func.sum(ranked.c.met).filter(ranked.c.step == "unit_ack")
                .label("unit_ack_within")]
    order = _order(ranked.c.urgency)
    return (
        select(ranked.c.province, Province.name_th, ranked.c.urgency, *columns)
        .select_from(ranked)
        .outerjoin(Province, Province.code == ranked.c.province)
        .group_by(ranked.c.province, Province.name_th, ranked.c.urgency)
        .order_by(ranked.c.province, func.min(order))
    )


def _shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name, urgency, cases, *rest = row
    *steps, dispatched_within, unit_ack_within = rest
    urgency = Urgency(urgency)
    out: list[Any] = [province or "", labels.province_of(province, name, ctx.lang),
                      urgency.value, cases]
    for i in range(0, len(steps), 3):
        n, median, p90 = steps[i:i + 3]
        out += [n, number(median, 0), number(p90, 0)]
    targets = _targets()
    dispatch_target = targets["dispatched"][urgency]
    out += [number(dispatch_target, 0),
            None if dispatch_target is None else int(dispatched_within or 0),
            number(targets["unit_ack"][urgency], 0), int(unit_ack_within or 0)]
    return tuple(out)


def _columns() -> tuple[Column, ...]:
    columns = [
        Column("province", "Province code", "รหัสจังหวัด"),
        Column("province_name", "Province", "จังหวัด"),
        Column("urgency", "Urgency", "ความเร่งด่วน"),
        Column("cases", "Cases", "จำนวนเคส"),
    ]
    for name, en, th in STEPS:
        columns += [
            Column(f"{name}_n", f"Reached ({en})", f"จำนวน ({th})"),
            Column(f"{name}_median_s", f"Median {en} (s)", f"มัธยฐานเวลา{th} (วินาที)"),
            Column(f"{name}_p90_s", f"90th percentile {en} (s)",
                   f"เปอร์เซ็นไทล์ 90 {th} (วินาที)"),
        ]
    return (*columns,
            Column("dispatch_target_s", "Target to dispatch (s)", "เป้าหมายถึงส่งหน่วย (วินาที)"),
            Column("dispatched_within", "Dispatched within target",
                   "ส่งหน่วยภายในเป้าหมาย"),
            Column("unit_ack_target_s", "Unit acknowledgement deadline (s)",
                   "กำหนดเวลาตอบรับของหน่วย (วินาที)"),
            Column("unit_ack_within", "Acknowledged within deadline",
                   "ตอบรับภายในกำหนด"))


REPORTS = (
    ReportSpec("case_clock", "The case clock by province and urgency",
               "นาฬิกาเคสตามจังหวัดและความเร่งด่วน", _columns(), query, _shape, DEFINITION),
)
