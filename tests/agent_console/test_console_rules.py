"""Screen-pop ownership while a call rings, decline notices, the language switch, and a
dispatch sent once however often it is clicked."""

import json

from sqlalchemy import func, select

from agent_console.routers.agent import AgentStream, _filter_for
from callcenter.agents.models import User
from callcenter.dispatch.models import Dispatch, DispatchStatus
from callcenter.topics import HUB_PATTERNS
from tests.agent_console.console_support import INTAKE, add_call, signed_in

RINGING = "1700000099.5"


def _ring_on_agent1(seeded_session, redis_client):
    """A call ringing on agent1's phone: the record names no agent yet (the tracker sets
    it on AgentConnect); only the bridge's agent state says where it rings."""
    call = add_call(seeded_session, uniqueid=RINGING, agent_interface=None)
    redis_client.hset("live.pbx1.agents", "Local/agent1@agents/n", json.dumps({
        "node": "pbx1", "interface": "Local/agent1@agents/n", "name": "agent1",
        "status": "ringing", "ringing_call": RINGING, "current_call": None}))
    redis_client.hset("live.pbx1.calls", RINGING, json.dumps({
        "node": "pbx1", "uniqueid": RINGING, "state": "ringing", "caller_number": "0812345678",
        "agent_interface": None}))
    return call


def test_a_ringing_call_pops_only_on_the_phone_it_rings_on(client, seeded_session,
                                                           redis_client):
    call = _ring_on_agent1(seeded_session, redis_client)
    pop = {"node": "pbx1", "uniqueid": RINGING}
    signed_in(client, "agent2")  # guessing the uniqueid is not enough
    assert client.get("/agent/pop", params=pop).status_code == 404
    assert client.get(f"/api/calls/{call.id}/screenpop").status_code == 404
    client.cookies.clear()
    csrf = signed_in(client, "agent1")
    assert client.get("/agent/pop", params=pop).status_code == 200
    # Alt+N and a disposition work while the phone still rings.
    assert client.get(f"/cases/new?call_id={call.id}", follow_redirects=False
                      ).status_code == 303
    answer = client.post(f"/api/calls/{call.id}/disposition", json={"disposition": "silent"},
                         headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200


def test_an_agent_hears_only_their_own_notices(seeded_session):
    agent = seeded_session.scalar(select(User).where(User.login == "agent1"))
    accepts = _filter_for(agent)
    assert "user.*" in HUB_PATTERNS
    assert accepts(f"user.{agent.id}.notices")
    assert not accepts(f"user.{agent.id + 1}.notices")
    notice = json.dumps({"kind": "dispatch_declined", "case_number": "1300-2569-000001",
                         "reason": "ไม่มีรถ"})
    assert AgentStream(agent, agent.role).handle("user", notice)[0].startswith(b"event: user")


def test_the_case_page_and_api_show_what_the_unit_answered(client, seeded_session):
    csrf = signed_in(client, "agent1")
    headers = {"X-CSRF-Token": csrf}
    case = client.post("/api/cases", json=INTAKE, headers=headers).json()
    brief = {"unit_brief": "หญิง บาดเจ็บ อยู่บ้านตามที่อยู่"}
    first = client.post(f"/api/cases/{case['id']}/dispatches", json=brief, headers=headers)
    again = client.post(f"/api/cases/{case['id']}/dispatches", json=brief, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert {"decline_reason", "outcome", "field_report"} <= first.json().keys()
    client.post(f"/cases/{case['id']}/dispatch",  # a double click
                data={**brief, "csrf_token": csrf})
    count = seeded_session.scalar(select(func.count()).select_from(Dispatch)
                                  .where(Dispatch.case_id == case["id"]))
    assert count == 1
    dispatch = seeded_session.get(Dispatch, first.json()["id"])
    dispatch.status, dispatch.decline_reason = DispatchStatus.DECLINED, "รถเสียทั้งสองคัน"
    seeded_session.flush()
    page = client.get(f"/cases/{case['id']}").text
    assert "รถเสียทั้งสองคัน" in page and "หน่วยปฏิเสธ" in page
    assert "data-once" in page  # the button is sent once


def test_the_language_chosen_on_any_page_sticks_and_the_switch_keeps_the_query(client):
    signed_in(client, "agent1")
    english = client.get("/cases", params={"status": "new", "lang": "en"})
    assert "lang=en" in english.headers.get("set-cookie", "")
    assert 'href="?status=new&amp;lang=th"' in english.text
    assert '<html lang="en">' in client.get("/agent").text  # the next page too
    client.get("/agent", params={"lang": "th"})
    assert '<html lang="th">' in client.get("/cases").text


def test_a_page_id_beyond_the_database_integer_is_refused_not_a_server_error(client):
    signed_in(client, "agent1")
    assert client.get("/cases/99999999999").status_code in (400, 404, 422)
    assert client.get("/cases/0").status_code in (400, 404, 422)


def test_a_second_tab_saving_over_the_first_is_told_and_overwrites_nothing(client,
                                                                          seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = client.get(f"/cases/new?call_id={call.id}", follow_redirects=False
                     ).headers["location"].rsplit("/", 1)[1]
    hx = {"HX-Request": "true"}
    first = client.post(f"/cases/drafts/{key}", headers=hx, data={
        "summary": "จากแท็บแรก", "version": "1", "tab": "tab-a", "csrf_token": csrf})
    assert "X-Draft-Conflict" not in first.headers
    again = client.post(f"/cases/drafts/{key}", headers=hx, data={  # same tab: no conflict
        "summary": "จากแท็บแรก อีกครั้ง", "version": "1", "tab": "tab-a", "csrf_token": csrf})
    assert "X-Draft-Conflict" not in again.headers
    other = client.post(f"/cases/drafts/{key}", headers=hx, data={
        "summary": "จากแท็บที่สอง", "version": "1", "tab": "tab-b", "csrf_token": csrf})
    assert other.headers.get("X-Draft-Conflict") == "1" and 'id="draft-conflict"' in other.text
    assert "จากแท็บแรก อีกครั้ง" in client.get(f"/cases/drafts/{key}").text
