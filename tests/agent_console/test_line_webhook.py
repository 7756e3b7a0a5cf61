"""POST /line/webhook: signed bodies stored once and answered at once; forged, replayed,
huge and strange ones each handled, and the person's words never in a log."""

import json
import logging

import pytest
from fastapi.testclient import TestClient
from rq import Queue
from sqlalchemy import select

from callcenter.chat import jobs
from callcenter.chat.config import LineSettings
from callcenter.chat.line_protocol import signature
from callcenter.chat.models import LineWebhookEvent

SECRET = "test-line-secret"
WORDS = "ข้อความลับของผู้เสียหาย"


@pytest.fixture
def line_client(app, redis_client):
    app.state.line_settings = LineSettings(_env_file=None, line_channel_secret=SECRET)
    with TestClient(app) as client:
        yield client


def body_of(*events) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)},
                      ensure_ascii=False).encode()


def text_event(event_id: str, text: str = WORDS) -> dict:
    return {"type": "message", "mode": "active", "timestamp": 1765000000000,
            "source": {"type": "user", "userId": "U" + "b" * 32},
            "webhookEventId": event_id, "replyToken": "r-" + event_id,
            "deliveryContext": {"isRedelivery": False},
            "message": {"id": "m-" + event_id, "type": "text", "text": text}}


def post(client, body: bytes, sig: str | None = None):
    return client.post("/line/webhook", content=body, headers={
        "Content-Type": "application/json",
        "X-Line-Signature": signature(SECRET, body) if sig is None else sig})


def stored(session) -> list[tuple[str, str]]:
    return [(e.webhook_event_id, e.event_type) for e in session.scalars(
        select(LineWebhookEvent).order_by(LineWebhookEvent.id))]


def test_a_signed_body_is_stored_and_its_events_queued_for_the_worker(
        line_client, seeded_session, redis_client):
    answer = post(line_client, body_of(text_event("e1"), text_event("e2")))
    assert answer.status_code == 200
    assert stored(seeded_session) == [("e1", "message"), ("e2", "message")]
    queued = Queue(jobs.QUEUE_NAME, connection=redis_client).job_ids
    assert len(queued) == 2 and all(j.startswith("line-event-") for j in queued)


def test_a_bad_signature_is_a_401_logged_without_the_body(line_client, seeded_session,
                                                           caplog):
    caplog.set_level(logging.INFO)
    body = body_of(text_event("e1"))
    answer = post(line_client, body, sig=signature("not-the-secret", body))
    assert answer.status_code == 401
    assert stored(seeded_session) == []
    assert "line.webhook_refused reason=bad_signature" in caplog.text
    assert WORDS not in caplog.text and "U" + "b" * 32 not in caplog.text


def test_a_missing_signature_is_a_401_too(line_client):
    answer = line_client.post("/line/webhook", content=body_of(text_event("e1")),
                              headers={"Content-Type": "application/json"})
    assert answer.status_code == 401


def test_a_replayed_or_redelivered_event_is_stored_once_and_queued_once(
        line_client, seeded_session, redis_client):
    event = text_event("e1")
    assert post(line_client, body_of(event)).status_code == 200
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    assert post(line_client, body_of(again)).status_code == 200
    assert post(line_client, body_of(event, event)).status_code == 200
    assert stored(seeded_session) == [("e1", "message")]
    assert len(Queue(jobs.QUEUE_NAME, connection=redis_client).job_ids) == 1


def test_a_body_over_a_megabyte_is_a_413_before_anything_is_read(line_client,
                                                                  seeded_session):
    body = body_of(text_event("e1", "ก" * (1024 * 1024)))
    assert post(line_client, body).status_code == 413
    assert stored(seeded_session) == []


def test_an_unknown_event_type_is_stored_with_its_type(line_client, seeded_session):
    beacon = {"type": "beacon", "webhookEventId": "b1", "timestamp": 1,
              "source": {"type": "user", "userId": "U1"}, "beacon": {"hwid": "d41d8cd98f"}}
    assert post(line_client, body_of(beacon)).status_code == 200
    assert stored(seeded_session) == [("b1", "beacon")]


def test_a_signed_body_not_of_lines_shape_is_a_400(line_client, seeded_session):
    assert post(line_client, b'{"events": [{"type": "follow"}]}').status_code == 400
    assert stored(seeded_session) == []


def test_lines_verify_call_with_no_events_is_answered_200(line_client):
    assert post(line_client, body_of()).status_code == 200


def test_without_a_channel_secret_every_webhook_is_refused(app, seeded_session):
    app.state.line_settings = LineSettings(_env_file=None, line_channel_secret=None)
    with TestClient(app) as client:
        assert post(client, body_of(text_event("e1"))).status_code == 401
