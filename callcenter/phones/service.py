"""Staff phones: create, list, change, new password, remove; every change audited.

A phone is three rows Asterisk reads through Realtime (endpoint, auth and AOR, all named
after the endpoint) and the owner's ``users.phone_interface`` (``PJSIP/<endpoint>``,
what the console signs into the queues). The password is generated here, returned once
to be shown once, and stored only as md5_cred (md5 of "username:realm:password").
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import Role, User
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit
from callcenter.phones import policy
from callcenter.phones.models import PsAor, PsAuth, PsEndpoint
from callcenter.phones.policy import PhoneKind

PREFIX = "PJSIP/"
# Letters and digits only: typed on a desk phone's keypad as often as pasted. 24 of 62
# symbols is about 142 bits.
PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 24
ENTITY = "phone"


@dataclass(frozen=True)
class Phone:
    """A phone as pages and the API show it (never a credential)."""

    endpoint: str
    kind: PhoneKind
    transport: str | None
    context: str | None
    version: int
    user_id: int | None
    login: str | None
    display_name: str | None
    role: Role | None

    @property
    def interface(self) -> str:
        return PREFIX + self.endpoint


@dataclass(frozen=True)
class Provisioned:
    """A phone and the password it was just given: shown once, stored nowhere."""

    phone: Phone
    password: str


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def endpoint_of(interface: str | None) -> str | None:
    if interface and interface.startswith(PREFIX):
        return interface.removeprefix(PREFIX)
    return None


def _owners(session: Session, endpoints: list[str]) -> dict[str, User]:
    if not endpoints:
        return {}
    rows = session.scalars(select(User).where(
        User.phone_interface.in_([PREFIX + e for e in endpoints])))
    return {endpoint_of(user.phone_interface): user for user in rows}


def _phone(row: PsEndpoint, owner: User | None) -> Phone:
    return Phone(endpoint=row.id, kind=policy.kind_of(row.webrtc), transport=row.transport,
                 context=row.context, version=row.version,
                 user_id=owner.id if owner else None,
                 login=owner.login if owner else None,
                 display_name=owner.display_name if owner else None,
                 role=owner.role if owner else None)


def list_phones(session: Session) -> list[Phone]:
    """Every realtime endpoint with the person who answers on it, by endpoint name."""
    rows = list(session.scalars(select(PsEndpoint).order_by(PsEndpoint.id)))
    owners = _owners(session, [row.id for row in rows])
    return [_phone(row, owners.get(row.id)) for row in rows]


def endpoint_names(session: Session) -> set[str]:
    """The endpoints Asterisk finds in the realtime tables (the simulated PBX asks too)."""
    return set(session.scalars(select(PsEndpoint.id)))


def exists(session: Session, endpoint: str) -> bool:
    return session.get(PsEndpoint, endpoint) is not None


def get(session: Session, endpoint: str) -> Phone:
    row = session.get(PsEndpoint, endpoint)
    if row is None:
        raise NotFound(f"no phone {endpoint}")
    return _phone(row, _owners(session, [endpoint]).get(endpoint))


def phone_of_user(session: Session, user_id: int) -> Phone | None:
    user = session.get(User, user_id)
    endpoint = endpoint_of(user.phone_interface) if user else None
    row = session.get(PsEndpoint, endpoint) if endpoint else None
    return _phone(row, user) if row is not None else None


def _facts(phone: Phone) -> dict[str, object]:
    """What the audit trail keeps of a phone (its password only as "changed")."""
    return {"endpoint": phone.endpoint, "user_id": phone.user_id, "kind": phone.kind.value,
            "transport": phone.transport, "context": phone.context}


def _write_rows(session: Session, endpoint: str, role: Role, kind: PhoneKind,
                password: str) -> None:
    options = policy.endpoint_options(role, kind)
    session.add(PsEndpoint(id=endpoint, aors=endpoint, auth=endpoint, **options))
    session.add(PsAuth(id=endpoint, auth_type="md5", username=endpoint, realm=policy.REALM,
                       md5_cred=policy.md5_cred(endpoint, policy.REALM, password)))
    session.add(PsAor(id=endpoint, **policy.AOR_OPTIONS))


def provision(session: Session, user: User, *, kind: PhoneKind,
              endpoint: str | None = None) -> Provisioned:
    """Give ``user`` a phone (rows and phone_interface), unaudited: the caller audits,
    or it is the seed's own reference data."""
    if user.role not in policy.ROLES_WITH_PHONES:
        raise InvalidInput("only agents and supervisors have phones", field="user_id")
    if not user.active:
        raise InvalidInput("this account is disabled", field="user_id")
    current = endpoint_of(user.phone_interface)
    if current is not None and exists(session, current):
        raise Conflict(f"this person already has the phone {current}", field="user_id")
    name = endpoint or policy.default_endpoint(user.login, user.role, user.id)
    problem = policy.endpoint_problem(name, user.role)
    if problem is not None:
        raise InvalidInput(problem, field="endpoint")
    taken = session.scalar(select(User.id).where(
        User.phone_interface == PREFIX + name, User.id != user.id))
    if taken is not None or exists(session, name) or session.get(PsAuth, name) is not None \
            or session.get(PsAor, name) is not None:
        raise Conflict(f"the endpoint {name} is taken", field="endpoint")
    password = new_password()
    _write_rows(session, name, user.role, kind, password)
    user.phone_interface = PREFIX + name
    session.flush()
    return Provisioned(get(session, name), password)


def create(session: Session, *, user_id: int, kind: PhoneKind, endpoint: str | None,
           actor_id: int, source_ip: str | None) -> Provisioned:
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput("no such person", field="user_id")
    before_interface = user.phone_interface
    done = provision(session, user, kind=kind, endpoint=endpoint)
    user.version += 1  # the person's record changed too: a form drawn before is stale
    changes = audit.changes_between({"password": None, "phone_interface": before_interface},
                                    {**_facts(done.phone), "password": "set",
                                     "phone_interface": done.phone.interface},
                                    redact={"password"})
    audit.record(session, actor_id=actor_id, action="phone.create", entity_type=ENTITY,
                 entity_id=done.phone.endpoint, source_ip=source_ip, changes=changes)
    return done


def _locked(session: Session, endpoint: str, version: int | None) -> PsEndpoint:
    row = session.get(PsEndpoint, endpoint, with_for_update=True)
    if row is None:
        raise NotFound(f"no phone {endpoint}")
    if version is not None and row.version != version:
        # Only the kind can be edited; a new password since moves the version too.
        raise StaleEdit(changed={"kind": policy.kind_of(row.webrtc).value})
    return row


def regenerate_password(session: Session, *, endpoint: str, version: int | None,
                        actor_id: int, source_ip: str | None) -> Provisioned:
    """A new password for the phone (the old one stops working at its next challenge)."""
    row = _locked(session, endpoint, version)
    auth = session.get(PsAuth, endpoint)
    password = new_password()
    cred = policy.md5_cred(endpoint, policy.REALM, password)
    if auth is None:  # a phone whose auth row went missing gets one back
        session.add(PsAuth(id=endpoint, auth_type="md5", username=endpoint,
                           realm=policy.REALM, md5_cred=cred))
    else:
        auth.auth_type, auth.username, auth.realm = "md5", endpoint, policy.REALM
        auth.md5_cred, auth.password = cred, None
    row.auth = endpoint
    row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="phone.password", entity_type=ENTITY,
                 entity_id=endpoint, source_ip=source_ip,
                 changes=audit.changes_between({"password": "old"}, {"password": "new"},
                                               redact={"password"}))
    return Provisioned(get(session, endpoint), password)


def change_kind(session: Session, *, endpoint: str, kind: PhoneKind, version: int | None,
                actor_id: int, source_ip: str | None) -> Phone:
    """A desk phone becomes the browser's softphone or the reverse (same password)."""
    row = _locked(session, endpoint, version)
    before = get(session, endpoint)
    role = before.role if before.role in policy.ROLES_WITH_PHONES else Role.AGENT
    options = policy.endpoint_options(role, kind)
    if before.role not in policy.ROLES_WITH_PHONES:
        options["context"] = row.context  # an unowned phone keeps what it had
    for column, value in options.items():
        setattr(row, column, value)
    if before.kind is not kind:
        row.version += 1
    session.flush()
    after = get(session, endpoint)
    changes = audit.changes_between(_facts(before), _facts(after))
    if changes:
        audit.record(session, actor_id=actor_id, action="phone.update", entity_type=ENTITY,
                     entity_id=endpoint, source_ip=source_ip, changes=changes)
    return after


def remove(session: Session, *, endpoint: str, version: int | None, actor_id: int,
           source_ip: str | None) -> None:
    """The phone is gone from Asterisk at its next lookup; its owner has no phone."""
    _locked(session, endpoint, version)
    before = get(session, endpoint)
    owner = session.get(User, before.user_id) if before.user_id else None
    if owner is not None:
        owner.phone_interface = None
        owner.version += 1
    for model in (PsEndpoint, PsAuth, PsAor):
        session.execute(delete(model).where(model.id == endpoint))
    session.flush()
    audit.record(session, actor_id=actor_id, action="phone.delete", entity_type=ENTITY,
                 entity_id=endpoint, source_ip=source_ip,
                 changes=audit.changes_between(_facts(before), {}))


def people_without_phone(session: Session) -> list[User]:
    """Active agents and supervisors who have no realtime phone (the create form's list)."""
    users = list(session.scalars(select(User).where(
        User.role.in_(list(policy.ROLES_WITH_PHONES)), User.active.is_(True)).order_by(
        User.display_name)))
    have = endpoint_names(session)
    return [u for u in users if endpoint_of(u.phone_interface) not in have]
