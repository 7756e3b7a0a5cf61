"""The SIMULATED Asterisk's phones: the PJSIP endpoints a real one would find.

A real Asterisk of the hotline reads staff phones from the database through Realtime
(asterisk_conf/sorcery.conf), row by row when it needs one: a phone the console creates
is there at once, one it removes is gone. The simulator asks the same tables the same
way (``DatabasePhones``), through callcenter.phones' service, so it never disagrees with
the console about who has a phone. Without a database (the recordings' Local members,
most tests) every endpoint counts as known (``AnyPhone``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from callcenter.db import session_scope
from callcenter.phones import service as phones


@dataclass(frozen=True)
class Endpoint:
    name: str
    transport: str


class PhoneBook(Protocol):
    def known(self, endpoint: str) -> bool: ...

    def endpoints(self) -> list[Endpoint]: ...


class AnyPhone:
    """Every PJSIP endpoint exists (no database to ask)."""

    def known(self, endpoint: str) -> bool:
        return True

    def endpoints(self) -> list[Endpoint]:
        return []


class DatabasePhones:
    """The realtime tables, read on each question as Asterisk's Realtime does."""

    def __init__(self, factory: sessionmaker[Session] | None = None) -> None:
        self.factory = factory

    def known(self, endpoint: str) -> bool:
        with session_scope(self.factory) as session:
            return phones.exists(session, endpoint)

    def endpoints(self) -> list[Endpoint]:
        with session_scope(self.factory) as session:
            return [Endpoint(p.endpoint, p.transport or "") for p in phones.list_phones(session)]
