"""A fresh second factor for sensitive administrative actions ("step-up").

Creating an admin, resetting someone's authenticator, signing a person out everywhere,
revealing a phone's password: a session left open on an unattended desk must not be
enough. Such an action needs a TOTP code passed within ``FRESH_FOR``: the sign-in's own
code counts, and a new code (typed into the action's form or sent in the API's
``X-TOTP-Code`` header) starts the window again. A window rather than one code per action,
because each code is good once: an admin disabling three leavers in a minute would
otherwise wait thirty seconds between clicks.

Wrong codes count toward the account's lockout, as at sign-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import totp
from callcenter.agents.models import ConsoleSession, User
from callcenter.errors import RecordedRefusal

FRESH_FOR = timedelta(minutes=5)


class FreshSecondFactorRequired(RecordedRefusal):
    """The action needs a TOTP code (none was given, or the one given was wrong). A
    wrong code stays counted toward the lockout: the refusal is committed."""

    status_code = 403
    code = "fresh_second_factor"

    def __init__(self, message: str = "enter a code from your authenticator app to do this",
                 *, wrong: bool = False) -> None:
        super().__init__(message, field="totp_code")
        self.wrong = wrong


def is_fresh(row: ConsoleSession | None, *, now: datetime) -> bool:
    """Did this session pass a TOTP code within ``FRESH_FOR``?"""
    return (row is not None and row.fresh_factor_at is not None
            and now - row.fresh_factor_at < FRESH_FOR)


def confirm(session: Session, *, user: User, row: ConsoleSession, code: str | None,
            key: str, now: datetime, source_ip: str | None = None) -> None:
    """Let a sensitive action through, or raise ``FreshSecondFactorRequired``.

    A session still fresh passes without a code; otherwise ``code`` must be right (and
    not used before), and the window starts again.
    """
    if is_fresh(row, now=now) and not code:
        return
    if not code:
        raise FreshSecondFactorRequired()
    secret = totp.unseal(user.totp_secret or "", key=key)
    if secret is None or not totp.check(user, secret, code, now=now):
        audit.record(session, actor_id=user.id, action="auth.step_up_failed",
                     entity_type="user", entity_id=user.id, source_ip=source_ip)
        raise FreshSecondFactorRequired("that code is wrong or was used already; "
                                        "enter the current code", wrong=True)
    row.fresh_factor_at = now
    audit.record(session, actor_id=user.id, action="auth.step_up", entity_type="user",
                 entity_id=user.id, source_ip=source_ip)
