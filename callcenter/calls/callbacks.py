"""Call backs (virtual hold): when to dial, where, and what a finished attempt means.

An attempt counts only when the person pressed 1 at the greeting (the dialplan's
``callback`` context then queues them): voicemail or a hang-up at the greeting is retried.

The pure rules come first: the case's safe-contact flags and call window, whether an agent
of the queue is free in the bridge's live state, the Originate that puts the caller back in
the queue, and what to do after a failed attempt. The row functions below them take the
session and never commit; ``callcenter.calls.jobs`` is the boundary that does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, String, column, func, or_, select, table, update
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallbackRequest, CallbackStatus, CallOutcome

MAX_ATTEMPTS = 3
# Back-off after a failed attempt: a caller who missed the first ring may be free soon.
RETRY_AFTER = (timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15))
# An attempt with no call record after this long is counted as failed (bridge lost it).
DIAL_RESULT_WITHIN = timedelta(minutes=2)
# An answered attempt neither queued (the person pressed 1) nor ended by then is failed:
# ringing and the greeting take about a minute.
REACHED_WITHIN = timedelta(minutes=5)
RING_TIMEOUT_MS = 30_000
# A new request is not dialled before this: the IVR may still withdraw it (a booking it
# could not confirm in time), and the caller is still on the line hearing the answer.
CONFIRM_GRACE = timedelta(seconds=30)
CALLER_ID = '"1300" <1300>'
CONTEXT = "callback"  # asterisk_conf/extensions.conf, [callback]
TRUNK = "trunk-telco"  # pjsip.conf: the telco trunk the dialplan also dials out through


# --- pure rules --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SafeContact:
    """The safe-contact flags of the cases this number belongs to, combined strictly."""

    do_not_call_back: bool = False
    call_windows: tuple[str, ...] = ()
    withhold_caller_id: bool = False


NO_CASE = SafeContact()

_RANGE = re.compile(
    r"(?<!\d)([01]?\d|2[0-4])(?:[:.]([0-5]\d))?\s*(?:-|–|—|to|ถึง)\s*"
    r"([01]?\d|2[0-4])(?:[:.]([0-5]\d))?(?!\d)",
    re.IGNORECASE,
)


def parse_window(text: str) -> list[tuple[time, time]] | None:
    """``"18:00-20:00"``, ``"9.30 – 11, 18-20"`` → time ranges; None when unreadable."""
    ranges = []
    for match in _RANGE.finditer(text):
        h1, m1, h2, m2 = match.groups()
        start = time(int(h1) % 24, int(m1 or 0))
        end = time(int(h2) % 24, int(m2 or 0))
        ranges.append((start, end))
    return ranges or None


def _inside(at: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= at < end
    return at >= start or at < end  # over midnight: 22:00-06:00


def next_allowed(windows: tuple[str, ...], now: datetime, zone: ZoneInfo
                 ) -> datetime | str | None:
    """``now`` when every window allows a call now, else the next such start (UTC);
    ``"unreadable"`` when a window cannot be read, so a person has to decide."""
    if not windows:
        return now
    parsed = [parse_window(w) for w in windows]
    if any(p is None for p in parsed):
        return "unreadable"
    local = now.astimezone(zone)
    # Try now, then each window start over the next two days, the first that fits all.
    starts = sorted(
        datetime.combine(local.date() + timedelta(days=d), start, tzinfo=zone)
        for d in (0, 1, 2) for ranges in parsed for start, _ in ranges or ()
    )
    candidates = [local, *starts]
    for at in candidates:
        if at < local:
            continue
        if all(any(_inside(at.timetz().replace(tzinfo=None), s, e) for s, e in ranges or ())
               for ranges in parsed):
            return now if at == local else at.astimezone(now.tzinfo)
    return "unreadable"  # windows that never overlap


def free_agents(queue_payload: dict[str, Any] | None, dialling: int) -> int:
    """Agents of the queue free for one more call: available, minus callers already
    waiting (they came first) and call backs already ringing for it."""
    if not queue_payload:
        return 0
    try:
        available = int(queue_payload.get("available") or 0)
        waiting = len(queue_payload.get("waiting") or [])
    except (TypeError, ValueError, AttributeError):
        return 0
    return max(0, available - waiting - dialling)


def pick_node(payloads: dict[str, dict[str, Any] | None], dialling: dict[str, int]
              ) -> str | None:
    """The node with the most free agents of the queue, or None when nobody is free."""
    best, most = None, 0
    for node, payload in sorted(payloads.items()):
        free = free_agents(payload, dialling.get(node, 0))
        if free > most:
            best, most = node, free
    return best


def dial_channel(number: str) -> str:
    """The telco leg for a caller's number (the dialplan dials out the same way)."""
    digits = re.sub(r"[^\d+]", "", number)
    return f"PJSIP/{digits}@{TRUNK}"


def usable_number(number: str | None) -> bool:
    digits = re.sub(r"[^\d]", "", number or "")
    return 9 <= len(digits) <= 15


def originate_args(row: CallbackRequest, safe: SafeContact) -> dict[str, Any]:
    """The bridge's ``originate`` command: the caller's leg into the ``callback`` context,
    which queues them again with the routing the IVR had chosen."""
    variables = {
        "CALLBACK_ID": str(row.id),
        "CALLBACK_QUEUE": row.queue_name,
        "IVR_PRIORITY": str(row.priority),
        "IVR_LANGUAGE": row.language or "th",
        "IVR_ISSUE": row.issue_area or "",
        "IVR_SILENT": "0",
    }
    if safe.withhold_caller_id:
        variables["CALLERID(pres)"] = "prohib"
    return {"channel": dial_channel(row.number), "context": CONTEXT, "exten": "s",
            "caller_id": CALLER_ID, "timeout_ms": RING_TIMEOUT_MS, "variables": variables}


def attempt_result(call: Call | None) -> str:
    """``reached``, ``failed`` or ``pending`` for the outbound call of an attempt.

    Only a person who pressed 1 at the greeting is reached: the dialplan queues the call
    back only then, so a queue join on the outbound call is the sign. An answering machine
    (answered, never queued) is a failed attempt like a busy line.
    """
    if call is None:
        return "pending"
    if call.queued_at is not None:
        return "reached"
    if call.ended_at is not None or call.outcome not in (CallOutcome.IN_PROGRESS,):
        return "failed"
    return "pending"


def after_failure(attempts: int, now: datetime) -> tuple[CallbackStatus, datetime | None]:
    """Another try later, or give up after ``MAX_ATTEMPTS``."""
    if attempts >= MAX_ATTEMPTS:
        return CallbackStatus.FAILED, None
    return CallbackStatus.PENDING, now + RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


# --- rows ----------------------------------------------------------------------------------


def book(session: Session, *, call_uniqueid: str, call_node: str | None, number: str,
         queue: str, priority: int, language: str, issue: str | None,
         now: datetime) -> int:
    """Store a caller's request, once per call: a repeat returns the live request's id."""
    if call_uniqueid:
        existing = session.scalar(
            select(CallbackRequest.id)
            .where(CallbackRequest.call_uniqueid == call_uniqueid,
                   CallbackRequest.status.in_((CallbackStatus.PENDING,
                                               CallbackStatus.DIALLING,
                                               CallbackStatus.DONE)))
            .limit(1))
        if existing is not None:
            return existing
    call_id = session.scalar(select(Call.id).where(Call.uniqueid == call_uniqueid).limit(1)
                             ) if call_uniqueid else None
    row = CallbackRequest(
        call_id=call_id,
        # The bridge may not have written the call yet: the job links it later.
        call_uniqueid=call_uniqueid or None, call_node=call_node, number=number,
        queue_name=queue, priority=priority, language=language, issue_area=issue,
        next_attempt_at=now + CONFIRM_GRACE,
    )
    session.add(row)
    session.flush()
    return row.id


def withdraw(session: Session, callback_id: int, *, now: datetime) -> bool:
    """Cancel a request the caller was told could not be booked; False if already dialling."""
    result = session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == callback_id,
               CallbackRequest.status == CallbackStatus.PENDING)
        .values(status=CallbackStatus.CANCELLED, done_at=now, last_error="not_confirmed")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


# calls sits below cases in the layers, so the safe-contact columns are read through these
# light table declarations rather than the case models (tests/calls check they agree).
_cases = table("cases", column("id", Integer), column("do_not_call_back", Boolean),
               column("call_window", String), column("withhold_caller_id", Boolean))
_case_calls = table("case_calls", column("case_id", Integer), column("call_id", Integer))
_case_persons = table("case_persons", column("case_id", Integer), column("phone", String))


def number_variants(number: str) -> set[str]:
    """The forms one Thai number is written in: 0812345678, +66812345678, 66812345678."""
    digits = re.sub(r"[^\d]", "", number)
    local = "0" + digits[2:] if digits.startswith("66") else digits
    return {number, digits, local, "+66" + local[1:], "66" + local[1:]}


def safe_contact(session: Session, *, number: str, call_id: int | None) -> SafeContact:
    """The flags of every case linked to the call or holding this number for a person."""
    # Phones are typed as people write them ("+66 81-234 5678"): compare digits only.
    digits = _case_persons.c.phone
    for ch in " -()+":
        digits = func.replace(digits, ch, "")
    variants = sorted(v for v in number_variants(number) if v.isdigit())
    linked = select(_case_persons.c.case_id).where(digits.in_(variants))
    condition = _cases.c.id.in_(linked)
    if call_id is not None:
        condition = or_(condition, _cases.c.id.in_(
            select(_case_calls.c.case_id).where(_case_calls.c.call_id == call_id)))
    rows = session.execute(select(_cases.c.do_not_call_back, _cases.c.call_window,
                                  _cases.c.withhold_caller_id).where(condition)).all()
    return SafeContact(
        do_not_call_back=any(r.do_not_call_back for r in rows),
        call_windows=tuple(sorted({r.call_window for r in rows if r.call_window})),
        withhold_caller_id=any(r.withhold_caller_id for r in rows),
    )


def link_call(session: Session, row: CallbackRequest) -> None:
    """Fill ``call_id`` once the bridge has written the call the request came from."""
    if row.call_id is not None or not row.call_uniqueid:
        return
    query = select(Call.id).where(Call.uniqueid == row.call_uniqueid)
    if row.call_node:
        query = query.where(Call.node == row.call_node)
    row.call_id = session.scalar(query.limit(1))


def due_ids(session: Session, *, now: datetime, limit: int = 200) -> list[tuple[int, str]]:
    """Pending requests that may be dialled now, most urgent first: (id, queue)."""
    rows = session.execute(
        select(CallbackRequest.id, CallbackRequest.queue_name)
        .where(CallbackRequest.status == CallbackStatus.PENDING,
               or_(CallbackRequest.next_attempt_at.is_(None),
                   CallbackRequest.next_attempt_at <= now))
        .order_by(CallbackRequest.priority.desc(), CallbackRequest.requested_at,
                  CallbackRequest.id)
        .limit(limit)
    ).all()
    return [(r.id, r.queue_name) for r in rows]


def dialling(session: Session) -> list[CallbackRequest]:
    return list(session.scalars(
        select(CallbackRequest).where(CallbackRequest.status == CallbackStatus.DIALLING)))


def dialling_counts(session: Session, queue: str) -> dict[str, int]:
    """Call backs of ``queue`` ringing now, per node."""
    counts: dict[str, int] = {}
    for row in dialling(session):
        if row.queue_name == queue and row.dial_node:
            counts[row.dial_node] = counts.get(row.dial_node, 0) + 1
    return counts


def claim(session: Session, callback_id: int, *, node: str, now: datetime) -> bool:
    """Pending → dialling, once: a second job for the same attempt finds nothing to claim."""
    result = session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == callback_id,
               CallbackRequest.status == CallbackStatus.PENDING)
        .values(status=CallbackStatus.DIALLING, attempts=CallbackRequest.attempts + 1,
                last_attempt_at=now, dial_node=node, dial_action_id=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def record_failure(row: CallbackRequest, *, error: str, now: datetime) -> None:
    row.status, row.next_attempt_at = after_failure(row.attempts, now)
    row.last_error = error[:120]
    if row.status is CallbackStatus.FAILED:
        row.done_at = now


def settle(session: Session, row: CallbackRequest, *, now: datetime) -> str:
    """Rule on a dialling attempt from its outbound call record."""
    call = None
    if row.dial_action_id and row.dial_node:
        call = session.scalar(select(Call).where(Call.node == row.dial_node,
                                                 Call.uniqueid == row.dial_action_id))
    result = attempt_result(call)
    if result == "reached":
        row.status, row.done_at, row.last_error = CallbackStatus.DONE, now, None
    elif result == "failed":
        assert call is not None
        # Answered but never queued: nobody pressed 1 (voicemail, or hung up at the greeting).
        error = "no_key_pressed" if call.answered_at else (call.hangup_cause_text
                                                           or "not_answered")
        record_failure(row, error=error, now=now)
    else:
        within = DIAL_RESULT_WITHIN if call is None else REACHED_WITHIN
        if row.last_attempt_at is None or now - row.last_attempt_at > within:
            record_failure(row, error="no_result", now=now)
            result = "failed"
    return result
