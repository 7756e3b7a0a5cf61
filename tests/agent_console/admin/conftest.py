"""An admin signed in with their second factor, for the administration area's tests."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.agent_console.conftest import sign_in


@pytest.fixture
def admin_client(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        sign_in(client, "admin")
        yield client
