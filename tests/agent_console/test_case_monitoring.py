"""A supervisor's listen-in on one of a case's calls is on the case's record: its
timeline names who joined, how and until when, and its audit trail says it in words."""

from datetime import timedelta
from types import SimpleNamespace

from callcenter.calls import monitoring
from callcenter.db import utcnow
from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.support.audit_trail import audited, user_id


def test_a_listen_in_on_a_cases_call_is_on_its_timeline_and_audit_trail(client,
                                                                        seeded_session):
    call = add_call(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    case = client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()
    boss = user_id(seeded_session, "supervisor")
    started = utcnow() - timedelta(seconds=30)
    run = SimpleNamespace(spy_uniqueid="spy-1", supervisor_user_id=boss, mode="whisper",
                          spy_channel="PJSIP/supervisor-00000009",
                          agent_channel="PJSIP/agent1-00000002", started_at=started,
                          ended_at=started + timedelta(seconds=20),
                          call_uniqueid=call.uniqueid)
    monitoring.record_many(seeded_session, node=call.node, records=[run])
    audited(seeded_session, "call.whisper.start", actor_id=boss, entity_type="call",
            entity_id=call.id)

    page = client.get(f"/cases/{case['id']}?lang=en").text
    assert "Supervisor on the call" in page and "whispering to the agent" in page
    assert "หัวหน้าเวร สมศรี" in page  # the supervisor by name
    client.post("/logout", headers=h)
    signed_in(client, "supervisor")
    trail = client.get(f"/cases/{case['id']}/audit?lang=en").text
    assert "Supervisor started whispering to the agent" in trail
    assert "Supervisor stopped whispering" in trail
