"""The console wired to the test database and Redis, and a Chiang Mai case sent to its unit."""

from __future__ import annotations

import pytest

from callcenter.dispatch import service as dispatches
from tests.agent_console.conftest import app, client, make_app  # noqa: F401
from tests.agent_console.console_support import INTAKE, signed_in

# What the agent wrote for the unit: the unit reads this, never the case's summary.
BRIEF = "หญิงถูกทำร้าย บาดเจ็บที่แขน รออยู่ที่บ้าน"


@pytest.fixture
def dispatched(client, seeded_session):  # noqa: F811
    """agent1's case in TH-50, dispatched to RRU-TH-50; nobody signed in afterwards."""
    headers = {"X-CSRF-Token": signed_in(client, "agent1")}
    intake = {**INTAKE, "persons": [
        {**INTAKE["persons"][0], "nickname": "มะลิ", "address": "12 ม.3 ต.ช้างเผือก"},
        INTAKE["persons"][1]]}
    case = client.post("/api/cases", json=intake, headers=headers).json()
    dispatch = dispatches.create(seeded_session, case_id=case["id"], actor_id=case["owner_id"],
                                 unit_brief=BRIEF)
    seeded_session.flush()
    client.post("/logout", headers=headers)
    client.cookies.clear()
    return {"case": case["id"], "number": case["number"], "dispatch": dispatch.id}
