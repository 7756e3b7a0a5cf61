"""Users and their passwords (argon2id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import Role, User
from callcenter.errors import Conflict, DomainError

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Verified when the login is unknown, so that a wrong login costs as long as a wrong password.
_DUMMY_HASH = PasswordHasher().hash("no such user")


class SignInRefused(DomainError):
    """Wrong login or password, or locked: one message for all, so logins cannot be probed."""

    status_code = 401
    code = "sign_in_refused"

    def __init__(self, message: str, *, user_id: int | None = None) -> None:
        super().__init__(message)
        # For the audit trail only (a refused sign-in of a known account); never shown.
        self.user_id = user_id

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def by_login(session: Session, login: str) -> User | None:
    return session.execute(select(User).where(User.login == login)).scalar_one_or_none()


def create_user(
    session: Session,
    *,
    login: str,
    display_name: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: Role,
    unit_id: int | None = None,
    languages: list[str] | None = None,
    phone_interface: str | None = None,
) -> User:
    if password_hash is None:
        if password is None or len(password) < MIN_PASSWORD_LENGTH:
            raise Conflict(
                f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password"
            )
        password_hash = hash_password(password)
    if by_login(session, login) is not None:
        raise Conflict("that login is taken", field="login")
    user = User(
        login=login,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        unit_id=unit_id,
        languages=languages or ["th"],
        phone_interface=phone_interface,
    )
    session.add(user)
    session.flush()
    return user


def is_locked(user: User, *, now: datetime) -> bool:
    """Locked out after too many wrong passwords or second-factor codes."""
    return user.locked_until is not None and user.locked_until > now


def count_failure(user: User, *, now: datetime) -> None:
    """A wrong password or second-factor code: enough of them lock the account a while."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0


def authenticate(session: Session, *, login: str, password: str, now: datetime) -> User:
    """The active user with this login and password, counting failures toward a lockout."""
    user = by_login(session, login)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        raise SignInRefused("wrong login or password")
    if is_locked(user, now=now):
        raise SignInRefused("wrong login or password", user_id=user.id)
    if not verify_password(user.password_hash, password):
        count_failure(user, now=now)
        raise SignInRefused("wrong login or password", user_id=user.id)
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
