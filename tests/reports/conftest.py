from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from tests.support.builders import reference_data


@pytest.fixture
def agent(db_session: Session) -> User:
    """Reference data in the rolled-back session, and the agent who owns the cases."""
    return reference_data(db_session)
