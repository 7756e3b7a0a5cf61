"""A person's password changes: their own choice, and the change an admin forces.

Every path that sets a password goes through ``set_password``: the policy
(``passwords.check``) with the person's login and name, a new argon2 hash, the date,
the forced change lifted, every other signed-in browser of theirs signed out, and the
lockout counters reset. Audited with the secret redacted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import passwords
from callcenter.agents import service as agents
from callcenter.agents.models import ConsoleSession, User
from callcenter.errors import NotFound

SECRET = ("password_hash",)


class WrongCurrentPassword(passwords.WeakPassword):
    """The current password given to change it is not the account's (403 would sign out)."""

    def __init__(self) -> None:
        super().__init__("wrong_password", "the current password is not right",
                         field="current_password")


def _facts(user: User) -> dict[str, object]:
    return {"password_hash": user.password_hash, "must_change_password": user.must_change_password}


def check_pair(user: User, password: str, again: str) -> None:
    """The new password, typed twice, as the policy wants it (field errors otherwise)."""
    passwords.check(password, personal=(user.login, user.display_name))
    if password != again:
        raise passwords.WeakPassword("password_mismatch", "the two passwords differ",
                                     field="password_again")


def set_password(session: Session, user: User, password: str, *, now: datetime,
                 keep_session: str | None = None) -> dict[str, list[object]]:
    """Store a new password the policy accepts; returns the audit's changes.

    Every console session of the person ends but ``keep_session`` (the browser that made
    the change): whoever else knew the old password is signed out.
    """
    passwords.check(password, personal=(user.login, user.display_name))
    before = _facts(user)
    user.password_hash = agents.hash_password(password)
    user.password_changed_at = now
    user.must_change_password = False
    user.failed_logins = 0
    user.locked_until = None
    ended = delete(ConsoleSession).where(ConsoleSession.user_id == user.id)
    if keep_session is not None:
        ended = ended.where(ConsoleSession.token_hash != keep_session)
    session.execute(ended)
    return audit.changes_between(before, _facts(user), redact=SECRET)


def change_own(session: Session, *, user_id: int, current: str, password: str, again: str,
               now: datetime, session_key: str, source_ip: str | None = None) -> User:
    """The signed-in person changes their password, proving the current one first."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if not agents.verify_password(user.password_hash, current):
        # Counted as a wrong sign-in: a browser left open is no way to guess it freely.
        agents.count_failure(user, now=now)
        raise WrongCurrentPassword()
    check_pair(user, password, again)
    changes = set_password(session, user, password, now=now, keep_session=session_key)
    audit.record(session, actor_id=user.id, action="user.password_changed", entity_type="user",
                 entity_id=user.id, source_ip=source_ip, changes=changes)
    return user


def force_change(session: Session, *, user_id: int, actor_id: int,
                 source_ip: str | None = None) -> User:
    """An admin asks for a new password at the person's next page or sign-in; audited."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    before = _facts(user)
    user.must_change_password = True
    user.version += 1
    audit.record(session, actor_id=actor_id, action="user.force_password_change",
                 entity_type="user", entity_id=user.id, source_ip=source_ip,
                 changes=audit.changes_between(before, _facts(user), redact=SECRET))
    return user
