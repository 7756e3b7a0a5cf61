"""One-time set-up links: how a person chooses their password without anyone seeing it.

An admin issues a link (``issue``) and hands it over in person or by a channel of their
choosing; nothing is mailed from here. The link's token is random (256 bits) and only
its SHA-256 is stored, so the table and the audit trail hold nothing usable. A link is
good for ``LIFETIME`` and once; a new one for the same person ends the older ones. A
link that is unknown, used, ended or expired is refused with one message
(``SetupLinkInvalid``): the page must not tell which, or links could be probed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import SetupLink, User
from callcenter.agents.password_changes import check_pair, set_password
from callcenter.errors import NotFound

LIFETIME = timedelta(hours=24)


class SetupLinkInvalid(NotFound):
    """Unknown, used, replaced or expired: the same answer for each."""

    code = "setup_link_invalid"

    def __init__(self) -> None:
        super().__init__("this set-up link cannot be used: it is unknown, used or expired; "
                         "ask an administrator for a new one")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(session: Session, *, user_id: int, actor_id: int | None, now: datetime,
          source_ip: str | None = None) -> str:
    """A new link's token for this person (older unused links end now); audited."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if not user.active:
        raise NotFound("this account is disabled", field="user_id")
    session.execute(update(SetupLink)
                    .where(SetupLink.user_id == user_id, SetupLink.used_at.is_(None),
                           SetupLink.expires_at > now)
                    .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    link = SetupLink(token_hash=token_hash(token), user_id=user_id, created_by=actor_id,
                     created_at=now, expires_at=now + LIFETIME)
    session.add(link)
    session.flush()
    # The link's id and expiry, never its token.
    audit.record(session, actor_id=actor_id, action="user.setup_link", entity_type="user",
                 entity_id=user_id, source_ip=source_ip,
                 changes={"setup_link": [None, link.id],
                          "setup_link_expires_at": [None, link.expires_at.isoformat()]})
    return token


def _usable(session: Session, token: str, *, now: datetime) -> tuple[SetupLink, User]:
    if not token or len(token) > 100:
        raise SetupLinkInvalid()
    link = session.scalar(select(SetupLink).where(SetupLink.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise SetupLinkInvalid()
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        raise SetupLinkInvalid()
    return link, user


def peek(session: Session, token: str, *, now: datetime) -> User:
    """Whose link this is (the page greets them by login and name), if it may be used."""
    return _usable(session, token, now=now)[1]


def redeem(session: Session, token: str, password: str, *, now: datetime,
           again: str | None = None, source_ip: str | None = None) -> User:
    """Set the person's password from the link (used up); audited ``user.password_set``.

    The link is spent only when the password is accepted: a refused choice may be tried
    again with the same link.
    """
    link, user = _usable(session, token, now=now)
    check_pair(user, password, password if again is None else again)
    changes = set_password(session, user, password, now=now)
    link.used_at = now
    audit.record(session, actor_id=user.id, action="user.password_set", entity_type="user",
                 entity_id=user.id, source_ip=source_ip, changes=changes)
    return user
