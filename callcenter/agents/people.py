"""People's accounts as an admin keeps them: create, edit, disable, enable, find, view.

Accounts are never deleted: the audit trail, the cases and the calls name them. A new
account has no password anyone knows (an argon2 hash of a random secret nobody keeps):
it cannot sign in until its owner uses a set-up link. Every change is audited with its
before and after values, skills included; each edit moves the account's ``version`` on,
and an edit drawn from an older version is refused with the fields someone else changed.

Two rules keep the centre administrable: an admin cannot disable or demote themselves,
and the last active admin cannot be disabled or demoted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents import service, totp
from callcenter.agents.models import AgentSkill, ConsoleSession, Role, User
from callcenter.agents.schemas import PersonFields
from callcenter.agents.state import Queue
from callcenter.audit import AuditEvent
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit
from callcenter.provinces.models import ResponseUnit

PAGE_SIZE = 50
# Never shown in the trail: a hash changes when a password does, and says nothing more.
REDACTED = frozenset({"password_hash", "totp_secret"})


class OwnAccount(Conflict):
    """An admin tried to disable or demote themselves (they would lock themselves out)."""

    code = "own_account"


class LastAdmin(Conflict):
    """The action would leave the centre with no active admin."""

    code = "last_admin"


@cache
def _unusable_password_hash() -> str:
    # A real argon2 hash, so sign-in spends the same time on it as on any account, of a
    # secret nobody keeps. One per process: argon2 is slow on purpose, and an import of a
    # shift's 500 people must not spend minutes hashing secrets that are thrown away.
    return service.hash_password(secrets.token_urlsafe(32))


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no person {user_id}")
    return user


def _unit_id(session: Session, unit_code: str | None) -> int | None:
    if unit_code is None:
        return None
    unit_id = session.scalar(select(ResponseUnit.id).where(ResponseUnit.code == unit_code))
    if unit_id is None:
        raise InvalidInput(f"no unit {unit_code}", field="unit_code")
    return unit_id


def _queue_ids(session: Session, names: list[str]) -> dict[str, int]:
    """The queue ids of these names; an unknown name is refused naming the field."""
    if not names:
        return {}
    found = dict(session.execute(
        select(Queue.c.name, Queue.c.id).where(Queue.c.name.in_(names))).all())
    missing = [name for name in names if name not in found]
    if missing:
        raise InvalidInput(f"no queue {missing[0]}", field="skills")
    return found


def _skills_of(session: Session, user_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Queue.c.name, AgentSkill.penalty)
        .join(AgentSkill, AgentSkill.queue_id == Queue.c.id)
        .where(AgentSkill.user_id == user_id).order_by(AgentSkill.penalty, Queue.c.name))
    return dict(rows.all())


def _unit_code(session: Session, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return session.scalar(select(ResponseUnit.code).where(ResponseUnit.id == unit_id))


def _snapshot(session: Session, user: User) -> dict[str, object]:
    """What an admin edits of an account, as the trail and the stale check compare it."""
    return {
        "login": user.login,
        "display_name": user.display_name,
        "role": user.role.value,
        "unit_code": _unit_code(session, user.unit_id),
        "languages": list(user.languages or []),
        "skills": _skills_of(session, user.id),
        "active": user.active,
    }


def _wanted(fields: PersonFields, *, active: bool) -> dict[str, object]:
    return {
        "login": fields.login,
        "display_name": fields.display_name,
        "role": fields.role.value,
        "unit_code": fields.unit_code,
        "languages": [language.value for language in fields.languages],
        "skills": fields.skill_map(),
        "active": active,
    }


def _login_free(session: Session, login: str, *, other_than: int | None = None) -> None:
    query = select(User.id).where(User.login == login)
    if other_than is not None:
        query = query.where(User.id != other_than)
    if session.scalar(query) is not None:
        raise Conflict("that login is taken", field="login")


def has_active_admin(session: Session) -> bool:
    return _other_active_admins(session, 0) > 0


def _other_active_admins(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user_id)) or 0


def _set_skills(session: Session, user: User, skills: dict[str, int]) -> None:
    ids = _queue_ids(session, list(skills))
    session.execute(delete(AgentSkill).where(AgentSkill.user_id == user.id))
    for name, penalty in skills.items():
        session.add(AgentSkill(user_id=user.id, queue_id=ids[name], penalty=penalty))


def _end_sessions(session: Session, user_id: int) -> int:
    result = session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
    return result.rowcount or 0


def create_person(session: Session, fields: PersonFields, *, actor_id: int | None,
                  source_ip: str | None = None) -> User:
    """A new account that cannot sign in until its owner sets a password; audited
    (``actor_id`` None: the command line's first admin, before anyone can sign in)."""
    unit_id = _unit_id(session, fields.unit_code)
    _queue_ids(session, list(fields.skill_map()))
    _login_free(session, fields.login)
    user = User(login=fields.login, display_name=fields.display_name,
                password_hash=_unusable_password_hash(), role=fields.role, unit_id=unit_id,
                languages=[language.value for language in fields.languages], version=1)
    session.add(user)
    session.flush()
    _set_skills(session, user, fields.skill_map())
    session.flush()
    audit.record(session, actor_id=actor_id, action="user.create", entity_type="user",
                 entity_id=user.id, source_ip=source_ip,
                 changes=audit.changes_between({}, _wanted(fields, active=True)))
    return user


def _check_version(session: Session, user: User, version: int | None,
                   wanted: dict[str, object] | None = None) -> dict[str, object]:
    """The account as stored; StaleEdit when the form was drawn from an older version."""
    stored = _snapshot(session, user)
    if version is not None and version != user.version:
        compare = wanted or {}
        changed = {name: value for name, value in stored.items()
                   if name in compare and compare[name] != value}
        raise StaleEdit(changed=changed or {"version": user.version})
    return stored


def _keep_an_admin(session: Session, user: User, *, actor_id: int, field: str) -> None:
    """Refuse taking this admin away (disabling or demoting) when it would lock the centre."""
    if user.role != Role.ADMIN or not user.active:
        return
    if user.id == actor_id:
        raise OwnAccount("you cannot do this to your own account", field=field)
    if _other_active_admins(session, user.id) == 0:
        raise LastAdmin("the centre would have no active admin left", field=field)


def update_person(session: Session, user_id: int, fields: PersonFields, *, version: int,
                  actor_id: int, source_ip: str | None = None) -> User:
    """Save an admin's edit of an account drawn from ``version``; audited with its changes."""
    user = _get(session, user_id)
    wanted = _wanted(fields, active=user.active)
    before = _check_version(session, user, version, wanted)
    if fields.role != user.role:
        _keep_an_admin(session, user, actor_id=actor_id, field="role")
    changes = audit.changes_between(before, wanted)
    if not changes:
        return user
    unit_id = _unit_id(session, fields.unit_code)
    _queue_ids(session, list(fields.skill_map()))
    _login_free(session, fields.login, other_than=user.id)
    user.login = fields.login
    user.display_name = fields.display_name
    user.role = fields.role
    user.unit_id = unit_id
    user.languages = wanted["languages"]  # type: ignore[assignment]
    if "skills" in changes:
        _set_skills(session, user, fields.skill_map())
    user.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="user.update", entity_type="user",
                 entity_id=user.id, source_ip=source_ip, changes=changes)
    return user


def disable_person(session: Session, user_id: int, *, actor_id: int,
                   source_ip: str | None = None, version: int | None = None) -> User:
    """Disable an account (never deleted) and end its sessions; audited."""
    user = _get(session, user_id)
    _check_version(session, user, version)
    if not user.active:
        return user
    if user.id == actor_id:
        raise OwnAccount("you cannot disable your own account", field="active")
    _keep_an_admin(session, user, actor_id=actor_id, field="active")
    user.active = False
    user.version += 1
    ended = _end_sessions(session, user.id)
    session.flush()
    audit.record(session, actor_id=actor_id, action="user.disable", entity_type="user",
                 entity_id=user.id, source_ip=source_ip,
                 changes={"active": [True, False], "sessions_ended": [None, ended]})
    return user


def enable_person(session: Session, user_id: int, *, actor_id: int,
                  source_ip: str | None = None, version: int | None = None) -> User:
    """Let a disabled account sign in again; audited."""
    user = _get(session, user_id)
    _check_version(session, user, version)
    if user.active:
        return user
    user.active = True
    user.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="user.enable", entity_type="user",
                 entity_id=user.id, source_ip=source_ip, changes={"active": [False, True]})
    return user


def sign_out_everywhere(session: Session, user_id: int, *, actor_id: int,
                        source_ip: str | None = None) -> int:
    """End every session of the account (a lost laptop); returns how many; audited."""
    user = _get(session, user_id)
    ended = _end_sessions(session, user.id)
    audit.record(session, actor_id=actor_id, action="user.sign_out_all", entity_type="user",
                 entity_id=user.id, source_ip=source_ip,
                 changes={"sessions_ended": [None, ended]})
    return ended


def reset_totp(session: Session, user_id: int, *, actor_id: int,
               source_ip: str | None = None) -> User:
    """Forget the account's authenticator (a lost phone): enrol again at next sign-in."""
    user = _get(session, user_id)
    enrolled = user.totp_secret is not None
    totp.reset(session, user)
    session.flush()
    audit.record(session, actor_id=actor_id, action="user.totp_reset", entity_type="user",
                 entity_id=user.id, source_ip=source_ip,
                 changes={"totp_enrolled": [enrolled, False]})
    return user


def unlock_person(session: Session, user_id: int, *, actor_id: int,
                  source_ip: str | None = None) -> User:
    """Lift a lockout now (``service.unlock``, audited as ``auth.unlock``)."""
    return service.unlock(session, actor_id=actor_id, actor=Role.ADMIN, user_id=user_id,
                          source_ip=source_ip)


def changes_role_to_or_from_admin(session: Session, user_id: int,
                                  fields: PersonFields) -> bool:
    """Does this edit make someone an admin or take it away? (a sensitive action)"""
    user = _get(session, user_id)
    return (user.role == Role.ADMIN) != (fields.role == Role.ADMIN)


# ---- reading --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of the people list."""

    id: int
    login: str
    display_name: str
    role: Role
    unit_code: str | None
    active: bool
    last_sign_in_at: datetime | None
    locked: bool
    totp_enrolled: bool
    phone_interface: str | None


@dataclass(frozen=True, slots=True)
class PeoplePage:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_people(session: Session, *, text: str | None = None, role: Role | None = None,
                  unit_id: int | None = None, active: bool | None = None, page: int = 1,
                  now: datetime, page_size: int = PAGE_SIZE) -> PeoplePage:
    """People matching a login or name fragment and the filters, by login, a page at a time."""
    query = select(User, ResponseUnit.code).outerjoin(ResponseUnit,
                                                      ResponseUnit.id == User.unit_id)
    if text and text.strip():
        pattern = _like(text.strip().lower())
        query = query.where(or_(func.lower(User.login).like(pattern, escape="\\"),
                                func.lower(User.display_name).like(pattern, escape="\\")))
    if role is not None:
        query = query.where(User.role == role)
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if active is not None:
        query = query.where(User.active.is_(active))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = session.execute(query.order_by(User.login)
                           .offset((page - 1) * page_size).limit(page_size))
    return PeoplePage(rows=[PersonRow(
        id=user.id, login=user.login, display_name=user.display_name, role=user.role,
        unit_code=code, active=user.active, last_sign_in_at=user.last_sign_in_at,
        locked=service.is_locked(user, now=now), totp_enrolled=user.totp_secret is not None,
        phone_interface=user.phone_interface) for user, code in rows],
        total=total, page=page, pages=pages)


@dataclass(frozen=True, slots=True)
class PersonView:
    """One account as its detail page and the API show it (never a secret)."""

    id: int
    login: str
    display_name: str
    role: Role
    unit_code: str | None
    languages: list[str]
    skills: dict[str, int]
    active: bool
    version: int
    created_at: datetime
    last_sign_in_at: datetime | None
    locked: bool
    locked_until: datetime | None
    totp_enrolled: bool
    phone_interface: str | None
    must_change_password: bool
    password_changed_at: datetime | None


def person_view(session: Session, user_id: int, *, now: datetime) -> PersonView:
    user = _get(session, user_id)
    locked = service.is_locked(user, now=now)
    return PersonView(
        id=user.id, login=user.login, display_name=user.display_name, role=user.role,
        unit_code=_unit_code(session, user.unit_id), languages=list(user.languages or []),
        skills=_skills_of(session, user.id), active=user.active, version=user.version,
        created_at=user.created_at, last_sign_in_at=user.last_sign_in_at, locked=locked,
        locked_until=user.locked_until if locked else None,
        totp_enrolled=user.totp_secret is not None, phone_interface=user.phone_interface,
        must_change_password=user.must_change_password,
        password_changed_at=user.password_changed_at)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One audited action on an account, for its page: who, what, when, what changed."""

    at: datetime
    action: str
    actor_login: str | None
    changes: dict[str, list[object]]


def person_history(session: Session, user_id: int, *, limit: int = 20) -> list[HistoryLine]:
    """The latest audited actions on this account, newest first (sign-ins included)."""
    rows = session.execute(
        select(AuditEvent.at, AuditEvent.action, User.login, AuditEvent.changes)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [HistoryLine(at=at, action=action, actor_login=login, changes=changes or {})
            for at, action, login, changes in rows]


def unit_choices(session: Session) -> list[tuple[int, str, str, str]]:
    """Every unit's id, code, Thai and English name, by code (the forms' unit list)."""
    return list(session.execute(select(ResponseUnit.id, ResponseUnit.code, ResponseUnit.name_th,
                                       ResponseUnit.name_en).order_by(ResponseUnit.code)))


def queue_choices(session: Session) -> list[tuple[str, str, str]]:
    """Every queue's name, Thai and English label, by name (the skills' queue list)."""
    return list(session.execute(select(Queue.c.name, Queue.c.label_th, Queue.c.label_en)
                                .order_by(Queue.c.name)))
