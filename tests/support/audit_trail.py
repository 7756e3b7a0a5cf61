"""Assert an audit row by who did it and to what, not only that its action appears."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.audit import AuditEvent


def user_id(db: Session, login: str) -> int:
    return db.scalar(select(User.id).where(User.login == login))


def audited(db: Session, action: str, *, actor_id: int | None, entity_type: str,
            entity_id: int | str) -> AuditEvent:
    """The audit row of ``action`` by ``actor_id`` on that object; fails listing the rows of
    that action that were written instead."""
    rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)
                      .order_by(AuditEvent.id)).all()
    wanted = (actor_id, entity_type, str(entity_id))
    for row in rows:
        if (row.actor_id, row.entity_type, row.entity_id) == wanted:
            return row
    found = [(r.actor_id, r.entity_type, r.entity_id) for r in rows]
    raise AssertionError(f"no {action} by {actor_id} on {entity_type} {entity_id}: {found}")
