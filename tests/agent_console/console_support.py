"""Builders for the console tests: signed-in clients, calls as the bridge records them."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from callcenter.calls.models import Call, CallOutcome
from callcenter.db import utcnow
from tests.agent_console.conftest import csrf_from, sign_in

ROLES = {"agent": "agent1", "other_agent": "agent2", "supervisor": "supervisor",
         "admin": "admin", "unit_th50": "unit.th50", "unit_th10": "unit.th10"}


def signed_in(client: TestClient, login: str) -> str:
    """Sign in (supervisors and admins enrol or pass TOTP) and return the CSRF token."""
    response = sign_in(client, login)
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/home").text)


def add_call(db: Session, *, uniqueid: str = "1700000000.1", number: str = "0812345678",
             agent_interface: str | None = "Local/agent1@agents/n",
             issue_area: str = "family_violence",
             silent: bool = False, language: str = "th", disposition=None,
             started_ago: timedelta = timedelta(minutes=1)) -> Call:
    now = utcnow()
    call = Call(node="pbx1", uniqueid=uniqueid, caller_number=number,
                started_at=now - started_ago, queued_at=now - started_ago + timedelta(seconds=20),
                answered_at=now - started_ago + timedelta(seconds=35),
                ivr_language=language, ivr_choice="1", issue_area=issue_area, priority=5,
                silent=silent, queue_name="violence", agent_interface=agent_interface,
                outcome=CallOutcome.IN_PROGRESS, disposition=disposition)
    db.add(call)
    db.flush()
    return call


INTAKE = {
    "issue_area": "family_violence", "target_group": "woman", "gbv_type": "physical_assault",
    "province_code": "TH-50", "district": "เมืองเชียงใหม่", "urgency": "high",
    "risk": {"in_danger_now": True}, "consent": "given", "legal_basis": "consent",
    "summary": "สามีทำร้ายร่างกาย", "persons": [
        {"role": "victim", "full_name": "มาลี ใจดี", "gender": "female", "age_years": 34,
         "phone": "0812345678", "national_id": "1101700207030"},
        {"role": "reporter", "nickname": "น้อย"}],
}
