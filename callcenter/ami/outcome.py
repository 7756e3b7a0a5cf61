"""How a call ended, from everything seen about it: outcome, who ended it, durations.

Pure. Decided when the hotline channel hangs up and decided again by late events
(AgentComplete after the Hangup, an IVR VarSet on a dead channel).
"""

from __future__ import annotations

from collections.abc import Set

from callcenter.ami import legs
from callcenter.ami.call_state import LiveCall

# QUEUESTATUS values that mean the queue, not the caller, ended the wait.
SYSTEM_EXITS = frozenset({"TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL",
                          "LEAVEUNAVAIL"})
# OriginateResponse Reason (the last control frame seen) → a Q.850 hangup cause.
ORIGINATE_REASONS = {
    0: (None, "failed"),
    1: (16, "hung up"),
    3: (19, "no answer"),
    5: (17, "busy"),
    8: (34, "congestion"),
}


def outcome(call: LiveCall) -> str:
    r = call.record
    if call.interrupted:
        return "interrupted"
    if r.direction == "outbound":
        return "answered" if r.answered_at else "failed"
    if call.callback and not r.answered_at:
        return "callback"
    if call.abandoned:
        return "queue_timeout" if call.queue_status in SYSTEM_EXITS else "abandoned"
    if call.queue_status in SYSTEM_EXITS and not r.answered_at:
        return "queue_timeout"
    if call.transferred:
        return "transferred"
    if r.answered_at:
        return "answered"
    if r.queued_at:
        return "abandoned"
    return "ivr_hangup"


def settle(call: LiveCall, console_hangups: Set[str]) -> None:
    """Recompute what depends on everything seen: outcome, who ended it, durations."""
    r = call.record
    r.outcome = outcome(call)
    if call.channels & console_hangups:
        r.ended_by = "console"
    elif call.complete_reason in ("caller", "agent"):
        r.ended_by = call.complete_reason
    elif r.outcome == "queue_timeout":
        r.ended_by = "system"
    elif r.outcome in ("abandoned", "ivr_hangup"):
        r.ended_by = "caller"
    if call.state == "ended":
        legs.settle(call)  # before durations: the legs' sums are the call's
    if call.interrupted:
        return  # ended unseen: its end time is a guess, durations from it would be wrong
    if r.ended_at and r.answered_at and r.talk_seconds is None:
        r.talk_seconds = max(0, round((r.ended_at - r.answered_at).total_seconds()))
    if r.ended_at and call.joined_at and r.wait_seconds is None and not r.answered_at:
        r.wait_seconds = max(0, round((r.ended_at - call.joined_at).total_seconds()))

