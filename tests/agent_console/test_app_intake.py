"""POST /api/intake/reports and GET /api/intake/reports/{code}: partner applications'
reports through the real app, with their key as the only credential; every answer
(accepted, each refusal) audited without the report's content."""

import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.intake import app_intake, app_keys
from callcenter.intake.models import PublicReport, ReportSource, ReportState
from tests.intake.builders import REPORT, issued_app_key
from tests.support.audit_trail import user_id

IDEM = "3f1c2a9e-77b0-4c1e-9a55-0e6f2d1b8c41"
URL = "/api/intake/reports"


@pytest.fixture
def machine(app):
    """A client with no session cookie: an application's server."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def issued(seeded_session):
    return issued_app_key(seeded_session, per_minute=3)


def send(client, key, body=None, idem=IDEM, **headers):
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if idem is not None:
        headers["Idempotency-Key"] = idem
    return client.post(URL, json=REPORT if body is None else body, headers=headers)


def outcomes(session, app_key_id=None):
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("app_report.%"))
                             .order_by(AuditEvent.id))
    return [(e.action, e.entity_id, (e.changes or {}).get("outcome", [None, None])[1])
            for e in events if app_key_id is None or e.entity_id == str(app_key_id)]


def test_a_report_from_an_app_is_accepted_into_the_web_queue_with_its_code(
        machine, issued, seeded_session):
    answer = send(machine, issued.key)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "received" and body["status_text"] == "ได้รับเรื่องแล้ว"
    assert body["status_url"].endswith("/report/track?lang=th")
    assert len(body["tracking_code"]) == 14
    report = seeded_session.scalars(select(PublicReport).where(
        PublicReport.app_key_id == issued.row.id)).one()
    assert report.source is ReportSource.APP and report.state is ReportState.WAITING
    assert report.queue == "web"
    seeded_session.refresh(issued.row)
    assert issued.row.last_used_at is not None
    assert outcomes(seeded_session) == [(app_intake.ACCEPTED, str(issued.row.id), None)]
    trail = json.dumps([e.changes for e in seeded_session.scalars(select(AuditEvent))],
                       ensure_ascii=False)
    assert REPORT["what_happened"] not in trail and issued.key not in trail


def test_a_retry_with_the_same_key_and_body_gets_the_same_report_with_200(machine, issued,
                                                                         seeded_session):
    first = send(machine, issued.key)
    again = send(machine, issued.key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert len(seeded_session.scalars(select(PublicReport).where(
        PublicReport.app_key_id == issued.row.id)).all()) == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(machine, issued,
                                                                 seeded_session):
    assert send(machine, issued.key).status_code == 201
    other = send(machine, issued.key, body={**REPORT, "in_danger_now": True})
    assert other.status_code == 409
    assert other.json()["field"] == "idempotency_key"
    assert outcomes(seeded_session)[-1][2] == app_intake.CONFLICT


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc",
                                           "Bearer hl1300_abcdefgh_" + "x" * 43])
def test_a_missing_or_unknown_key_is_one_and_the_same_401(machine, authorization,
                                                          seeded_session):
    headers = {"Idempotency-Key": IDEM}
    if authorization:
        headers["Authorization"] = authorization
    answer = machine.post(URL, json=REPORT, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized",
                             "message": "a valid application key is required"}
    assert answer.headers["www-authenticate"] == "Bearer"
    assert outcomes(seeded_session)[-1][2] == app_intake.BAD_KEY
    assert seeded_session.scalar(select(PublicReport.id)) is None


def test_a_revoked_key_gets_the_same_401(machine, issued, seeded_session):
    app_keys.revoke(seeded_session, issued.row.id, reason="เลิกใช้แอปรุ่นนี้",
                    actor_id=user_id(seeded_session, "admin"), source_ip=None,
                    now=issued.row.created_at)
    answer = send(machine, issued.key)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert outcomes(seeded_session)[-1] == (app_intake.REFUSED, str(issued.row.id),
                                            app_intake.REVOKED)


def test_past_its_limit_an_app_is_told_when_to_retry(machine, issued, seeded_session):
    for n in range(3):
        assert send(machine, issued.key, idem=f"{IDEM}-{n}").status_code == 201
    refused = send(machine, issued.key, idem=f"{IDEM}-4")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert outcomes(seeded_session)[-1][2] == app_intake.RATE_LIMITED


def test_an_invalid_body_names_its_fields_and_never_echoes_them(machine, issued,
                                                               seeded_session):
    answer = send(machine, issued.key, body={**REPORT, "consent": False,
                                             "province_code": "TH-99"})
    assert answer.status_code == 422
    fields = {p["field"] for p in answer.json()["problems"]}
    assert {"consent", "province_code"} <= fields
    assert "TH-99" not in answer.text
    assert outcomes(seeded_session)[-1][2] == app_intake.INVALID
    not_json = machine.post(URL, content=b"not json", headers={
        "Authorization": f"Bearer {issued.key}", "Idempotency-Key": IDEM,
        "Content-Type": "application/json"})
    assert not_json.status_code == 422


def test_the_idempotency_key_is_required_and_shaped(machine, issued):
    missing = send(machine, issued.key, idem=None)
    assert missing.status_code == 422 and missing.json()["field"] == "idempotency_key"
    bad = send(machine, issued.key, idem="short")
    assert bad.status_code == 422 and bad.json()["field"] == "idempotency_key"


def test_a_huge_body_is_refused_with_413(machine, issued):
    huge = {**REPORT, "what_happened": "ก" * 40_000}
    assert send(machine, issued.key, body=huge).status_code == 413


def test_no_session_cookie_or_csrf_token_is_needed_nor_used(machine, issued):
    machine.cookies.clear()
    assert send(machine, issued.key).status_code == 201
    assert "set-cookie" not in {k.lower() for k in machine.post(
        URL, json=REPORT, headers={"Authorization": f"Bearer {issued.key}",
                                   "Idempotency-Key": IDEM}).headers}


def test_the_app_reads_the_status_of_its_own_reports_only(machine, issued, seeded_session):
    code = send(machine, issued.key).json()["tracking_code"]
    auth = {"Authorization": f"Bearer {issued.key}"}
    status = machine.get(f"{URL}/{code}", headers=auth)
    assert status.status_code == 200
    assert status.json()["status"] == "received" and status.json()["tracking_code"] == code
    assert "what_happened" not in status.text and REPORT["what_happened"] not in status.text
    other = issued_app_key(seeded_session, name="แอปอื่น")
    assert machine.get(f"{URL}/{code}", headers={
        "Authorization": f"Bearer {other.key}"}).status_code == 404
    assert machine.get(f"{URL}/{code}").status_code == 401


def test_the_report_content_never_reaches_the_logs(machine, issued, caplog):
    with caplog.at_level(logging.DEBUG):
        send(machine, issued.key)
        send(machine, issued.key, body={**REPORT, "consent": False})
    assert REPORT["what_happened"] not in caplog.text and issued.key not in caplog.text


def test_the_web_queue_names_the_app_a_report_came_from(machine, issued, client):
    from tests.agent_console.console_support import signed_in
    assert send(machine, issued.key).status_code == 201
    signed_in(client, "agent1")
    page = client.get("/web-reports")
    assert issued.row.name in page.text
