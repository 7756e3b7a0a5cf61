"""Agent activity: calls handled, handle time, and pause time by reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Float, Integer, Select, String, func, literal, null, select, union_all

from callcenter.agents.models import AgentState, AgentStateChange, PauseReason, User
from callcenter.calls.models import Call, CallDirection, CallLeg
from callcenter.db import utcnow
from callcenter.queues.stats import WRAP_UP_SECONDS
from callcenter.reports.spec import Column, Context, ReportSpec, number
from callcenter.reports.sql import greatest, instant, least, seconds_between

# A state in force at the start of the range began at most this long before it: agents
# sign out at the end of a shift, so a day of history is enough to find it.
LOOKBACK = timedelta(days=1)

# Pausing for this reason is after-call work: it counts in handle time, not as a pause.
WRAP_UP_REASON = "wrap_up"

ACTIVITY_DEFINITION = {
    "en": (
        "Handled: the parts of inbound calls in the range an agent answered (by the "
        "agent's queue interface): a call transferred or moved to a colleague counts for "
        "both, each with their own talk time (call legs). Handle time = talk time + "
        "wrap-up; wrap-up = Asterisk's fixed "
        f"{WRAP_UP_SECONDS} s after each call + time paused for '{WRAP_UP_REASON}' + time "
        "in the wrap-up state. Average handle time = handle time ÷ calls handled (the "
        "wallboard's figure when nobody pauses for wrap-up). Paused: all other pauses. "
        "Times come from the agents' state history, cut to the range; a state still open "
        "counts until now or the end of the range."
    ),
    "th": (
        "สายที่รับ: สายเข้าในช่วงวันที่ที่เจ้าหน้าที่รับ (สายที่โอนหรือย้ายให้เพื่อนร่วมงานนับให้ทั้งสองคน "
        "ตามเวลาสนทนาของแต่ละคน) เวลาจัดการ = เวลาสนทนา + เวลาสรุปงาน "
        f"(เวลาพักหลังวางสายของระบบ {WRAP_UP_SECONDS} วินาทีต่อสาย + เวลาที่พักด้วยเหตุผล "
        f"'{WRAP_UP_REASON}' + เวลาในสถานะสรุปงาน) เวลาจัดการเฉลี่ย = เวลาจัดการ ÷ สายที่รับ "
        "เวลาพัก: การพักด้วยเหตุผลอื่นทั้งหมด ตัดตามช่วงวันที่"
    ),
}
PAUSE_DEFINITION = {
    "en": (
        "Time agents spent paused, by the reason chosen when pausing, cut to the range. "
        "Pauses: how many pause periods overlap the range."
    ),
    "th": "เวลาที่เจ้าหน้าที่พัก แยกตามเหตุผลที่เลือก ตัดตามช่วงวันที่ จำนวนครั้ง: ช่วงพักที่อยู่ในช่วงวันที่",
}


def state_intervals(ctx: Context) -> Any:
    """Each state an agent was in, as [since, until) clipped to the range, with seconds."""
    s = AgentStateChange
    start, end = instant(ctx.range.start), instant(ctx.range.end)
    cap = instant(min(ctx.range.end, utcnow()))
    history = (
        select(
            s.agent_interface.label("iface"),
            s.agent_user_id.label("uid"),
            s.state,
            s.reason,
            s.changed_at.label("since"),
            func.lead(s.changed_at)
            .over(partition_by=s.agent_interface, order_by=(s.changed_at, s.id))
            .label("until"),
        )
        .where(s.changed_at >= instant(ctx.range.start - LOOKBACK), s.changed_at < end)
        .subquery("history")
    )
    clipped_from = greatest(history.c.since, start)
    clipped_to = least(func.coalesce(history.c.until, cap), end)
    return (
        select(
            history.c.iface, history.c.uid, history.c.state, history.c.reason,
            seconds_between(clipped_from, clipped_to).label("seconds"),
        )
        .where(clipped_to > clipped_from)
        .subquery("intervals")
    )


def activity_query(ctx: Context) -> Select[Any]:
    intervals = state_intervals(ctx)
    # Each agent's part of a call is a leg: the agent a call was transferred or moved
    # to handled it too, with their own talk time.
    handled = (
        select(
            CallLeg.agent_interface.label("iface"),
            func.max(CallLeg.agent_user_id).label("uid"),
            func.max(CallLeg.agent_name).label("name"),
            func.count().label("handled"),
            func.coalesce(func.sum(CallLeg.talk_seconds), 0).label("talk"),
            literal(0.0, Float).label("wrap"),
            literal(0.0, Float).label("paused"),
        )
        .join(Call, Call.id == CallLeg.call_id)
        .where(
            Call.direction == CallDirection.INBOUND,
            Call.started_at >= instant(ctx.range.start),
            Call.started_at < instant(ctx.range.end),
            CallLeg.answered_at.is_not(None),
            CallLeg.agent_interface.is_not(None),
        )
        .group_by(CallLeg.agent_interface)
    )
    state, reason = intervals.c.state, intervals.c.reason
    after_call = (state == AgentState.WRAP_UP) | (
        (state == AgentState.PAUSED) & (reason == WRAP_UP_REASON))
    other_pause = (state == AgentState.PAUSED) & (
        reason.is_(None) | (reason != WRAP_UP_REASON))
    wrap_or_pause = (
        select(
            intervals.c.iface,
            func.max(intervals.c.uid).label("uid"),
            null().cast(String).label("name"),
            literal(0, Integer).label("handled"),
            literal(0, Integer).label("talk"),
            func.coalesce(func.sum(intervals.c.seconds).filter(after_call), 0).label("wrap"),
            func.coalesce(func.sum(intervals.c.seconds).filter(other_pause), 0).label("paused"),
        )
        .where(intervals.c.state.in_([AgentState.WRAP_UP, AgentState.PAUSED]))
        .group_by(intervals.c.iface)
    )
    both = union_all(handled, wrap_or_pause).subquery("both")
    return (
        select(
            both.c.iface,
            func.max(both.c.uid).label("uid"),
            func.coalesce(func.max(User.display_name), func.max(both.c.name)).label("name"),
            func.sum(both.c.handled).label("handled"),
            func.sum(both.c.talk).label("talk"),
            func.sum(both.c.wrap).label("wrap"),
            func.sum(both.c.paused).label("paused"),
        )
        .select_from(both)
        .outerjoin(User, User.id == both.c.uid)
        .group_by(both.c.iface)
        .order_by(both.c.iface)
    )


def _activity_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    iface, uid, name, handled, talk, wrap, paused = row
    handled, talk = int(handled or 0), int(talk or 0)
    wrap = handled * WRAP_UP_SECONDS + float(wrap or 0)
    aht = (talk + wrap) / handled if handled else None
    return (uid, name or "", iface, handled, talk, number(wrap, 0), number(aht),
            number(float(paused or 0), 0))


def pauses_query(ctx: Context) -> Select[Any]:
    intervals = state_intervals(ctx)
    return (
        select(
            intervals.c.iface,
            func.max(User.display_name).label("name"),
            intervals.c.reason,
            func.count().label("pauses"),
            func.sum(intervals.c.seconds).label("seconds"),
            # The reason's name as admins keep it, inactive reasons too (pick_lists).
            func.max(PauseReason.label_th).label("reason_label"),
        )
        .select_from(intervals)
        .outerjoin(User, User.id == intervals.c.uid)
        .outerjoin(PauseReason, PauseReason.code == intervals.c.reason)
        .where(intervals.c.state == AgentState.PAUSED)
        .group_by(intervals.c.iface, intervals.c.reason)
        .order_by(intervals.c.iface, intervals.c.reason)
    )


REPORTS = (
    ReportSpec(
        "agent_activity", "Agent activity", "การปฏิบัติงานของเจ้าหน้าที่",
        (
            Column("agent_user_id", "Agent id", "รหัสเจ้าหน้าที่"),
            Column("agent", "Agent", "เจ้าหน้าที่"),
            Column("interface", "Interface", "อุปกรณ์"),
            Column("handled", "Calls handled", "สายที่รับ"),
            Column("talk_s", "Talk time (s)", "เวลาสนทนา (วินาที)"),
            Column("wrap_s", "Wrap-up time (s)", "เวลาสรุปงาน (วินาที)"),
            Column("aht_s", "Average handle time (s)", "เวลาจัดการเฉลี่ย (วินาที)"),
            Column("paused_s", "Paused (s)", "เวลาพัก (วินาที)"),
        ),
        activity_query, _activity_shape, ACTIVITY_DEFINITION,
    ),
    ReportSpec(
        "agent_pauses", "Pause time by reason", "เวลาพักตามเหตุผล",
        (
            Column("interface", "Interface", "อุปกรณ์"),
            Column("agent", "Agent", "เจ้าหน้าที่"),
            Column("reason", "Reason", "เหตุผล"),
            Column("pauses", "Pauses", "จำนวนครั้ง"),
            Column("paused_s", "Paused (s)", "เวลาพัก (วินาที)"),
            Column("reason_label", "Reason name", "ชื่อเหตุผล"),
        ),
        pauses_query,
        # A code no list ever held (or none) is shown as itself.
        lambda row, ctx: (row[0], row[1] or "", row[2] or "", row[3], number(row[4], 0),
                          row[5] or row[2] or ""),
        PAUSE_DEFINITION,
    ),
)
