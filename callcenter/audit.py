"""The audit trail: who did what to which record, when, and from where.

Append-only (the migration adds triggers that refuse UPDATE and DELETE). It holds ids,
never a caller's or survivor's data, so the trail itself needs no redaction. An
administrative action on staff or reference data (an account, a unit's contacts, a
queue's targets) also keeps what it changed: ``changes`` maps each field to its
``[before, after]`` values. Secrets (password hashes, TOTP seeds, phone passwords) are
never among them: callers pass ``redact`` names, shown as "(changed)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from callcenter.db import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A verb such as case.view, case.update, case.export, call.listen.
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    # The client address as the web tier saw it (IPv4 or IPv6).
    source_ip: Mapped[str | None] = mapped_column(String(45))
    # {field: [before, after]} for administrative changes; None for the rest.
    changes: Mapped[dict | None] = mapped_column(JSON)


CHANGED = "(changed)"


def _plain(value: object) -> object:
    """A value as JSON keeps it: enums by value, dates as ISO text, sets as sorted lists."""
    if value is None or isinstance(value, bool | int | float | str):
        return getattr(value, "value", value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return getattr(value, "value", str(value))


def changes_between(before: Mapping[str, object], after: Mapping[str, object], *,
                    redact: Iterable[str] = ()) -> dict[str, list[object]]:
    """``{field: [before, after]}`` for each field whose value differs.

    A field missing on one side counts as None (created or removed). Redacted fields
    show only that they changed.
    """
    hidden = set(redact)
    diff: dict[str, list[object]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            diff[name] = [CHANGED, CHANGED] if name in hidden else [old, new]
    return diff


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | str,
    source_ip: str | None = None,
    changes: Mapping[str, list[object]] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (``changes``: ``changes_between``)."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        source_ip=source_ip,
        changes=dict(changes) if changes else None,
    )
    session.add(event)
    return event
