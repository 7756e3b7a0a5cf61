"""Wallboard, dispatch board, supervisor actions and metrics over the real app and Redis."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis as redis_lib
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.calls.models import CallOutcome
from callcenter.dispatch.models import DispatchStatus
from callcenter.taxonomy import Urgency
from callcenter.thaidate import BANGKOK
from tests.support.audit_trail import audited
from tests.support.builders import add_aged_dispatch, add_queue_call, user_by_login

from .conftest import (
    NODE,
    FakeBridge,
    agent_payload,
    csrf_from,
    link,
    put_live,
    sign_in,
)

AGENT = "Local/agent1@agents/n"
AGENT_LEG = "Local/agent1@agents-00000008;1"  # agent1's own leg of call 8.1


def live_floor(redis):
    link(redis)
    joined = (datetime.now(UTC) - timedelta(seconds=75)).isoformat()
    put_live(redis, "queue", "violence", {
        "name": "violence", "waiting": [{"uniqueid": "9.1", "position": 1, "joined_at": joined,
                                         "caller_number": "0800000000", "priority": 5}]})
    put_live(redis, "call", "9.1", {"uniqueid": "9.1", "state": "queued", "ivr_choice": "1",
                                    "channel": "Local/1300@from-pstn-00000009;2",
                                    "queue_name": "violence", "issue_area": "family_violence",
                                    "ivr_language": "my"})
    put_live(redis, "agent", AGENT, agent_payload(AGENT, "Somying", "in_call",
                                                  {"violence": False}, current_call="8.1",
                                                  channel=AGENT_LEG))
    put_live(redis, "agent", "Local/agent2@agents/n", agent_payload(
        "Local/agent2@agents/n", "Somchai", "paused", {"violence": True},
        paused_reason="break", reason="break"))


def an_unavailable_phone(redis) -> None:
    put_live(redis, "agent", "PJSIP/agent3", agent_payload(
        "PJSIP/agent3", "Malee", "unavailable", {"violence": False}))


def row(html: str, queue: str) -> dict[str, str]:
    match = re.search(rf'<tr data-queue="{queue}".*?</tr>', html, re.S)
    assert match, f"no row for {queue}"
    cells = re.findall(r'<td data-k="(\w+)"[^>]*>(.*?)</td>', match.group(0), re.S)
    return {k: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", v)).strip() for k, v in cells}


def test_the_wallboard_shows_live_state_and_todays_numbers_on_page_load(
        supervisor_client, redis_client, seeded_session):
    live_floor(redis_client)
    an_unavailable_phone(redis_client)
    add_queue_call(seeded_session, "1.1", "violence", CallOutcome.ANSWERED, wait=4, talk=100)
    add_queue_call(seeded_session, "1.2", "violence", CallOutcome.ANSWERED, wait=40, talk=60)
    add_queue_call(seeded_session, "1.3", "violence", CallOutcome.ABANDONED, wait=30)
    add_queue_call(seeded_session, "1.4", "violence", CallOutcome.ABANDONED, wait=3)
    add_queue_call(seeded_session, "0.9", "violence", CallOutcome.ANSWERED, wait=1, talk=10,
             started=datetime.now(UTC) - timedelta(days=2))
    page = supervisor_client.get("/wallboard?lang=en")
    assert page.status_code == 200
    cells = row(page.text, "violence")
    assert cells["waiting"] == "1" and cells["longest_wait"].startswith("1:1")
    assert (cells["signed_in"], cells["talking"], cells["available"]) == ("3", "1", "0")
    assert cells["unavailable"] == "1"
    agent = re.search(r'<tr data-agent="PJSIP/agent3".*?</tr>', page.text, re.S).group(0)
    assert "Phone unavailable" in agent and "band-warn" in agent
    waiting = re.search(r'<tr data-call="9.1".*?</tr>', page.text, re.S).group(0)
    assert "Family violence (1) · Burmese" in waiting
    assert cells["paused"] == "1 (Break)"  # the reason by its label (pause_reasons)
    assert (cells["answered"], cells["abandoned"]) == ("2", "1")
    assert cells["service_level"] == "33.3 %"  # 1 within 20 s ÷ (2 answered + 1 abandoned)
    assert cells["average_wait"] == "0:22" and cells["average_handle"] == "1:30"
    assert "÷" in page.text and "A caller has waited" in page.text
    assert "0800000000" not in page.text, "no caller number on a wall screen"
    assert 'id="wallboard-setup"' in page.text and 'class="wallboard"' in page.text


def test_a_bridge_that_is_down_shows_since_when_instead_of_live_numbers(
        supervisor_client, redis_client):
    live_floor(redis_client)
    link(redis_client, "reconnecting", since=datetime(2026, 11, 23, 3, 4, tzinfo=UTC))
    page = supervisor_client.get("/wallboard?lang=en")
    assert "Live data unavailable since 23 Nov 2026 10:04" in page.text
    assert 'class="wallboard stale"' in page.text
    assert row(page.text, "violence")["waiting"] == "–"


def test_a_bridge_whose_link_key_expired_shows_its_last_heartbeat(
        supervisor_client, redis_client):
    live_floor(redis_client)
    beat = datetime.now(UTC) - timedelta(seconds=5)
    link(redis_client, heartbeat=beat, expire=0.5)
    assert 'class="wallboard"' in supervisor_client.get("/wallboard?lang=en").text
    time.sleep(0.6)  # the bridge was killed: nobody refreshes its key
    assert redis_client.get(f"bridge.{NODE}.link") is None
    page = supervisor_client.get("/wallboard?lang=en").text
    local = beat.astimezone(BANGKOK)
    since = f"{local.day} {local:%b} {local.year} {local:%H:%M}"
    assert f"Live data unavailable since {since}" in page
    assert 'class="wallboard stale"' in page
    assert row(page, "violence")["waiting"] == "–"


def test_a_node_that_stopped_refreshing_its_heartbeat_is_not_live(
        supervisor_client, redis_client):
    live_floor(redis_client)
    link(redis_client, heartbeat=datetime.now(UTC) - timedelta(minutes=2), expire=None)
    page = supervisor_client.get("/wallboard?lang=en").text
    assert "Live data unavailable since" in page and 'class="wallboard stale"' in page


def test_with_redis_away_the_page_shows_todays_numbers_and_nothing_live(seeded_session):
    from fastapi.testclient import TestClient
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from agent_console.app import create_app
    from callcenter.settings import load_settings
    from tests.agent_console.conftest import RequestSessions

    add_queue_call(seeded_session, "3.1", "violence", CallOutcome.ANSWERED, wait=4, talk=100)
    dead = redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                           retry=Retry(NoBackoff(), 0))
    app = create_app(load_settings(redis_url="redis://127.0.0.1:1/0"), redis_client=dead,
                     session_factory=RequestSessions(seeded_session))
    with TestClient(app) as client:
        assert sign_in(client, "supervisor").status_code == 303
        page = client.get("/wallboard?lang=en")
    assert page.status_code == 200
    assert 'class="wallboard stale"' in page.text and "Live data unavailable since" in page.text
    cells = row(page.text, "violence")
    assert cells["answered"] == "1" and cells["waiting"] == "–"


def test_no_bridge_at_all_is_not_shown_as_live(supervisor_client):
    page = supervisor_client.get("/wallboard?lang=en&view=big")
    assert "no bridge to the telephone system has reported" in page.text
    assert "wallboard big stale" in page.text


def test_todays_totals_are_served_for_a_reconnecting_page(supervisor_client, seeded_session):
    add_queue_call(seeded_session, "2.1", "trafficking", CallOutcome.ANSWERED, wait=2, talk=30)
    today = supervisor_client.get("/wallboard/today").json()
    assert today["queues"]["trafficking"]["answered"] == 1
    assert today["queues"]["trafficking"]["answered_within"] == 1


@pytest.mark.parametrize("login", ["agent1", "unit.th50"])
def test_agents_and_units_may_not_open_supervisor_pages(client, login):
    assert sign_in(client, login).status_code == 303
    for path in ("/wallboard", "/wallboard/today", "/wallboard/stream", "/dispatches",
                 "/dispatches/stream", "/reports", "/reports/calls_by_day.csv"):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("login", ["agent1", "unit.th50"])
def test_agents_and_units_may_not_act_as_supervisors(client, redis_client, fake_bridge, login):
    live_floor(redis_client)
    assert sign_in(client, login).status_code == 303
    token = csrf_from(client.get("/home").text)
    headers = {"X-CSRF-Token": token}
    answer = client.post("/supervisor/agents/listen", headers=headers,
                         data={"interface": AGENT, "node": NODE, "phone": "PJSIP/sup1"})
    assert answer.status_code == 403
    answer = client.post("/supervisor/calls/move", headers=headers,
                         data={"uniqueid": "9.1", "node": NODE, "queue": "urgent"})
    assert answer.status_code == 403
    assert fake_bridge.received == []


def supervisor_token(client) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/home").text)}


def test_listen_in_rings_the_supervisors_phone_onto_the_agents_exact_channel(
        supervisor_client, redis_client, fake_bridge, seeded_session):
    live_floor(redis_client)
    user_by_login(seeded_session, "supervisor").phone_interface = "PJSIP/sup1"
    seeded_session.flush()
    answer = supervisor_client.post("/supervisor/agents/listen?lang=en",
                                    headers=supervisor_token(supervisor_client),
                                    data={"interface": AGENT, "node": NODE})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] and "listen" in answer.json()["message"]
    [command] = fake_bridge.received
    assert command["command"] == "listen"
    # The agent's own leg of the call, not the phone's prefix `PJSIP/agent1-` (which
    # ChanSpy would match against agent10's channels too); the bridge records the run
    # as this supervisor's.
    assert command["args"] == {"supervisor_channel": "PJSIP/sup1",
                               "target_channel": AGENT_LEG,
                               "supervisor_user_id": user_by_login(seeded_session, "supervisor").id}
    audited(seeded_session, "agent.listen", actor_id=user_by_login(seeded_session, "supervisor").id,
            entity_type="agent", entity_id=AGENT)


def test_whisper_needs_a_phone_and_an_agent_in_a_call_and_refusals_are_audited(
        supervisor_client, redis_client, fake_bridge, seeded_session):
    live_floor(redis_client)
    # The seeded supervisor has a desk phone (PJSIP/supervisor): this one has none.
    user_by_login(seeded_session, "supervisor").phone_interface = None
    seeded_session.flush()
    headers = supervisor_token(supervisor_client)
    answer = supervisor_client.post("/supervisor/agents/whisper?lang=en", headers=headers,
                                    data={"interface": AGENT, "node": NODE})
    assert answer.status_code == 400 and "no phone" in answer.json()["message"]
    answer = supervisor_client.post("/supervisor/agents/barge", headers=headers, data={
        "interface": "Local/agent2@agents/n", "node": NODE, "phone": "PJSIP/sup1"})
    assert answer.status_code == 409
    answer = supervisor_client.post("/supervisor/calls/move?lang=en", headers=headers, data={
        "uniqueid": "9.1", "node": NODE, "queue": "nowhere"})
    assert answer.status_code == 400 and "no such queue" in answer.json()["message"]
    assert fake_bridge.received == []
    failed = seeded_session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("%.failed")).order_by(AuditEvent.id)).all()
    assert failed == ["agent.whisper.failed", "agent.barge.failed", "call.move.failed"]
    supervisor = user_by_login(seeded_session, "supervisor").id
    for action, kind, target in (("agent.whisper.failed", "agent", AGENT),
                                 ("agent.barge.failed", "agent", "Local/agent2@agents/n"),
                                 ("call.move.failed", "call", "9.1")):
        audited(seeded_session, action, actor_id=supervisor, entity_type=kind, entity_id=target)


@pytest.mark.parametrize(("said", "action", "status", "thai", "english"), [
    ("Interface not found", "pause", 409, "ไม่ได้อยู่ในคิวใด", "not signed in to any queue"),
    ("Member not dynamic", "sign_out", 409, "ผู้ดูแลระบบ", "only the administrator"),
    ("the link to Asterisk is down", "unpause", 503, "การเชื่อมต่อ", "link"),
    ("Out of memory", "pause", 502, "ระบบโทรศัพท์ปฏิเสธ", "refused"),
])
def test_a_pbx_refusal_tells_the_supervisor_what_failed_in_their_language(
        supervisor_client, redis_client, said, action, status, thai, english):
    live_floor(redis_client)
    headers = supervisor_token(supervisor_client)
    form = {"interface": AGENT, "node": NODE, "reason": "training"}
    with FakeBridge(redis_client, status="error", message=said):
        answer = supervisor_client.post(f"/supervisor/agents/{action}", headers=headers,
                                        data=form)
        assert answer.status_code == status and thai in answer.json()["message"]
        answer = supervisor_client.post(f"/supervisor/agents/{action}?lang=en",
                                        headers=headers, data=form)
    assert answer.status_code == status and english in answer.json()["message"]
    assert said not in answer.json()["message"]  # explained, not repeated


def test_pause_sign_out_and_move_send_their_commands_and_are_audited(
        supervisor_client, redis_client, fake_bridge, seeded_session):
    live_floor(redis_client)
    headers = supervisor_token(supervisor_client)
    assert supervisor_client.post("/supervisor/agents/pause", headers=headers, data={
        "interface": AGENT, "node": NODE, "reason": "training"}).status_code == 200
    assert supervisor_client.post("/supervisor/agents/sign_out", headers=headers, data={
        "interface": AGENT, "node": NODE}).status_code == 200
    assert supervisor_client.post("/supervisor/calls/move", headers=headers, data={
        "uniqueid": "9.1", "node": NODE, "queue": "urgent"}).status_code == 200
    sent = [(c["command"], c["args"]) for c in fake_bridge.received]
    assert sent == [
        ("pause", {"interface": AGENT, "reason": "training"}),
        ("queue_logout", {"queue": "violence", "interface": AGENT}),
        ("redirect", {"channel": "Local/1300@from-pstn-00000009;2",
                      "context": "hotline-queue", "exten": "urgent"}),
    ]
    supervisor = user_by_login(seeded_session, "supervisor").id
    for action, kind, target in (("agent.pause", "agent", AGENT),
                                 ("agent.sign_out", "agent", AGENT), ("call.move", "call", "9.1")):
        audited(seeded_session, action, actor_id=supervisor, entity_type=kind, entity_id=target)


def test_a_refused_command_is_reported_and_audited_as_failed(
        supervisor_client, redis_client, fake_bridge, seeded_session):
    live_floor(redis_client)
    fake_bridge.status = "error"
    answer = supervisor_client.post("/supervisor/agents/unpause",
                                    headers=supervisor_token(supervisor_client),
                                    data={"interface": AGENT, "node": NODE})
    assert answer.status_code == 502 and not answer.json()["ok"]
    audited(seeded_session, "agent.unpause.failed",
            actor_id=user_by_login(seeded_session, "supervisor").id, entity_type="agent",
            entity_id=AGENT)


def test_supervisor_actions_need_the_csrf_token(supervisor_client, redis_client, fake_bridge):
    live_floor(redis_client)
    answer = supervisor_client.post("/supervisor/agents/pause",
                                    data={"interface": AGENT, "node": NODE})
    assert answer.status_code == 403 and fake_bridge.received == []


def test_a_nul_in_a_supervisor_form_is_refused_before_it_reaches_the_database(
        supervisor_client, redis_client, fake_bridge):
    # PostgreSQL text cannot hold NUL: the audit row's insert failed as a 500.
    token = csrf_from(supervisor_client.get("/home").text)
    answer = supervisor_client.post("/supervisor/calls/move", data={
        "uniqueid": "9\x001", "node": NODE, "queue": "urgent", "csrf_token": token})
    assert answer.status_code == 400 and fake_bridge.received == []


def test_the_dispatch_board_groups_open_dispatches_and_highlights_overdue_ones(
        supervisor_client, seeded_session):
    overdue = add_aged_dispatch(seeded_session, province="TH-50", status=DispatchStatus.ALERTED,
                           age=timedelta(minutes=45), urgency=Urgency.HIGH, seq=1)
    fresh = add_aged_dispatch(seeded_session, province="TH-50", status=DispatchStatus.ALERTED,
                         age=timedelta(minutes=2), urgency=Urgency.HIGH, seq=2)
    moving = add_aged_dispatch(seeded_session, province="TH-10", status=DispatchStatus.EN_ROUTE,
                          age=timedelta(hours=3), seq=3)
    done = add_aged_dispatch(seeded_session, province="TH-10", status=DispatchStatus.COMPLETED,
                        age=timedelta(hours=5), seq=4)
    page = supervisor_client.get("/dispatches?lang=en").text
    assert f'data-dispatch="{overdue.id}" class="overdue"' in page
    assert f'data-dispatch="{fresh.id}" class=""' in page
    assert f'data-dispatch="{moving.id}"' in page and f'data-dispatch="{done.id}"' not in page
    assert "3 open dispatches" in page and "1 overdue" in page
    assert page.index("TH-10") < page.index("TH-50")
    only = supervisor_client.get("/dispatches?province=TH-10&lang=en",
                                 headers={"HX-Request": "true"}).text
    assert f'data-dispatch="{moving.id}"' in only and f'data-dispatch="{overdue.id}"' not in only
    assert "<html" not in only, "htmx gets the board block only"


def test_the_supervisor_pauses_with_a_reason_from_the_list_and_sees_every_reason_named(
        supervisor_client, redis_client):
    link(redis_client)
    put_live(redis_client, "agent", "PJSIP/agent2", agent_payload(
        "PJSIP/agent2", "agent2", "paused", {"violence": True},
        paused_reason="supervisor", reason="supervisor"))
    page = supervisor_client.get("/wallboard").text
    picker = re.search(r'<select id="wb-pause-reason".*?</select>', page, re.S).group(0)
    # The admins' pause reasons by their Thai names; never a code typed by hand.
    assert '<option value="meeting">ประชุม</option>' in picker
    assert 'value="supervisor"' not in picker and 'value="wrap_up"' not in picker
    agent = re.search(r'<tr data-agent="PJSIP/agent2".*?</tr>', page, re.S).group(0)
    assert "หัวหน้าเวรสั่งพัก" in agent and "(supervisor)" not in agent
