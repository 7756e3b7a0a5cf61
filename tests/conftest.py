"""Real parts for the tests: a throwaway PostgreSQL database and a Redis db number.

The database is created for this run, built by running the migrations (so every run
checks them) and dropped at the end. Each test gets one transaction that is rolled
back. Redis tests use their own database number and flush only that one.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator

import psutil
import pytest
import redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from callcenter import migrate
from callcenter.db import make_engine

PG_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CALLCENTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TEST_SECRET = "test-secret-key-" + "x" * 32


# The console logs every error it did not expect here (agent_console.errors and the
# ContainErrors middleware): a request answered 500 because of a bug.
UNHANDLED_ERROR_LOGGER = "agent_console.errors"


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_unhandled_console_error(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail any test during which the console logged an unhandled error.

    A 500 can hide behind a test that only checks what it came for (a redirect, a
    fragment); the log line cannot. A test that causes an internal error on purpose
    says so with ``@pytest.mark.internal_error_expected``.
    """
    logger = logging.getLogger(UNHANDLED_ERROR_LOGGER)
    handler = _ErrorRecords()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("internal_error_expected") is None:
        # The messages name the exception type and the request path only (errors.py).
        lines = "\n".join(r.getMessage().splitlines()[0] for r in handler.records)
        pytest.fail(f"the console logged unhandled errors:\n{lines}", pytrace=False)


def _admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_database(prefix: str = "callcenter_test") -> str:
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _test_environment() -> Iterator[None]:
    """Never let a test read the developer's own configuration."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("CALLCENTER_")}
    for key in saved:
        if not key.startswith("CALLCENTER_TEST_"):
            del os.environ[key]
    os.environ["CALLCENTER_SECRET_KEY"] = TEST_SECRET
    yield
    os.environ.update(saved)


def drop_abandoned_databases() -> None:
    """Drop test databases left by runs that were killed (their pid is gone)."""
    admin = _admin_engine()
    with admin.connect() as conn:
        names = conn.execute(text(
            "SELECT datname FROM pg_database WHERE datname ~ '^callcenter_[a-z]+_[0-9]+_[0-9a-f]+$'"
        )).scalars().all()
        for name in names:
            pid = int(name.rsplit("_", 2)[1])
            if pid != os.getpid() and not psutil.pid_exists(pid):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    drop_abandoned_databases()
    url = create_database()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction that is rolled back after the test.

    Code under test may commit: with ``create_savepoint`` its commits end a savepoint,
    not the outer transaction.
    """
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint",
                          expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture
def committing_sessionmaker(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit (concurrency, workers); every table is emptied after."""
    yield sessionmaker(engine, expire_on_commit=False)
    empty_all_tables(engine)


def empty_all_tables(engine: Engine) -> None:
    from callcenter.models import Base

    # TRUNCATE fires no row triggers, so the append-only guards do not object.
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def seeded_session(db_session: Session) -> Session:
    from callcenter.seed import seed_all

    seed_all(db_session, demo_users=True)
    return db_session


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
