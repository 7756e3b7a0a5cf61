"""Write a call's legs (call_legs) with the call, idempotently like calls.

A record comes with every leg it has so far; each is upserted by (call, seq), so a
replayed or resynchronised event never adds a row, and a leg written while it lasted is
completed by the next write. Values come off the wire: strings are cut to their column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallLeg, LegEnd

FIELDS = ("queue_name", "joined_at", "answered_at", "agent_interface", "agent_name",
          "agent_user_id", "wait_seconds", "talk_seconds", "ended_at", "ended_how")
_COLUMNS = CallLeg.__table__.c
LIMITS = {name: _COLUMNS[name].type.length
          for name in ("queue_name", "agent_interface", "agent_name")}
INT_MAX = 2**31 - 1


def _row(call_id: int, leg: Any, user_of: Callable[[Any], int | None]) -> dict[str, Any]:
    row = {name: getattr(leg, name, None) for name in FIELDS}
    row["call_id"], row["seq"] = call_id, leg.seq
    for name, length in LIMITS.items():
        if row[name] is not None:
            row[name] = str(row[name]).replace("\x00", "")[:length]
    for name in ("wait_seconds", "talk_seconds"):
        value = row[name]
        if value is not None and not 0 <= value <= INT_MAX:
            row[name] = None
    row["ended_how"] = LegEnd(row["ended_how"]) if row["ended_how"] else None
    if row["agent_user_id"] is None and row["agent_interface"]:
        row["agent_user_id"] = user_of(leg)
    return row


def record_many(session: Session, *, node: str, records: Iterable[Any],
                user_of: Callable[[Any], int | None] = lambda leg: None) -> int:
    """Upsert the legs of these calls (whose rows exist in this transaction)."""
    with_legs = [r for r in records if getattr(r, "legs", None)]
    if not with_legs:
        return 0
    ids = dict(session.execute(
        select(Call.uniqueid, Call.id).where(
            Call.node == node, Call.uniqueid.in_({r.uniqueid for r in with_legs}))).all())
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for record in with_legs:
        call_id = ids.get(record.uniqueid)
        if call_id is None:
            continue  # its row was refused: its legs wait for it
        for leg in record.legs:
            rows[(call_id, leg.seq)] = _row(call_id, leg, user_of)
    if rows:
        session.connection().execute(_upsert(session), list(rows.values()))
    return len(rows)


def of_call(session: Session, call_id: int) -> list[CallLeg]:
    return list(session.scalars(select(CallLeg).where(CallLeg.call_id == call_id)
                                .order_by(CallLeg.seq)))


def of_calls(session: Session, node: str, uniqueids: Iterable[str]) -> list[CallLeg]:
    """The legs of these calls of a node, in order (for tests and tools)."""
    return list(session.scalars(
        select(CallLeg).join(Call, Call.id == CallLeg.call_id)
        .where(tuple_(Call.node, Call.uniqueid).in_([(node, u) for u in uniqueids]))
        .order_by(Call.id, CallLeg.seq)))


_UPSERTS: dict[str, Any] = {}


def _upsert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(CallLeg.__table__)
        new, old = stmt.excluded, CallLeg.__table__.c
        # The tracker sends each leg whole; a value it no longer knows (after a restart)
        # never erases one already written.
        stmt = _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["call_id", "seq"],
            set_={name: func.coalesce(new[name], old[name]) for name in FIELDS})
    return stmt
