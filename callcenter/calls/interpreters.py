"""The interpreters' roster: admins keep it, agents are offered who is on duty now.

Every change is audited (``interpreter.create`` / ``interpreter.update``) with what
changed; the number is staff contact data, not a caller's, and may be shown to agents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls import interpreter_rules as rules
from callcenter.calls.guest_models import Interpreter
from callcenter.calls.interpreter_schemas import InterpreterIn
from callcenter.errors import NotFound, StaleEdit

FIELDS = ("language", "name", "phone", "days", "from_time", "until_time", "active")


def listing(session: Session) -> list[Interpreter]:
    return list(session.scalars(select(Interpreter).order_by(
        Interpreter.language, Interpreter.name, Interpreter.id)))


def get(session: Session, interpreter_id: int) -> Interpreter:
    row = session.get(Interpreter, interpreter_id)
    if row is None:
        raise NotFound(f"interpreter {interpreter_id} not found")
    return row


def _snapshot(row: Interpreter) -> dict[str, object]:
    return {name: (str(v) if (v := getattr(row, name)) is not None and name.endswith("_time")
                   else v) for name in FIELDS}


def create(session: Session, data: InterpreterIn, *, actor_id: int | None,
           source_ip: str | None = None) -> Interpreter:
    row = Interpreter(**data.values(), version=1)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, action="interpreter.create",
                 entity_type="interpreter", entity_id=row.id, source_ip=source_ip,
                 changes={k: [None, v] for k, v in _snapshot(row).items()})
    return row


def update(session: Session, interpreter_id: int, data: InterpreterIn, *, actor_id: int,
           source_ip: str | None = None) -> Interpreter:
    """Save an admin's edit; refused (409) if someone saved it since the form was drawn."""
    row = get(session, interpreter_id)
    if row.version != data.version:
        raise StaleEdit(changed=_snapshot(row))
    before = _snapshot(row)
    for name, value in data.values().items():
        setattr(row, name, value)
    changes = audit.changes_between(before, _snapshot(row))
    if changes:
        row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="interpreter.update",
                 entity_type="interpreter", entity_id=row.id, source_ip=source_ip,
                 changes=changes)
    return row


def hours_of(row: Interpreter) -> rules.Hours:
    return rules.Hours(row.days, row.from_time, row.until_time)


def on_duty(session: Session, *, language: str, now: datetime) -> list[Interpreter]:
    """Active interpreters of a language whose hours cover ``now``."""
    local = rules.bangkok(now)
    rows = session.scalars(select(Interpreter).where(
        Interpreter.language == language, Interpreter.active.is_(True))
        .order_by(Interpreter.name, Interpreter.id))
    return [row for row in rows if hours_of(row).covers(local)]


def languages_on_roster(session: Session) -> list[str]:
    """The languages some active interpreter speaks, the usual ones first."""
    found = set(session.scalars(select(Interpreter.language).where(
        Interpreter.active.is_(True)).distinct()))
    return [c for c in rules.COMMON if c in found] + sorted(found - set(rules.COMMON))
