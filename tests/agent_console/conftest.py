"""A console app wired to the test database (rolled back) and the test Redis db."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agent_console.app import create_app
from callcenter.seed import DEMO_PASSWORD
from callcenter.settings import load_settings
from tests.agent_console import second_factor as second_factor_step
from tests.conftest import REDIS_URL


class RequestSessions:
    """A sessionmaker on the test's connection: each request gets its own real Session.

    As in production, the request's session is committed or rolled back and then closed
    when the request ends, so a page that reads an ORM row after that fails here too.
    ``create_savepoint``: a request's commit releases a savepoint, and the test's outer
    transaction is still rolled back at the end.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()

    def __call__(self) -> Session:
        return Session(bind=self.connection, join_transaction_mode="create_savepoint",
                       expire_on_commit=False)


@pytest.fixture
def make_app(seeded_session, redis_client):
    """Build a console app with settings of the test's own (production, trusted proxies)."""

    def make(**settings):
        return create_app(load_settings(redis_url=REDIS_URL, **settings),
                          redis_client=redis_client,
                          session_factory=RequestSessions(seeded_session))

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: TestClient, login: str, password: str = DEMO_PASSWORD, *,
            second_factor: bool = True, **extra):
    """Sign in; supervisors and admins also pass (or enrol) their second factor, unless
    ``second_factor=False``. Returns the answer to the password step."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": login, "password": password, "csrf_token": csrf_from(page.text),
              **extra},
        follow_redirects=False,
    )
    if second_factor and response.headers.get("location") == "/login/totp":
        passed = second_factor_step.complete(client, login)
        assert passed.status_code == 303, passed.text
    return response
