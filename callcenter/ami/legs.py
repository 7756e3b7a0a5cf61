"""A call's legs: one per queue visit, and one per agent reached without a queue.

Pure. A call that is moved (Redirect, the supervisor's "move"), overflows (a queue's wait
limit) or is transferred visits several queues and agents; the call's row keeps the
whole call's summary, each leg one queue's and one agent's part of it. How Asterisk
says that a part ended differs per path:

- BlindTransfer: `AgentComplete Reason: transfer` at once, then the next QueueCallerJoin;
- Atxfer: `AgentComplete Reason: transfer` when the first agent hangs up; the consulted
  agent's part has no queue event at all, only a channel whose Linkedid is the call's;
- Redirect: no AgentComplete until the caller finally hangs up (and then for the first
  queue, without Dest* headers); the first agent's part really ended when their channel
  hung up (its leg hangs up when the caller leaves), and the next QueueCallerJoin says
  it was a move;
- a wait limit: `QueueCallerAbandon` then `VarSet QUEUESTATUS=TIMEOUT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from callcenter.ami.effects import LegRecord

if TYPE_CHECKING:
    from callcenter.ami.call_state import LiveCall

# QUEUESTATUS values that mean the queue, not the caller, ended the wait.
TIMEOUTS = frozenset({"TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL",
                      "LEAVEUNAVAIL"})


@dataclass(slots=True)
class LinkedChannel:
    """A channel of the call (same Linkedid) that no queue event named: maybe an agent
    reached by an attended transfer."""

    uniqueid: str
    answered_at: datetime | None = None


def seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def current(call: LiveCall) -> LegRecord | None:
    """The leg still going on, if any."""
    legs = call.record.legs
    return legs[-1] if legs and legs[-1].ended_how is None else None


def join(call: LiveCall, queue: str, at: datetime) -> LegRecord:
    """The caller joined a queue: whatever leg was going on was a move.

    So was one that ended as an abandon: a Redirect takes a waiting caller out of the
    queue with a QueueCallerAbandon, and the caller is still there (a wait limit has
    said TIMEOUT before the next join)."""
    legs = call.record.legs
    before = current(call)
    if before is not None:
        close(before, "moved", at)
    elif legs and legs[-1].ended_how == "abandoned":
        legs[-1].ended_how = "moved"
    leg = LegRecord(seq=len(call.record.legs) + 1, queue_name=queue, joined_at=at)
    call.record.legs.append(leg)
    return leg


def adopt(call: LiveCall, queue: str, joined_at: datetime) -> None:
    """A resync found the call waiting in a queue: its leg, if the bridge has none."""
    if not call.record.legs:
        call.record.legs.append(LegRecord(seq=1, queue_name=queue, joined_at=joined_at))


def of_agent(call: LiveCall, queue: str, interface: str) -> LegRecord | None:
    """The latest leg of this queue (answered by this agent, when one did)."""
    for leg in reversed(call.record.legs):
        if leg.queue_name == queue and leg.agent_interface in (None, interface):
            return leg
    return None


def close(leg: LegRecord, how: str, at: datetime) -> None:
    """End the leg once; an agent's part that already ended keeps its end."""
    leg.ended_how = how
    leg.ended_at = leg.ended_at or at
    if leg.answered_at is not None:
        if leg.talk_seconds is None:
            leg.talk_seconds = seconds(leg.answered_at, leg.ended_at)
    elif leg.wait_seconds is None:
        leg.wait_seconds = seconds(leg.joined_at, leg.ended_at)


def answered(leg: LegRecord, *, at: datetime, interface: str, name: str | None,
             channel: str | None, hold_time: int | None) -> None:
    leg.answered_at = leg.answered_at or at
    leg.agent_interface = interface
    leg.agent_name = name or None
    leg.agent_channel = channel or leg.agent_channel
    if hold_time is not None:
        leg.wait_seconds = hold_time
    elif leg.wait_seconds is None:
        leg.wait_seconds = seconds(leg.joined_at, leg.answered_at)


def completed(leg: LegRecord, *, reason: str, talk_time: int | None, at: datetime) -> None:
    """AgentComplete: the agent's part ended (transfer) or the call did."""
    if leg.ended_how not in (None, "answered"):
        return  # a move already ended it: the late AgentComplete counts the next legs too
    # "answered" was the call's end deciding before this late AgentComplete came.
    if talk_time is not None:
        leg.talk_seconds = talk_time
    close(leg, "transferred" if reason == "transfer" else "answered", at)


def abandoned(leg: LegRecord, *, hold_time: int | None, at: datetime) -> None:
    if hold_time is not None:
        leg.wait_seconds = hold_time
    close(leg, "abandoned", at)


def queue_status(call: LiveCall, value: str) -> bool:
    """QUEUESTATUS after a QueueCallerAbandon: the queue ended the wait, not the caller."""
    legs = call.record.legs
    if value in TIMEOUTS and legs and legs[-1].ended_how == "abandoned":
        legs[-1].ended_how = "timeout"
        return True
    return False


def agent_left(call: LiveCall, channel: str, at: datetime) -> LegRecord | None:
    """The agent's channel hung up: their part ends now."""
    for leg in reversed(call.record.legs):
        if leg.agent_channel == channel:
            if leg.ended_how is None and leg.ended_at is None:
                leg.ended_at = at
                leg.talk_seconds = seconds(leg.answered_at, at)
                return leg
            return None
    return None


def is_leg_agent(call: LiveCall, channel: str) -> bool:
    return any(leg.agent_channel == channel for leg in call.record.legs)


def unqueued(call: LiveCall, channel: str, linked: LinkedChannel, at: datetime,
             name: str | None) -> LegRecord | None:
    """An answered channel of the call that no queue rang, hanging up after a transfer:
    the consulted agent of an attended transfer, a leg without a queue."""
    legs = call.record.legs
    if linked.answered_at is None or not any(g.ended_how == "transferred" for g in legs):
        return None
    leg = LegRecord(seq=len(legs) + 1, queue_name=None, joined_at=linked.answered_at,
                    answered_at=linked.answered_at, wait_seconds=0,
                    agent_interface=channel.rpartition("-")[0] or channel,
                    agent_name=name, agent_channel=channel)
    legs.append(leg)
    close(leg, "answered", at)
    return leg


def taken_over(call: LiveCall, channel: str, answered_at: datetime,
               name: str | None) -> LegRecord:
    """The agent a transfer reached (no queue rang them) now talks with the caller: their
    leg is open until their channel hangs up (`agent_left`) or the call ends."""
    legs = call.record.legs
    leg = LegRecord(seq=len(legs) + 1, queue_name=None, joined_at=answered_at,
                    answered_at=answered_at, wait_seconds=0,
                    agent_interface=channel.rpartition("-")[0] or channel,
                    agent_name=name, agent_channel=channel)
    legs.append(leg)
    return leg


def settle(call: LiveCall) -> None:
    """The call ended: close what is open, and sum the legs into the call's summary."""
    r = call.record
    if not r.legs:
        return
    at = r.ended_at
    for leg in r.legs:
        if leg.ended_how is None and at is not None and not call.interrupted:
            if leg.answered_at is not None:
                close(leg, "answered", at)
            elif call.queue_status in TIMEOUTS and leg is r.legs[-1]:
                close(leg, "timeout", at)
            else:
                close(leg, "abandoned", at)
        elif leg.ended_how is None and at is not None:
            leg.ended_at = leg.ended_at or at  # cut off unseen: how is not known
    first = next((leg.queue_name for leg in r.legs if leg.queue_name), None)
    r.queue_name = first or r.queue_name
    waits = [leg.wait_seconds for leg in r.legs if leg.wait_seconds is not None]
    talks = [leg.talk_seconds for leg in r.legs if leg.talk_seconds is not None]
    if waits:
        r.wait_seconds = sum(waits)
    if talks:
        r.talk_seconds = sum(talks)
