"""Users and their passwords (argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.agents.models import Role, User
from callcenter.errors import Conflict

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
    password: str,
    role: Role,
    unit_id: int | None = None,
    languages: list[str] | None = None,
    phone_interface: str | None = None,
) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Conflict(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if by_login(session, login) is not None:
        raise Conflict("that login is taken", field="login")
    user = User(
        login=login,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit_id,
        languages=languages or ["th"],
        phone_interface=phone_interface,
    )
    session.add(user)
    session.flush()
    return user
