"""The wallboard shows an agent's caller on hold (the bridge's call, from Asterisk's
Hold/Unhold) and an agent who muted the browser phone (reported by the agent's own page),
only while that call lasts."""

import re

from tests.agent_console.conftest import csrf_from
from tests.agent_console.wallboard.conftest import agent_payload

from .conftest import put_live, sign_in
from .test_pages import AGENT, AGENT_LEG, live_floor


def agent_cell(html: str, interface: str = AGENT) -> str:
    match = re.search(rf'<tr data-agent="{re.escape(interface)}".*?</tr>', html, re.S)
    assert match, f"no row for {interface}"
    return match.group(0)


def board(client) -> str:
    return client.get("/wallboard/board?view=desktop&lang=en",
                      headers={"HX-Request": "true"}).text


def test_a_caller_on_hold_shows_on_the_agents_row(client, redis_client):
    live_floor(redis_client)
    put_live(redis_client, "call", "8.1", {"uniqueid": "8.1", "state": "talking",
                                           "queue_name": "violence", "on_hold": True,
                                           "agent_interface": AGENT})
    sign_in(client, "supervisor")
    row = agent_cell(board(client))
    assert 'data-flag="on_hold"' in row and "on hold" in row
    assert 'data-flag="muted"' not in row


def test_a_mute_reported_by_the_agent_shows_until_the_call_ends(client, redis_client):
    live_floor(redis_client)  # agent1 in call 8.1
    sign_in(client, "agent1")
    token = {"X-CSRF-Token": csrf_from(client.get("/home").text)}
    reported = client.post("/agent/softphone/mute", data={"muted": "true"}, headers=token)
    assert reported.status_code == 200 and reported.json() == {"recorded": True}
    sign_in(client, "supervisor")
    assert 'data-flag="muted"' in agent_cell(board(client))

    # The call ends (the page may be gone): the mute is not shown on the next call.
    put_live(redis_client, "agent", AGENT, agent_payload(
        AGENT, "Somying", "in_call", {"violence": False}, current_call="8.2",
        channel=AGENT_LEG))
    assert 'data-flag="muted"' not in agent_cell(board(client))


def test_an_unmute_clears_it_at_once(client, redis_client):
    live_floor(redis_client)
    sign_in(client, "agent1")
    token = {"X-CSRF-Token": csrf_from(client.get("/home").text)}
    client.post("/agent/softphone/mute", data={"muted": "true"}, headers=token)
    client.post("/agent/softphone/mute", data={"muted": "false"}, headers=token)
    sign_in(client, "supervisor")
    assert 'data-flag="muted"' not in agent_cell(board(client))


def test_an_agent_not_in_a_call_has_nothing_to_mute(client, redis_client):
    sign_in(client, "agent1")
    token = {"X-CSRF-Token": csrf_from(client.get("/home").text)}
    reported = client.post("/agent/softphone/mute", data={"muted": "true"}, headers=token)
    assert reported.status_code == 200 and reported.json() == {"recorded": False}
    assert not redis_client.exists("media.muted")


def test_a_mute_without_the_pages_token_is_refused(client, redis_client):
    live_floor(redis_client)
    sign_in(client, "agent1")
    assert client.post("/agent/softphone/mute", data={"muted": "true"}).status_code == 403
