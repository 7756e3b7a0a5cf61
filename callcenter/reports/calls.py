"""Call reports: volume by hour, day, queue and outcome; service level; call records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from callcenter.calls.models import (
    Call,
    CallDirection,
    CallLeg,
    CallOutcome,
    DispositionOption,
    LegEnd,
)
from callcenter.queues.models import Queue
from callcenter.queues.stats import DEFAULT_THRESHOLD_SECONDS, SHORT_ABANDON_SECONDS
from callcenter.reports.spec import (
    Column,
    Context,
    ReportSpec,
    as_date,
    as_local_hour,
    number,
)
from callcenter.reports.sql import instant, local_bucket, local_hour

# The wallboard's definition (callcenter.queues.stats), computed here in SQL over a range:
# callers who hang up within SHORT_ABANDON_SECONDS of joining a queue count on neither
# side; a call whose queue is not configured has DEFAULT_THRESHOLD_SECONDS.
SERVICE_LEVEL_DEFINITION = {
    "en": (
        "Service level = inbound calls answered within their queue's answer threshold "
        "(the queue's setting, 10–30 s) ÷ (inbound calls answered + inbound calls "
        f"abandoned after waiting more than {SHORT_ABANDON_SECONDS} s). Callers who hang up "
        f"within {SHORT_ABANDON_SECONDS} s are left out of both. Abandonment rate = calls "
        "abandoned after that time ÷ the same denominator. Only finished calls that reached "
        "a queue count; queue timeouts are not abandons; a call counts on the local day "
        "(Asia/Bangkok) it started."
    ),
    "th": (
        "ระดับการให้บริการ = จำนวนสายเข้าที่รับภายในเวลาที่กำหนดของคิว (ค่าของแต่ละคิว 10–30 วินาที) "
        "÷ (สายที่รับ + สายที่ผู้โทรวางสายหลังรอเกิน "
        f"{SHORT_ABANDON_SECONDS} วินาที) สายที่วางภายใน {SHORT_ABANDON_SECONDS} วินาทีไม่นับทั้งสองฝั่ง "
        "อัตราการละทิ้งสาย = สายที่วางหลังรอเกินเวลานั้น ÷ ตัวหารเดียวกัน "
        "นับเฉพาะสายที่เข้าคิวและจบแล้ว ไม่นับสายที่หมดเวลารอ ตามวันที่เริ่มสายตามเวลาประเทศไทย"
    ),
}

VOLUME_DEFINITION = {
    "en": (
        "Inbound calls that started in the range. Offered: every call. Answered: taken by "
        "an agent. Abandoned: the caller hung up while queued (short: within "
        f"{SHORT_ABANDON_SECONDS} s). IVR only: ended before reaching a queue. Other: queue "
        "timeout, callback, failed, interrupted or still in progress. Average wait and talk "
        "are over answered calls."
    ),
    "th": (
        "สายเข้าที่เริ่มในช่วงวันที่ที่เลือก สายเข้า: ทุกสาย รับสาย: เจ้าหน้าที่รับ วางสาย: ผู้โทรวางสาย"
        f"ระหว่างรอในคิว (แยกนับเมื่อวางภายใน {SHORT_ABANDON_SECONDS} วินาที) จบในระบบตอบรับ: "
        "วางก่อนเข้าคิว อื่น ๆ: หมดเวลารอ ขอให้โทรกลับ ล้มเหลว ขาดการเชื่อมต่อ หรือยังไม่จบ "
        "เวลารอและเวลาสนทนาเฉลี่ยคิดจากสายที่รับ"
    ),
}
# A queue's figures count legs (one per queue visit: a call moved, transferred or
# overflowing to another queue counts in each queue it visited, with that queue's wait
# and talk); the hotline's figures (by hour, day, outcome, the daily service level)
# count calls. See docs/wallboard.md.
QUEUE_DEFINITION = {
    "en": (
        "Per queue, each queue visit counts (a call moved or transferred to another queue "
        "counts in each queue it visited, with that queue's wait and talk). Offered: calls "
        "that joined the queue. Answered: taken by an agent there. Abandoned: the caller "
        f"hung up while waiting there (short: within {SHORT_ABANDON_SECONDS} s). "
        "IVR only ('-'): calls that reached no queue. Other: moved or transferred while "
        "waiting, the queue's wait limit, or still in progress. Average wait and talk are "
        "over the visits answered there."
    ),
    "th": (
        "แยกตามคิว นับทุกครั้งที่สายเข้าคิว (สายที่ย้ายหรือโอนไปคิวอื่นนับในทุกคิวที่เข้า "
        "พร้อมเวลารอและเวลาสนทนาของคิวนั้น) สายเข้า: สายที่เข้าคิว รับสาย: เจ้าหน้าที่ของคิวรับ "
        f"วางสาย: ผู้โทรวางสายระหว่างรอในคิว (แยกนับเมื่อวางภายใน {SHORT_ABANDON_SECONDS} วินาที) "
        "จบในระบบตอบรับ ('-'): สายที่ไม่เข้าคิวใด อื่น ๆ: ย้ายหรือโอนระหว่างรอ หมดเวลารอ "
        "หรือยังไม่จบ เวลารอและเวลาสนทนาเฉลี่ยคิดจากการรับสายในคิวนั้น"
    ),
}
QUEUE_SERVICE_LEVEL_DEFINITION = {
    lang: text + (" Per queue, each queue visit (leg) counts with its own wait."
                  if lang == "en" else " แยกตามคิว นับทุกครั้งที่สายเข้าคิว ด้วยเวลารอในคิวนั้น")
    for lang, text in SERVICE_LEVEL_DEFINITION.items()
}
RECORDS_DEFINITION = {
    "en": "One row per inbound call that started in the range; no caller number or name.",
    "th": "หนึ่งแถวต่อหนึ่งสายเข้าที่เริ่มในช่วงวันที่ ไม่มีหมายเลขหรือชื่อผู้โทร",
}

ANSWERED = Call.answered_at.is_not(None)
ABANDONED = Call.outcome == CallOutcome.ABANDONED
SHORT_ABANDON = and_(
    ABANDONED, Call.wait_seconds.is_not(None), Call.wait_seconds <= SHORT_ABANDON_SECONDS
)
COUNTED_ABANDON = and_(
    ABANDONED, or_(Call.wait_seconds.is_(None), Call.wait_seconds > SHORT_ABANDON_SECONDS)
)
IVR_ONLY = Call.outcome == CallOutcome.IVR_HANGUP

# The same, for one queue visit (a leg): its own wait and how it ended there.
LEG_ANSWERED = CallLeg.answered_at.is_not(None)
LEG_ABANDONED = CallLeg.ended_how == LegEnd.ABANDONED
LEG_SHORT_ABANDON = and_(LEG_ABANDONED, CallLeg.wait_seconds.is_not(None),
                         CallLeg.wait_seconds <= SHORT_ABANDON_SECONDS)
LEG_COUNTED_ABANDON = and_(LEG_ABANDONED, or_(CallLeg.wait_seconds.is_(None),
                                              CallLeg.wait_seconds > SHORT_ABANDON_SECONDS))
QUEUED_LEG = and_(CallLeg.queue_name.is_not(None), CallLeg.queue_name != "")


def _in_range(ctx: Context) -> Any:
    return and_(
        Call.direction == CallDirection.INBOUND,
        Call.started_at >= instant(ctx.range.start),
        Call.started_at < instant(ctx.range.end),
    )


def _count(condition: Any) -> Any:
    return func.count().filter(condition)


def _volume_columns() -> list[Any]:
    return [
        func.count().label("offered"),
        _count(ANSWERED).label("answered"),
        _count(COUNTED_ABANDON).label("abandoned"),
        _count(SHORT_ABANDON).label("short_abandoned"),
        _count(IVR_ONLY).label("ivr_only"),
        func.avg(Call.wait_seconds).filter(ANSWERED).label("avg_wait_s"),
        func.avg(Call.talk_seconds).filter(ANSWERED).label("avg_talk_s"),
    ]


VOLUME_COLUMNS = (
    Column("offered", "Offered", "สายเข้า"),
    Column("answered", "Answered", "รับสาย"),
    Column("abandoned", "Abandoned", "ผู้โทรวางสาย"),
    Column("short_abandoned", f"Abandoned ≤{SHORT_ABANDON_SECONDS} s",
           f"วางสายภายใน {SHORT_ABANDON_SECONDS} วินาที"),
    Column("ivr_only", "Ended in IVR", "จบในระบบตอบรับ"),
    Column("other", "Other", "อื่น ๆ"),
    Column("avg_wait_s", "Average wait (s)", "เวลารอเฉลี่ย (วินาที)"),
    Column("avg_talk_s", "Average talk (s)", "เวลาสนทนาเฉลี่ย (วินาที)"),
)


def _volume_shape(key: Any, row: Sequence[Any]) -> tuple[Any, ...]:
    offered, answered, abandoned, short, ivr, wait, talk = row[-7:]
    other = offered - answered - abandoned - short - ivr
    return (key, offered, answered, abandoned, short, ivr, other, number(wait), number(talk))


def by_hour_query(ctx: Context) -> Select[Any]:
    hour = local_hour(Call.started_at, ctx.zone_name, ctx.offset_seconds).label("hour")
    return (select(hour, *_volume_columns()).where(_in_range(ctx))
            .group_by(hour).order_by(hour))


def by_day_query(ctx: Context) -> Select[Any]:
    day = local_bucket(Call.started_at, "day", ctx.zone_name, ctx.offset_seconds).label("day")
    return select(day, *_volume_columns()).where(_in_range(ctx)).group_by(day).order_by(day)


def by_queue_query(ctx: Context) -> Select[Any]:
    """One row per queue over its legs, and one ('-') for calls that reached no queue."""
    return (
        select(
            CallLeg.queue_name, Queue.label_th,
            func.count().label("offered"),
            _count(LEG_ANSWERED).label("answered"),
            _count(LEG_COUNTED_ABANDON).label("abandoned"),
            _count(LEG_SHORT_ABANDON).label("short_abandoned"),
            _count(and_(CallLeg.id.is_(None), IVR_ONLY)).label("ivr_only"),
            func.avg(CallLeg.wait_seconds).filter(LEG_ANSWERED).label("avg_wait_s"),
            func.avg(CallLeg.talk_seconds).filter(LEG_ANSWERED).label("avg_talk_s"),
        )
        .select_from(Call)
        .outerjoin(CallLeg, and_(CallLeg.call_id == Call.id, QUEUED_LEG))
        .outerjoin(Queue, Queue.name == CallLeg.queue_name)
        .where(_in_range(ctx))
        .group_by(CallLeg.queue_name, Queue.label_th)
        .order_by(CallLeg.queue_name)
    )


def by_outcome_query(ctx: Context) -> Select[Any]:
    return (
        select(Call.outcome, func.count().label("calls"))
        .where(_in_range(ctx))
        .group_by(Call.outcome)
        .order_by(Call.outcome)
    )


def hourly_query(ctx: Context) -> Select[Any]:
    hour = local_bucket(Call.started_at, "hour", ctx.zone_name, ctx.offset_seconds)
    hour = hour.label("hour")
    return select(hour, *_volume_columns()).where(_in_range(ctx)).group_by(hour).order_by(hour)


def _service_level_columns() -> list[Any]:
    threshold = func.coalesce(Queue.service_level_seconds, DEFAULT_THRESHOLD_SECONDS)
    queued = and_(Call.queue_name.is_not(None), Call.outcome != CallOutcome.IN_PROGRESS)
    within = and_(ANSWERED, queued, func.coalesce(Call.wait_seconds, 0) <= threshold)
    return [
        _count(and_(ANSWERED, queued)).label("answered"),
        _count(within).label("answered_within"),
        _count(and_(COUNTED_ABANDON, queued)).label("abandoned"),
        _count(and_(SHORT_ABANDON, queued)).label("short_abandoned"),
    ]


def service_level_query(ctx: Context) -> Select[Any]:
    day = local_bucket(Call.started_at, "day", ctx.zone_name, ctx.offset_seconds).label("day")
    return (
        select(day, *_service_level_columns())
        .select_from(Call)
        .outerjoin(Queue, Queue.name == Call.queue_name)
        .where(_in_range(ctx))
        .group_by(day)
        .order_by(day)
    )


def service_level_by_queue_query(ctx: Context) -> Select[Any]:
    """Each queue's service level over its legs, each with the wait in that queue."""
    threshold = func.coalesce(Queue.service_level_seconds, DEFAULT_THRESHOLD_SECONDS)
    finished = CallLeg.ended_how.is_not(None)
    answered = and_(LEG_ANSWERED, finished)
    return (
        select(CallLeg.queue_name, Queue.label_th, func.max(threshold),
               _count(answered).label("answered"),
               _count(and_(answered, func.coalesce(CallLeg.wait_seconds, 0) <= threshold))
               .label("answered_within"),
               _count(LEG_COUNTED_ABANDON).label("abandoned"),
               _count(LEG_SHORT_ABANDON).label("short_abandoned"))
        .select_from(CallLeg)
        .join(Call, Call.id == CallLeg.call_id)
        .outerjoin(Queue, Queue.name == CallLeg.queue_name)
        .where(_in_range(ctx), QUEUED_LEG)
        .group_by(CallLeg.queue_name, Queue.label_th)
        .order_by(CallLeg.queue_name)
    )


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _levels(counts: Sequence[Any]) -> tuple[Any, ...]:
    answered, within, abandoned, short = counts
    base = answered + abandoned
    return (answered, within, abandoned, short,
            _percent(within, base), _percent(abandoned, base))


def _service_level_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    return (as_date(row[0]), *_levels(row[1:]))


SERVICE_LEVEL_COLUMNS = (
    Column("answered", "Answered", "รับสาย"),
    Column("answered_within", "Answered within threshold", "รับภายในเวลาที่กำหนด"),
    Column("abandoned", "Abandoned (counted)", "วางสาย (นับ)"),
    Column("short_abandoned", f"Abandoned ≤{SHORT_ABANDON_SECONDS} s (not counted)",
           f"วางสายภายใน {SHORT_ABANDON_SECONDS} วินาที (ไม่นับ)"),
    Column("service_level_pct", "Service level %", "ระดับการให้บริการ %"),
    Column("abandonment_pct", "Abandonment %", "อัตราการละทิ้งสาย %"),
)


def records_query(ctx: Context) -> Select[Any]:
    # No caller number or name: an export leaves the building, a person's data does not.
    return (
        select(
            Call.id, Call.started_at, Call.queue_name, Call.outcome, Call.wait_seconds,
            Call.talk_seconds, Call.agent_user_id, Call.ivr_language, Call.ivr_choice,
            Call.issue_area, Call.silent, Call.disposition,
            # The disposition's name as admins keep it, inactive ones too (pick_lists).
            DispositionOption.label_th,
        )
        .outerjoin(DispositionOption, DispositionOption.code == Call.disposition)
        .where(_in_range(ctx))
        .order_by(Call.started_at, Call.id)
    )


def _records_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    values = list(row)
    values[1] = values[1].astimezone(ctx.range.zone).replace(tzinfo=None)
    values[3] = str(values[3]) if values[3] is not None else None
    values[11] = str(values[11]) if values[11] is not None else None
    values[12] = values[12] or values[11]  # a code no list ever held: shown as itself
    return tuple(values)


REPORTS = (
    ReportSpec(
        "calls_by_hour", "Calls by hour of day", "สายเข้าตามช่วงเวลาของวัน",
        (Column("hour", "Hour", "ชั่วโมง"), *VOLUME_COLUMNS),
        by_hour_query, lambda row, ctx: _volume_shape(row[0], row),
        VOLUME_DEFINITION,
    ),
    ReportSpec(
        "calls_by_day", "Calls by day", "สายเข้ารายวัน",
        (Column("day", "Day", "วันที่"), *VOLUME_COLUMNS),
        by_day_query, lambda row, ctx: _volume_shape(as_date(row[0]), row),
        VOLUME_DEFINITION,
    ),
    ReportSpec(
        "calls_hourly", "Calls hour by hour", "สายเข้ารายชั่วโมง",
        (Column("hour", "Hour starting (local time)", "ชั่วโมงที่เริ่ม"), *VOLUME_COLUMNS),
        hourly_query, lambda row, ctx: _volume_shape(as_local_hour(row[0]), row),
        VOLUME_DEFINITION,
    ),
    ReportSpec(
        "calls_by_queue", "Calls by queue", "สายเข้าตามคิว",
        (Column("queue", "Queue", "คิว"), Column("queue_label", "Queue name", "ชื่อคิว"),
         *VOLUME_COLUMNS),
        by_queue_query,
        lambda row, ctx: (row[0] or "-", row[1] or "", *_volume_shape(None, row)[1:]),
        QUEUE_DEFINITION,
    ),
    ReportSpec(
        "calls_by_outcome", "Calls by outcome", "สายเข้าตามผลการรับสาย",
        (Column("outcome", "Outcome", "ผล"), Column("calls", "Calls", "จำนวนสาย")),
        by_outcome_query, lambda row, ctx: (str(row[0]), row[1]),
        VOLUME_DEFINITION,
    ),
    ReportSpec(
        "service_level", "Service level and abandonment by day",
        "ระดับการให้บริการและอัตราการละทิ้งสายรายวัน",
        (Column("day", "Day", "วันที่"), *SERVICE_LEVEL_COLUMNS),
        service_level_query, _service_level_shape,
        SERVICE_LEVEL_DEFINITION,
    ),
    ReportSpec(
        "service_level_by_queue", "Service level and abandonment by queue",
        "ระดับการให้บริการและอัตราการละทิ้งสายตามคิว",
        (
            Column("queue", "Queue", "คิว"), Column("queue_label", "Queue name", "ชื่อคิว"),
            Column("threshold_s", "Answer threshold (s)", "เวลาที่กำหนด (วินาที)"),
            *SERVICE_LEVEL_COLUMNS,
        ),
        service_level_by_queue_query,
        lambda row, ctx: (row[0], row[1] or "", row[2], *_levels(row[3:])),
        QUEUE_SERVICE_LEVEL_DEFINITION,
    ),
    ReportSpec(
        "call_records", "Call records", "รายการสาย",
        (
            Column("id", "Call id", "รหัสสาย"),
            Column("started_at", "Started (local time)", "เวลาเริ่ม"),
            Column("queue", "Queue", "คิว"),
            Column("outcome", "Outcome", "ผล"),
            Column("wait_s", "Wait (s)", "เวลารอ (วินาที)"),
            Column("talk_s", "Talk (s)", "เวลาสนทนา (วินาที)"),
            Column("agent_user_id", "Agent id", "รหัสเจ้าหน้าที่"),
            Column("ivr_language", "Language", "ภาษา"),
            Column("ivr_choice", "IVR choice", "ตัวเลือก IVR"),
            Column("issue_area", "Issue area", "ประเด็นปัญหา"),
            Column("silent", "Silent caller", "ผู้โทรไม่พูด"),
            Column("disposition", "Disposition", "ประเภทสาย"),
            Column("disposition_label", "Disposition name", "ชื่อประเภทสาย"),
        ),
        records_query, _records_shape,
        RECORDS_DEFINITION,
        streams=True,
    ),
)
