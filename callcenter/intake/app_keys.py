"""Partner applications' keys: issue, list, revoke, and recognise one on a request.

Takes the session, never commits. A key is returned once by ``issue`` to be shown once,
and only its digest is stored (``app_key_rules``); keys are revoked with a reason, never
deleted. Issuing and revoking are audited with the admin; neither the key nor its
digest is in the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.errors import Conflict, NotFound
from callcenter.intake import app_key_rules as rules
from callcenter.intake.app_key_schemas import AppKeyIn
from callcenter.intake.models import AppKey

ENTITY = "app_key"


@dataclass(frozen=True)
class Issued:
    """A key just issued: its row, and the key itself, shown once, stored nowhere."""

    row: AppKey
    key: str


def issue(session: Session, given: AppKeyIn, *, secret: str, actor_id: int | None,
          source_ip: str | None, now: datetime) -> Issued:
    key, prefix = rules.new_key()
    row = AppKey(name=given.name, contact=given.contact, per_minute=given.per_minute,
                 prefix=prefix, digest=rules.digest(key, secret=secret), created_at=now,
                 created_by_id=actor_id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, action="app_key.create", entity_type=ENTITY,
                 entity_id=row.id, source_ip=source_ip, changes=audit.changes_between(
                     {}, {"name": row.name, "contact": row.contact,
                          "per_minute": row.per_minute, "prefix": row.prefix}))
    return Issued(row, key)


def all_keys(session: Session) -> list[AppKey]:
    """Every key ever issued, the ones in use first, then the newest."""
    return list(session.scalars(select(AppKey).order_by(
        AppKey.revoked_at.is_not(None), AppKey.created_at.desc(), AppKey.id.desc())))


def get(session: Session, app_key_id: int) -> AppKey:
    row = session.get(AppKey, app_key_id)
    if row is None:
        raise NotFound(f"no application key {app_key_id}")
    return row


def names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """The applications' names by key id (the web queue names each app report's sender)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(AppKey.id, AppKey.name).where(AppKey.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def revoke(session: Session, app_key_id: int, *, reason: str, actor_id: int,
           source_ip: str | None, now: datetime) -> AppKey:
    """The key stops working at once; a key revoked already is a conflict."""
    row = session.get(AppKey, app_key_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no application key {app_key_id}")
    if row.revoked_at is not None:
        raise Conflict(f"application key {app_key_id} is revoked already", field="app_key")
    row.revoked_at, row.revoked_by_id, row.revoke_reason = now, actor_id, reason
    session.flush()
    audit.record(session, actor_id=actor_id, action="app_key.revoke", entity_type=ENTITY,
                 entity_id=row.id, source_ip=source_ip,
                 changes={"revoked_at": [None, now.isoformat()], "reason": [None, reason]})
    return row


def recognise(session: Session, presented: str | None, *, secret: str) -> AppKey | None:
    """The key that was presented, revoked or not, or ``None`` (missing, or not one of
    ours). Found by its digest, so what is compared is digests in the database's index,
    never the key itself against anything stored."""
    if not presented or rules.prefix_of(presented) is None:
        return None
    return session.scalars(select(AppKey).where(
        AppKey.digest == rules.digest(presented, secret=secret))).one_or_none()
