"""The second factor of supervisors and admins: TOTP (RFC 6238) enrolment and checks.

Secrets are sealed with the application's secret key before they are stored
(``callcenter.sealing``), so a copy of the database alone yields no codes.

A code is accepted once: the time step it belongs to is stored, and a code of that
step or an earlier one is refused. Wrong codes are counted on their own
(``failed_codes``; a right password does not reset them) and lock the account as
wrong passwords do.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
from sqlalchemy import delete
from sqlalchemy.orm import Session

from callcenter import sealing
from callcenter.agents import service as agents
from callcenter.agents.models import ConsoleSession, User

ISSUER = "1300 hotline"
STEP_SECONDS = 30
# Codes one step either side are accepted: phones' clocks drift.
WINDOW = 1


def seal(secret: str, *, key: str) -> str:
    return sealing.seal(secret, key=key, purpose="totp")


def unseal(sealed: str, *, key: str) -> str | None:
    """The secret, or None if the value was not sealed with this key (or was altered)."""
    return sealing.unseal(sealed, key=key, purpose="totp")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, login: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a link or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step whose code this is (within the window), or None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def check(user: User, secret: str, code: str, *, now: datetime) -> bool:
    """Accept a code once; a wrong or reused code counts toward the lockout."""
    if agents.is_locked(user, now=now):
        return False
    step = matching_step(secret, code, now=now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        agents.count_code_failure(user, now=now)
        return False
    user.totp_last_step = step
    user.failed_codes = 0
    return True


def begin_enrolment(pending: ConsoleSession, *, key: str) -> str:
    """The secret being enrolled on this session, created on first use."""
    if pending.pending_totp:
        secret = unseal(pending.pending_totp, key=key)
        if secret:
            return secret
    secret = new_secret()
    pending.pending_totp = seal(secret, key=key)
    return secret


def confirm_enrolment(user: User, pending: ConsoleSession, code: str, *, key: str,
                      now: datetime) -> bool:
    """Store the pending secret once a code from it is right."""
    secret = unseal(pending.pending_totp or "", key=key)
    if secret is None or not check(user, secret, code, now=now):
        return False
    user.totp_secret = seal(secret, key=key)
    pending.pending_totp = None
    return True


def reset(session: Session, user: User) -> None:
    """Forget the user's second factor (a lost phone): they enrol again at next sign-in.

    Their sessions end too, so a session that passed the old factor does not outlive it.
    """
    user.totp_secret = None
    user.totp_last_step = None
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
