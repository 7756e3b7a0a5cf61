"""Database engine, sessions and the declarative base.

Services take a ``Session`` and never commit; the request or job boundary does, through
``session_scope`` (or the console's request session), and then runs the after-commit
hooks the work registered (``callcenter.after_commit``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import ClassVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from callcenter import after_commit, db_liveness
from callcenter.settings import Settings, get_settings

# Stable constraint names, so that Alembic's batch mode on SQLite can find them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both PostgreSQL and SQLite.

    SQLite stores no zone, so values come back naive; this puts UTC back on them and
    refuses naive values on the way in, where a local time would be silently wrong.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked on every connection; WAL lets the
    # demo's processes read while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    # hide_parameters: a database error's text would otherwise quote the bound values
    # (names, phone numbers, case summaries), and error messages reach tracebacks in logs.
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Once PostgreSQL is back from a restart, no request meets a dead connection: one the
    # server ended is replaced on checkout (db_liveness.py, with no round trip of its own).
    engine = create_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)
    db_liveness.check_on_checkout(engine)
    return engine


def engine_for(settings: Settings) -> Engine:
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.effective_database_url)


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    return engine_for(get_settings())


@lru_cache(maxsize=1)
def default_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(default_engine(), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, then run its after-commit hooks;
    roll back (dropping the hooks) if it raises."""
    session = (factory or default_sessionmaker())()
    try:
        yield session
        session.commit()
        after_commit.run(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        after_commit.discard(session)
        session.close()
