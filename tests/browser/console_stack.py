"""Fixtures: a real console (uvicorn in a thread) on a throwaway database, and chromium.

Supervisors and admins enrol a TOTP second factor on their first sign-in: after the
password, call ``complete_in_page(page, login)`` (or ``await complete_in_page_async``),
which reads the secret from the enrolment page and types a code.

Debian's chromium is driven by Playwright without `playwright install`; the tests skip
when either is missing, with the reason.

Nothing goes wrong quietly: ``serve_console`` fails at its end if the console logged an
error, and the ``page_errors`` fixture (``page_errors.watch_context(context)``) fails the
test if a page raised a script error or wrote an error on the browser's console.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from callcenter import migrate
from callcenter.db import make_engine
from callcenter.settings import load_settings
from tests.agent_console.second_factor import (  # noqa: F401 (for the browser tests)
    complete_in_page,
    complete_in_page_async,
)
from tests.browser.watch import PageErrors, ServerLog
from tests.conftest import create_database, drop_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def console_db() -> Iterator[str]:
    from sqlalchemy.orm import Session

    from callcenter.seed import seed_all

    url = create_database("callcenter_browser")
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_all(session, demo_users=True)
        session.commit()
    engine.dispose()
    try:
        yield url
    finally:
        drop_database(url)


@contextmanager
def serve_console(database_url: str, redis_url: str) -> Iterator[str]:
    """The console app in uvicorn on a thread of this process; yields its base URL."""
    from sqlalchemy.orm import sessionmaker

    from agent_console.__main__ import server_config
    from agent_console.app import create_app
    from agent_console.stopping import ConsoleServer

    settings = load_settings(database_url=database_url, redis_url=redis_url)
    engine = make_engine(database_url)
    app = create_app(settings, session_factory=sessionmaker(engine, expire_on_commit=False))
    port = _free_port()
    # Production's server settings (its shutdown grace among them), quieter.
    config = server_config(app, settings.model_copy(update={"log_level": "WARNING"}),
                           "127.0.0.1", port)
    config.lifespan = "on"
    server = ConsoleServer(config, app)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        with ServerLog().attached() as server_log:
            yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()
    server_log.assert_none()


@pytest.fixture(scope="module")
def live_redis(tmp_path_factory) -> Iterator[str]:
    """A Redis server of the module's own: pub/sub ignores database numbers, so on the
    shared server another suite's bridge events would reach the page."""
    from tests.dispatch.redis_server import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def live_console(console_db, live_redis) -> Iterator[str]:
    with serve_console(console_db, live_redis) as base:
        yield base


@pytest.fixture(scope="module")
def console_browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> Iterator[PageErrors]:
    """Watch pages with it; the test fails at its end on any page or console error."""
    watched = PageErrors()
    yield watched
    watched.assert_none()
