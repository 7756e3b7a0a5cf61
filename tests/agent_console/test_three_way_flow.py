"""The three-way call through the real console against the simulated Asterisk: the agent
adds a Burmese interpreter, the bridge sees three on the line, the agent drops the
interpreter and keeps the caller; the call's record keeps the language and the times."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.calls.guest_models import CallGuest
from callcenter.calls.models import Call, CallOutcome
from callcenter.db import utcnow
from tests.agent_console.console_support import signed_in
from tests.ami.conftest import NODE
from tests.calls.builders import an_interpreter
from tests.conftest import REDIS_URL
from tests.support.simulated_floor import SimulatedFloor, eventually


def talking_call(redis_client) -> dict | None:
    for body in redis_client.hvals(f"live.{NODE}.calls"):
        call = json.loads(body)
        if call.get("state") == "talking":
            return call
    return None


def guests_fragment(client, call_id: int) -> str:
    response = client.get(f"/calls/{call_id}/three-way", params={"part": "guests"})
    assert response.status_code == 200, response.text
    return response.text


def on_the_line(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))


@pytest.fixture
def floor():
    with SimulatedFloor(REDIS_URL) as running:
        yield running


def test_an_agent_adds_a_burmese_interpreter_and_drops_them_keeping_the_caller(
        client, seeded_session, redis_client, floor):
    interpreter = an_interpreter(seeded_session, language="my", name="ล่ามพม่า ทดสอบ")
    an_interpreter(seeded_session, language="km", name="ล่ามเขมร")
    floor.call()
    live = eventually(lambda: talking_call(redis_client))
    agent1 = seeded_session.scalar(select(User).where(User.login == "agent1"))
    call = Call(node=NODE, uniqueid=live["uniqueid"], started_at=utcnow(),
                answered_at=utcnow(), queue_name="violence", agent_interface="PJSIP/agent1",
                agent_user_id=agent1.id, outcome=CallOutcome.IN_PROGRESS,
                channel=live.get("channel"))
    seeded_session.add(call)
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent1")}

    offered = client.get(f"/calls/{call.id}/interpreters", params={"language": "my"})
    assert offered.status_code == 200
    assert "ล่ามพม่า ทดสอบ" in offered.text and "ล่ามเขมร" not in offered.text

    added = client.post(f"/calls/{call.id}/interpreter",
                        data={"interpreter_id": str(interpreter.id)}, headers=h)
    assert added.status_code == 200, added.text
    html = eventually(lambda: (h := guests_fragment(client, call.id)) and on_the_line(h) == 3
                      and 'data-state="in"' in h and h)
    assert "เมียนมา" in html

    guest = seeded_session.scalar(select(CallGuest).where(CallGuest.call_id == call.id))
    dropped = client.post(f"/calls/{call.id}/guests/{guest.id}/drop", headers=h)
    assert dropped.status_code == 200, dropped.text
    eventually(lambda: on_the_line(guests_fragment(client, call.id)) == 2)

    seeded_session.refresh(guest)
    assert guest.language == "my" and guest.channel
    assert guest.joined_at is not None and guest.left_at >= guest.joined_at
    # The caller is still with the agent.
    participants = talking_call(redis_client)["participants"]
    assert sorted(p["role"] for p in participants if not p["left_at"]) == ["agent", "caller"]


def test_adding_a_guest_to_a_call_that_is_over_says_so(client, seeded_session, floor):
    agent1 = seeded_session.scalar(select(User).where(User.login == "agent1"))
    call = Call(node=NODE, uniqueid="1700000000.9", started_at=utcnow(), ended_at=utcnow(),
                answered_at=utcnow(), queue_name="violence", agent_user_id=agent1.id,
                outcome=CallOutcome.ANSWERED)
    seeded_session.add(call)
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    refused = client.post(f"/calls/{call.id}/service", data={"service": "police"}, headers=h)
    assert refused.status_code == 409
    assert seeded_session.scalar(select(CallGuest).where(CallGuest.call_id == call.id)) is None


def test_the_agent_hands_the_caller_to_the_police_and_leaves_them_together(
        client, seeded_session, redis_client, floor):
    floor.call()
    live = eventually(lambda: talking_call(redis_client))
    agent1 = seeded_session.scalar(select(User).where(User.login == "agent1"))
    call = Call(node=NODE, uniqueid=live["uniqueid"], started_at=utcnow(),
                answered_at=utcnow(), queue_name="violence", agent_interface="PJSIP/agent1",
                agent_user_id=agent1.id, outcome=CallOutcome.IN_PROGRESS,
                channel=live.get("channel"))
    seeded_session.add(call)
    seeded_session.flush()
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    too_soon = client.post(f"/calls/{call.id}/leave", headers=h)
    assert too_soon.status_code == 409  # no service on the line yet: the agent stays
    added = client.post(f"/calls/{call.id}/service", data={"service": "police"}, headers=h)
    assert added.status_code == 200, added.text
    eventually(lambda: 'data-state="in"' in guests_fragment(client, call.id))
    left = client.post(f"/calls/{call.id}/leave", headers=h)
    assert left.status_code == 200, left.text
    eventually(lambda: sorted(p["role"] for p in talking_call(redis_client)["participants"]
                              if not p["left_at"]) == ["caller", "guest"])
    guest = seeded_session.scalar(select(CallGuest).where(CallGuest.call_id == call.id))
    assert (guest.service, guest.number) == ("police", "191")
    assert guest.agent_left_at is not None and guest.left_at is None
