"""One row per call, answered or not, and callback requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.columns import enum_type
from callcenter.db import Base, utcnow
from callcenter.pick_lists import PickItem


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallOutcome(StrEnum):
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    QUEUE_TIMEOUT = "queue_timeout"
    IVR_HANGUP = "ivr_hangup"
    TRANSFERRED = "transferred"
    CALLBACK = "callback"
    FAILED = "failed"
    # The PBX restarted or the link was lost while the call was up: how it ended is unknown.
    INTERRUPTED = "interrupted"


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        # A replayed or resynchronised event can never create a second row.
        UniqueConstraint("node", "uniqueid"),
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_caller_number", "caller_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(40))
    uniqueid: Mapped[str] = mapped_column(String(64))
    linkedid: Mapped[str | None] = mapped_column(String(64), index=True)
    direction: Mapped[CallDirection] = mapped_column(
        enum_type(CallDirection, "call_direction"), default=CallDirection.INBOUND
    )
    channel: Mapped[str | None] = mapped_column(String(128))
    caller_number: Mapped[str | None] = mapped_column(String(40))
    caller_name: Mapped[str | None] = mapped_column(String(120))
    dialled_number: Mapped[str | None] = mapped_column(String(40))

    started_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    ivr_language: Mapped[str | None] = mapped_column(String(8))
    ivr_choice: Mapped[str | None] = mapped_column(String(16))
    # The IVR's own word for how it ended (IvrChoice `Outcome`: chosen, danger, silent,
    # no_choice, hangup, error) and, when it failed, its reason code (IVR_ERROR).
    ivr_outcome: Mapped[str | None] = mapped_column(String(16))
    ivr_error: Mapped[str | None] = mapped_column(String(40))
    issue_area: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[int | None]
    silent: Mapped[bool] = mapped_column(default=False)

    queue_name: Mapped[str | None] = mapped_column(String(64), index=True)
    agent_interface: Mapped[str | None] = mapped_column(String(128))
    agent_name: Mapped[str | None] = mapped_column(String(120))
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    outcome: Mapped[CallOutcome] = mapped_column(
        enum_type(CallOutcome, "call_outcome"), default=CallOutcome.IN_PROGRESS
    )
    hangup_cause: Mapped[int | None]
    hangup_cause_text: Mapped[str | None] = mapped_column(String(80))
    wait_seconds: Mapped[int | None]
    talk_seconds: Mapped[int | None]
    # caller, agent or console: Asterisk's own AgentComplete reason is wrong when the
    # console hangs up over AMI, so the bridge records who it was.
    ended_by: Mapped[str | None] = mapped_column(String(16))
    # An outbound call's purpose, as its Originate's variables named it (CALLBACK_ID,
    # DISPATCH_ID). Not foreign keys: the PBX's word, and calls sit below both packages.
    callback_id: Mapped[int | None] = mapped_column(index=True)
    dispatch_id: Mapped[int | None] = mapped_column(index=True)
    # For calls that did not become a case: a code of the dispositions table (prank,
    # silent, information …). Plain text: admins add codes; old codes stay readable.
    disposition: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LegEnd(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    TIMEOUT = "timeout"  # the queue's wait limit (EXITWITHTIMEOUT, QUEUESTATUS=TIMEOUT)
    MOVED = "moved"  # Redirect or the supervisor's move to another queue
    TRANSFERRED = "transferred"


class CallLeg(Base):
    """One queue visit of a call, or one agent reached without a queue (the consulted
    agent of an attended transfer: ``queue_name`` empty).

    A call moved, transferred or overflowing to another queue has several; the call's
    row keeps the whole call's summary (first queue, final outcome, total wait and talk),
    each leg one queue's and one agent's figures. Written by the bridge with its call,
    keyed by the call and ``seq`` (1, 2, … in the order Asterisk showed them).
    ``ended_how`` is empty while the leg lasts, or when the PBX cut the call off unseen.
    """

    __tablename__ = "call_legs"
    __table_args__ = (
        UniqueConstraint("call_id", "seq"),
        Index("ix_call_legs_joined_at", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    seq: Mapped[int]
    queue_name: Mapped[str | None] = mapped_column(String(64), index=True)
    joined_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    agent_interface: Mapped[str | None] = mapped_column(String(128))
    agent_name: Mapped[str | None] = mapped_column(String(120))
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    wait_seconds: Mapped[int | None]
    talk_seconds: Mapped[int | None]
    ended_at: Mapped[datetime | None]
    ended_how: Mapped[LegEnd | None] = mapped_column(enum_type(LegEnd, "leg_end"))


class CallbackStatus(StrEnum):
    PENDING = "pending"
    DIALLING = "dialling"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CallbackRequest(Base):
    """A caller who chose to keep their place and be called back (virtual hold).

    The IVR stores the row while the call is up, before the bridge has written the call's
    own row, so the call is named by (``call_node``, ``call_uniqueid``) and ``call_id`` is
    filled in once that row exists. Each attempt asks a bridge to Originate; the outbound
    call row is then keyed by (``dial_node``, ``dial_action_id``).
    """

    __tablename__ = "callback_requests"
    __table_args__ = (Index("ix_callback_requests_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    call_node: Mapped[str | None] = mapped_column(String(40))
    call_uniqueid: Mapped[str | None] = mapped_column(String(64), index=True)
    number: Mapped[str] = mapped_column(String(40))
    queue_name: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(default=0)
    language: Mapped[str | None] = mapped_column(String(8))
    issue_area: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[CallbackStatus] = mapped_column(
        enum_type(CallbackStatus, "callback_status"), default=CallbackStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Not dialled before this (a retry's back-off, or the case's call window).
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    dial_node: Mapped[str | None] = mapped_column(String(40))
    dial_action_id: Mapped[str | None] = mapped_column(String(64))
    # A reason code, never personal data: no_answer, busy, bridge_timeout, do_not_call_back …
    last_error: Mapped[str | None] = mapped_column(String(120))
    done_at: Mapped[datetime | None]


class MonitorMode(StrEnum):
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


class CallMonitoring(Base):
    """A supervisor listening, whispering or barging into a call (one ChanSpy run).

    Written by the bridge from ChanSpyStart/ChanSpyStop, keyed like calls by the node and
    the spying channel's Uniqueid. ``mode`` is empty when a desk phone spied without one
    of the supervisor codes; ``call_id`` when the call was not one the bridge followed.
    """

    __tablename__ = "call_monitoring"
    __table_args__ = (UniqueConstraint("node", "spy_uniqueid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(40))
    spy_uniqueid: Mapped[str] = mapped_column(String(150))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    supervisor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    mode: Mapped[MonitorMode | None] = mapped_column(enum_type(MonitorMode, "monitor_mode"))
    spy_channel: Mapped[str] = mapped_column(String(128))
    agent_channel: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class DispositionOption(PickItem, Base):
    """What a call that is not a case may be marked as (callcenter.pick_lists); the code
    is what ``calls.disposition`` holds and the reports count."""

    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("code"),)
