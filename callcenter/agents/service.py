"""Users and their passwords (argon2id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import passwords
from callcenter.agents.models import Role, User
from callcenter.errors import Conflict, DomainError, Forbidden, NotFound

MAX_FAILED_LOGINS = 5
MAX_FAILED_CODES = 5
LOCKOUT = timedelta(minutes=15)


class SignInRefused(DomainError):
    """Wrong login or password, or locked: one message for all, so logins cannot be probed."""

    status_code = 401
    code = "sign_in_refused"

    def __init__(self, message: str, *, user_id: int | None = None) -> None:
        super().__init__(message)
        # For the audit trail only (a refused sign-in of a known account); never shown.
        self.user_id = user_id

_hasher = PasswordHasher()
# Verified whenever a sign-in fails without checking the account's own hash (unknown
# login, disabled or locked account), so that every failure costs one argon2 check with
# the same parameters and answers in the same time: the time must not tell which logins
# exist or are locked (ASVS 2.2.x).
_DUMMY_HASH = _hasher.hash("no such user")

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


def by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def by_ids(session: Session, ids: set[int]) -> dict[int, User]:
    """The users with these ids, by id (staff named on audit trails and timelines)."""
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


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
        if password is None:
            raise Conflict("a password or its hash is needed", field="password")
        # The policy of chosen passwords (NIST SP 800-63B); a hash given as such (the
        # demo's published password) is the caller's choice.
        passwords.check(password, personal=(login, display_name))
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
    """A wrong password: enough of them lock the account a while."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        _lock(user, now=now)


def count_code_failure(user: User, *, now: datetime) -> None:
    """A wrong second-factor code: counted apart from passwords, only a right code resets it."""
    user.failed_codes += 1
    if user.failed_codes >= MAX_FAILED_CODES:
        _lock(user, now=now)


def _lock(user: User, *, now: datetime) -> None:
    user.locked_until = now + LOCKOUT
    user.failed_logins = 0
    user.failed_codes = 0


def may_unlock(actor: Role, target: Role) -> bool:
    """Supervisors unlock agents (the people on their shift); admins unlock anyone."""
    return actor == Role.ADMIN or (actor == Role.SUPERVISOR and target == Role.AGENT)


def locked_accounts(session: Session, *, actor: Role, now: datetime) -> list[User]:
    """The accounts locked now that this role may unlock, the longest locked first."""
    rows = session.scalars(select(User).where(User.locked_until > now)
                           .order_by(User.locked_until.desc(), User.login)).all()
    return [user for user in rows if may_unlock(actor, user.role)]


def unlock(session: Session, *, actor_id: int, actor: Role, user_id: int,
           source_ip: str | None = None) -> User:
    """Lift a lockout so the owner can sign in again now; audited."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such account")
    if not may_unlock(actor, user.role):
        raise Forbidden("your role may not unlock this account")
    user.locked_until = None
    user.failed_logins = 0
    user.failed_codes = 0
    audit.record(session, actor_id=actor_id, action="auth.unlock", entity_type="user",
                 entity_id=user.id, source_ip=source_ip)
    return user


def authenticate(session: Session, *, login: str, password: str, now: datetime) -> User:
    """The active user with this login and password, counting failures toward a lockout.

    Attempts on a locked account are not counted: someone else's flood does not make
    the owner's lockout last longer than ``LOCKOUT``.
    """
    user = by_login(session, login)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        raise SignInRefused("wrong login or password")
    if is_locked(user, now=now):
        verify_password(_DUMMY_HASH, password)
        raise SignInRefused("wrong login or password", user_id=user.id)
    if not verify_password(user.password_hash, password):
        count_failure(user, now=now)
        raise SignInRefused("wrong login or password", user_id=user.id)
    user.failed_logins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
