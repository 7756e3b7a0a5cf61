"""Call controls on the agent page and their JSON twins: hang up, blind and warm
transfers through the bridge's commands, what is enabled by the call's live state, and
the case going with the call (the receiver's screen-pop, the case's timeline)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.calls.handover_models import CallHandover
from callcenter.db import utcnow
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.test_agent_state import serve_bridge

UNIQUEID = "1700000000.1"
AGENT1_LEG = "PJSIP/agent1-00000001"
CALLER = "PJSIP/trunk-telco-00000000"


def on_the_phone(redis_client, *, agent2_free=True, on_hold=False):
    """What the bridge publishes while agent1 talks with the caller."""
    answered = (utcnow() - timedelta(seconds=75)).isoformat()
    redis_client.hset("live.pbx1.calls", UNIQUEID, json.dumps({
        "node": "pbx1", "uniqueid": UNIQUEID, "state": "talking", "channel": CALLER,
        "answered_at": answered, "on_hold": on_hold, "holds": 1 if on_hold else 0,
        "hold_seconds": None, "agent_interface": "PJSIP/agent1"}))
    redis_client.hset("live.pbx1.agents", "PJSIP/agent1", json.dumps({
        "node": "pbx1", "interface": "PJSIP/agent1", "name": "agent1", "status": "in_call",
        "current_call": UNIQUEID, "channel": AGENT1_LEG, "queues": {"violence": {}}}))
    if agent2_free:
        redis_client.hset("live.pbx1.agents", "PJSIP/agent2", json.dumps({
            "node": "pbx1", "interface": "PJSIP/agent2", "name": "agent2",
            "status": "available", "current_call": None, "queues": {"violence": {}}}))


@pytest.fixture
def bridge(redis_client):
    yield from serve_bridge({"status": "ok", "message": "", "data": {}})


@pytest.fixture
def no_atxfer_bridge(redis_client):
    """As Asterisk without features.conf answers Atxfer, in the bridge's words."""
    yield from serve_bridge({"status": "error", "message": (
        "warm transfer is not set up on the PBX (features.conf needs an atxfer code)"),
        "data": {}})


@pytest.fixture
def call(seeded_session):
    return add_call(seeded_session, uniqueid=UNIQUEID, agent_interface="PJSIP/agent1")


def test_without_a_call_on_the_phone_nothing_can_be_clicked_and_a_try_says_why(
        client, call):
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    controls = client.get(f"/api/calls/{call.id}/controls").json()
    assert controls["on_call"] is False
    assert set(controls["refusals"].values()) == {"not_on_call"}
    refused = client.post(f"/api/calls/{call.id}/transfers", headers=h,
                          json={"kind": "blind", "target": "queue:violence"})
    assert refused.status_code == 409 and refused.json()["error"] == "call_not_on_call"
    page = client.get(f"/agent/calls/{call.id}/controls").text
    assert 'id="cc-hangup" disabled' in page and "ขณะนี้คุณไม่ได้สนทนาในสายนี้" in page


def test_on_a_call_the_block_shows_talk_time_hold_and_only_what_works_now(
        client, redis_client, call):
    on_the_phone(redis_client, on_hold=True)
    signed_in(client, "agent1")
    page = client.get(f"/agent/calls/{call.id}/controls").text
    assert 'data-answered-at="' in page and 'data-on-hold="yes"' in page
    assert 'id="cc-hangup" disabled' not in page
    assert 'id="cc-complete" disabled' in page and 'id="cc-cancel" disabled' in page
    assert 'value="agent:' in page and 'value="queue:violence"' in page
    assert "Alt+W" in page


def test_hanging_up_ends_the_callers_channel_and_is_audited(
        client, redis_client, call, bridge, seeded_session):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    done = client.post(f"/api/calls/{call.id}/hangup", headers=h, json={})
    assert done.status_code == 200, done.text
    (sent,) = [r for r in bridge if r["command"] == "hangup"]
    assert sent["args"] == {"channel": CALLER}
    assert seeded_session.scalar(select(AuditEvent.action).where(
        AuditEvent.entity_type == "call", AuditEvent.entity_id == str(call.id))) == "call.hangup"


def test_blind_transfer_to_a_queue_hands_the_agents_leg_over_and_records_it(
        client, redis_client, call, bridge, seeded_session):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    done = client.post(f"/api/calls/{call.id}/transfers", headers=h, json={
        "kind": "blind", "target": "queue:trafficking", "reason": "เรื่องแรงงานเด็ก"})
    assert done.status_code == 200, done.text
    (sent,) = [r for r in bridge if r["command"] == "blind_transfer"]
    assert sent["args"] == {"channel": AGENT1_LEG, "queue": "trafficking"}
    row = seeded_session.scalars(select(CallHandover)).one()
    assert (row.kind.value, row.state.value, row.to_queue) == ("blind", "completed",
                                                              "trafficking")


def test_a_target_not_on_the_list_is_refused_before_the_pbx_is_asked(
        client, redis_client, call, bridge):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    for target in ("queue:nowhere", "agent:999999", "number:1234", "queue:violence"):
        kind = "warm" if target.startswith(("number", "queue:violence")) else "blind"
        refused = client.post(f"/api/calls/{call.id}/transfers", headers=h,
                              json={"kind": kind, "target": target})
        assert refused.status_code == 422, target
        assert refused.json()["error"] == "call_bad_target"
    assert not [r for r in bridge if r["command"].endswith("transfer")]


def test_warm_transfer_consults_then_completes_and_the_case_goes_with_the_call(
        client, redis_client, call, bridge, seeded_session):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    draft = client.post("/api/drafts", json={"call_id": call.id}, headers=h).json()
    agent2 = client.get(f"/api/calls/{call.id}/controls").json()["colleagues"]
    assert [t["label"] for t in agent2] and agent2[0]["value"].startswith("agent:")
    started = client.post(f"/api/calls/{call.id}/transfers", headers=h, json={
        "kind": "warm", "target": agent2[0]["value"], "reason": "ขอคำปรึกษา"})
    assert started.status_code == 200, started.text
    assert started.json()["consulting"] is True
    assert started.json()["refusals"]["hangup"] == "consulting"
    (sent,) = [r for r in bridge if r["command"] == "warm_transfer"]
    assert sent["args"]["channel"] == AGENT1_LEG and sent["args"]["colleague"] == "agent2"
    done = client.post(f"/api/calls/{call.id}/transfers/complete", headers=h, json={})
    assert done.status_code == 200 and done.json()["consulting"] is False
    assert [r["command"] for r in bridge][-1] == "complete_transfer"
    client.post("/logout", headers=h)
    client.cookies.clear()
    # agent2 is handed the call: the screen-pop's controls name agent1 and the draft.
    signed_in(client, "agent2")
    took = client.get(f"/api/calls/{call.id}/controls").json()
    assert took["handed_over"]["kind"] == "warm"
    assert took["handed_over"]["draft_key"] == draft["key"]
    assert client.get(f"/cases/drafts/{draft['key']}").status_code == 200
    page = client.get(f"/agent/calls/{call.id}/controls").text
    assert 'id="cc-draft"' in page


def test_a_cases_timeline_records_the_hand_over_from_whom_to_whom(
        client, redis_client, call, bridge, seeded_session):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()
    client.post(f"/api/calls/{call.id}/transfers", headers=h, json={
        "kind": "blind", "target": "queue:trafficking"})
    page = client.get(f"/cases/{case['id']}").text
    assert 'class="tl-handover"' in page and "โอนสายไปยัง" in page


def test_the_pbxs_refusal_is_said_in_thai_and_nothing_is_recorded(
        client, redis_client, call, no_atxfer_bridge, seeded_session):
    on_the_phone(redis_client)
    csrf = signed_in(client, "agent1")
    refused = client.post(f"/agent/calls/{call.id}/warm-transfer",
                          data={"csrf_token": csrf, "target": "number:1669"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 502 and 'class="toast error"' in refused.text
    assert "ยังไม่ได้ตั้งค่าการโอนแบบปรึกษา" in refused.text
    assert "features.conf" not in refused.text
    assert seeded_session.scalars(select(CallHandover)).all() == []
    assert seeded_session.scalar(select(AuditEvent.action).where(
        AuditEvent.action.like("call.%"))) == "call.warm_transfer.failed"


def test_after_a_blind_transfer_to_a_queue_whoever_answers_takes_the_draft_not_a_boss(
        client, redis_client, call, bridge, seeded_session):
    on_the_phone(redis_client)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    draft = client.post("/api/drafts", json={"call_id": call.id}, headers=h).json()
    client.post(f"/api/calls/{call.id}/transfers", headers=h,
                json={"kind": "blind", "target": "queue:violence"})
    client.post("/logout", headers=h)
    client.cookies.clear()
    signed_in(client, "supervisor")  # sees every call, answered none of them
    assert client.get(f"/api/calls/{call.id}/controls").json()["handed_over"] is None
    client.cookies.clear()
    # The queue rang agent2, who answered: the bridge says the call is on their phone.
    redis_client.hset("live.pbx1.agents", "PJSIP/agent2", json.dumps({
        "node": "pbx1", "interface": "PJSIP/agent2", "name": "agent2", "status": "in_call",
        "current_call": UNIQUEID, "channel": "PJSIP/agent2-00000009"}))
    signed_in(client, "agent2")
    took = client.get(f"/api/calls/{call.id}/controls").json()
    assert took["handed_over"]["kind"] == "blind"
    assert took["handed_over"]["draft_key"] == draft["key"]
    row = seeded_session.scalars(select(CallHandover)).one()
    assert row.to_queue == "violence" and row.to_user_id is not None
