"""Call records: one row per (node, uniqueid), written idempotently from the AMI bridge.

Services never commit; the caller does. A record is upserted as a whole, but what the row
already knows is never erased by a record that knows less (a call adopted after a bridge
restart has no IVR choice), and an ended call never goes back to `in_progress`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Enum, Integer, String, case, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls import dispositions, wrap_up_jobs
from callcenter.calls.models import Call, CallDirection, CallOutcome
from callcenter.db import utcnow
from callcenter.taxonomy import Disposition

FIELDS = (
    "linkedid", "direction", "channel", "caller_number", "caller_name", "dialled_number",
    "started_at", "queued_at", "answered_at", "ended_at", "ivr_language", "ivr_choice",
    "ivr_outcome", "ivr_error",
    "issue_area", "priority", "silent", "queue_name", "agent_interface", "agent_name",
    "outcome", "hangup_cause", "hangup_cause_text", "wait_seconds", "talk_seconds", "ended_by",
    "callback_id", "dispatch_id", "agent_user_id",
)
# Columns whose first known value stays: the start of a call does not move.
KEEP_FIRST = frozenset({"started_at", "queued_at", "answered_at", "direction"})


def _limits() -> tuple[tuple[tuple[str, int], ...], tuple[str, ...]]:
    columns = Call.__table__.c
    strings = tuple((name, columns[name].type.length) for name in (*FIELDS, "uniqueid", "node")
                    if isinstance(columns[name].type, String)
                    and not isinstance(columns[name].type, Enum)
                    and columns[name].type.length)
    integers = tuple(name for name in FIELDS if isinstance(columns[name].type, Integer))
    return strings, integers


# Every value comes off the wire: one too long or too big for its column would make the
# whole batch fail, again and again. Strings are cut to their column, integers out of
# the column's range dropped (PostgreSQL INTEGER is 32-bit).
STRING_LIMITS, INTEGER_FIELDS = _limits()
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _row(node: str, record: Any) -> dict[str, Any]:
    # Attribute reads, not dataclasses.asdict: asdict deep-copies every value.
    if isinstance(record, Mapping):
        row = {name: record.get(name) for name in FIELDS}
        row["uniqueid"] = record["uniqueid"]
    else:
        row = {name: getattr(record, name, None) for name in FIELDS}
        row["uniqueid"] = record.uniqueid
    row["node"] = node
    row["direction"] = CallDirection(row["direction"] or "inbound")
    row["outcome"] = CallOutcome(row["outcome"] or "in_progress")
    row["silent"] = bool(row["silent"])
    for key, length in STRING_LIMITS:
        value = row[key]
        if value is not None:
            if not isinstance(value, str):
                value = str(value)
            if "\x00" in value:  # PostgreSQL text cannot hold NUL
                value = value.replace("\x00", "")
            row[key] = value[:length]
    for key in INTEGER_FIELDS:
        value = row[key]
        if value is not None and (not isinstance(value, int) or not INT_MIN <= value <= INT_MAX):
            row[key] = None
    row["updated_at"] = utcnow()
    return row


def record(session: Session, *, node: str, record: Any) -> int:
    """Create or update the row of one call; return its id."""
    row = _row(node, record)
    stmt = _upsert(session).values(row).returning(Call.__table__.c.id)
    return session.connection().execute(stmt).scalar_one()


def record_many(session: Session, *, node: str, records: Iterable[Any]) -> int:
    """Upsert several calls in one round trip; the last record of a uniqueid wins."""
    rows: dict[str, dict[str, Any]] = {}
    for item in records:
        row = _row(node, item)
        rows[row["uniqueid"]] = row
    if rows:
        # One Core statement, many parameter sets: compiled once, sent as a batch.
        session.connection().execute(_upsert(session), list(rows.values()))
    return len(rows)


_UPSERTS: dict[str, Any] = {}


def _upsert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        stmt = _UPSERTS[dialect] = _build_upsert(dialect)
    return stmt


def _build_upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Call.__table__)
    new, old = stmt.excluded, Call.__table__.c
    updates: dict[str, Any] = {}
    for name in FIELDS:
        if name in KEEP_FIRST:
            updates[name] = func.coalesce(old[name], new[name])
        elif name == "silent":
            updates[name] = or_(old.silent, new.silent)
        elif name == "outcome":
            updates[name] = case(
                (
                    (new.outcome == literal(CallOutcome.IN_PROGRESS.value))
                    & (old.outcome != literal(CallOutcome.IN_PROGRESS.value)),
                    old.outcome,
                ),
                else_=new.outcome,
            )
        else:
            updates[name] = func.coalesce(new[name], old[name])
    updates["updated_at"] = new.updated_at
    return stmt.on_conflict_do_update(index_elements=["node", "uniqueid"], set_=updates)


def get(session: Session, *, node: str, uniqueid: str) -> Call | None:
    return session.scalars(select(Call).filter_by(node=node, uniqueid=uniqueid)).one_or_none()


# --- screen-pop history and dispositions (used by the console) --------------------------

REPEAT_WINDOW_DAYS = 30
# This many prank or silent calls in the window flags the number on the screen-pop; a
# silent caller may be someone who cannot speak safely, so the flag never drops a call.
FLAG_AFTER = 3


def by_id(session: Session, call_id: int) -> Call | None:
    return session.get(Call, call_id)


def earlier_calls(
    session: Session, number: str | None, *, before_id: int | None = None, limit: int = 10
) -> list[Call]:
    """The number's earlier calls, newest first (the last nine digits must match)."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if len(digits) < 6:
        return []
    stmt = select(Call).where(Call.caller_number.like(f"%{digits[-9:]}"))
    if before_id is not None:
        stmt = stmt.where(Call.id != before_id)
    return list(session.scalars(stmt.order_by(Call.started_at.desc()).limit(limit)))


@dataclass(frozen=True, slots=True)
class NumberFlags:
    earlier_calls: int
    nuisance_calls: int

    @property
    def repeat_caller(self) -> bool:
        return self.earlier_calls > 0

    @property
    def flagged(self) -> bool:
        return self.nuisance_calls >= FLAG_AFTER


def number_flags(calls: list[Call], *, now: datetime | None = None) -> NumberFlags:
    since = (now or utcnow()) - timedelta(days=REPEAT_WINDOW_DAYS)
    recent = [c for c in calls if c.started_at >= since]
    nuisance = sum(1 for c in recent
                   if c.disposition in (Disposition.PRANK, Disposition.SILENT))
    return NumberFlags(earlier_calls=len(recent), nuisance_calls=nuisance)


def set_disposition(
    session: Session, call: Call, *, disposition: str, actor_id: int
) -> Call:
    """Record what a call that is not a case was (an active code of the dispositions
    list: prank, silent, information …)."""
    call.disposition = dispositions.require_active(session, str(disposition))
    audit.record(session, actor_id=actor_id, action="call.disposition", entity_type="call",
                 entity_id=call.id)
    wrap_up_jobs.after_settled(session, call)  # the agent's owed wrap-up may be done
    return call
