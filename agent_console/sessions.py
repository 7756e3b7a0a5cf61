"""Server-side sessions in PostgreSQL, read with the user's row.

The cookie holds only a random token; the ``console_sessions`` row holds its SHA-256, so
a dump of the table yields no usable cookie. Sessions expire after an idle period and at
a hard limit (a shift), and a user's sessions can all be ended at once.

PostgreSQL, not Redis, is the record: the hotline must keep taking cases when Redis is
lost. There is no Redis cache in front: every request needs the user's row anyway
(active? which role?), and one indexed join reads the session with it, so a cache would
save no round trip and would add a window in which an ended session still works.
``last_seen_at`` is written at most once a minute, so reading a page rarely writes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session

from callcenter.agents.models import ConsoleSession, User

IDLE = timedelta(hours=1)
ABSOLUTE = timedelta(hours=13)  # a 12-hour shift and its handover
ABSOLUTE_SECONDS = int(ABSOLUTE.total_seconds())
TOUCH_EVERY = timedelta(minutes=1)
# __Host-: the browser keeps it only from this exact origin over HTTPS, path /, no Domain.
SECURE_COOKIE = "__Host-session"
PLAIN_COOKIE = "session"  # plain-HTTP development only (browsers refuse __Host- there)
COOKIES = (SECURE_COOKIE, PLAIN_COOKIE)

# Built once: every request of a signed-in user runs it, and building the statement and
# its cache key anew cost each request about 45 µs of Python.
WITH_USER = (select(ConsoleSession, User).join(User, User.id == ConsoleSession.user_id)
             .where(ConsoleSession.token_hash == bindparam("token_hash")))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(cookies: dict[str, str], *, production: bool) -> str | None:
    """The session token of a request's cookies.

    Production reads only ``__Host-session``: a plain ``session`` cookie can be planted by
    a sibling subdomain or over plain HTTP (session fixation), the prefixed one cannot.
    """
    for name in (SECURE_COOKIE,) if production else COOKIES:
        if cookies.get(name):
            return cookies[name]
    return None


def create(db: Session, *, user_id: int, second_factor_done: bool, now: datetime,
           pending_totp: str | None = None) -> tuple[str, ConsoleSession]:
    """A new session for the user; returns the cookie's token and the row."""
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        token_hash=_hash(token), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
        created_at=now, last_seen_at=now, second_factor_done=second_factor_done,
        pending_totp=pending_totp,
    )
    db.add(row)
    # Each sign-in tidies the user's own expired sessions, so the table stays small.
    db.execute(delete(ConsoleSession).where(
        ConsoleSession.user_id == user_id,
        or_(ConsoleSession.created_at < now - ABSOLUTE, ConsoleSession.last_seen_at < now - IDLE),
    ))
    db.flush()
    return token, row


def load(db: Session, token: str | None, *,
         now: datetime) -> tuple[ConsoleSession, User] | None:
    """The live session of a cookie token and its user, sliding the idle expiry."""
    if not token or len(token) > 128:
        return None
    found = db.execute(WITH_USER, {"token_hash": _hash(token)}).first()
    if found is None:
        return None
    row, user = found
    if now - row.created_at > ABSOLUTE or now - row.last_seen_at > IDLE:
        db.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row, user


def rotate(db: Session, row: ConsoleSession, *, now: datetime) -> tuple[str, ConsoleSession]:
    """A fresh token for a session that just passed its second factor (no fixation)."""
    token, fresh = create(db, user_id=row.user_id, second_factor_done=True, now=now)
    fresh.fresh_factor_at = now  # the code just passed counts for a sensitive action
    db.delete(row)
    db.flush()
    return token, fresh


def end(db: Session, row: ConsoleSession) -> None:
    db.delete(row)


def end_by_key(db: Session, token_hash: str) -> None:
    """End one session by its key (a signed-in viewer's ``session_key``)."""
    db.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))


def end_all(db: Session, user_id: int) -> int:
    """Sign a user out everywhere; returns how many sessions were ended."""
    result = db.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
    return result.rowcount or 0
