"""Delivery through a real ``rq worker --with-scheduler`` process and local providers."""

from __future__ import annotations

import json
import time
from email import message_from_string
from email import policy as email_policy

import pytest
from sqlalchemy import select

from callcenter import topics
from callcenter.agents.models import User
from callcenter.db import session_scope
from callcenter.dispatch import notify, presence, service
from callcenter.dispatch.channels.console import NOBODY
from callcenter.dispatch.delivery import enqueue
from callcenter.dispatch.models import Alert, AlertAttempt, AlertStatus, Dispatch
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from callcenter.taxonomy import Urgency
from callcenter.topics import command_requests_key
from tests.dispatch.conftest import wait_for
from tests.support import builders

pytestmark = pytest.mark.usefixtures("worker", "fresh")


def send(ctx, contacts, urgency=Urgency.NORMAL, *, watching=False) -> tuple[int, int]:
    """Dispatch a new case to a new unit; enqueue after the commit, as the console does.

    ``watching``: a unit member has the unit's console open (its presence entry is made
    before the commit, so the worker never sees the alert before it).
    """
    with session_scope(ctx.sessions) as session:
        world = builders.world(session, contacts, urgency=urgency)
        if watching:
            presence.touch(ctx.redis, world.unit.id, "test-tab")
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=ctx.settings)
        ids = dispatch.id, world.unit.id
    enqueue.after_commit(ctx.redis, ids[0], sessions=ctx.sessions, settings=ctx.settings)
    return ids


def alerts(ctx, dispatch_id) -> list[Alert]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Alert).where(Alert.dispatch_id == dispatch_id)
                                    .order_by(Alert.id)))


def attempts(ctx, alert_id) -> list[AlertAttempt]:
    with ctx.sessions() as session:
        return list(session.scalars(select(AlertAttempt).where(AlertAttempt.alert_id == alert_id)
                                    .order_by(AlertAttempt.id)))


def delivered(ctx, dispatch_id) -> bool:
    return any(a.status is AlertStatus.DELIVERED for a in alerts(ctx, dispatch_id))


def test_each_channel_delivers_through_the_worker(ctx, providers, bridge):
    listener = ctx.redis.pubsub()
    listener.psubscribe("unit.*.alerts")
    listener.get_message(timeout=1)
    sent = {channel: send(ctx, [(channel, address)], watching=True) for channel, address in [
        (AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66811111111"),
        (AlertChannel.LINE, "Uunit"), (AlertChannel.VOICE, "Local/th50@rru")]}
    for dispatch_id, _ in sent.values():
        wait_for(lambda d=dispatch_id: delivered(ctx, d))
    with ctx.sessions() as session:
        statuses = {session.get(Dispatch, d).status for d, _ in sent.values()}
    assert statuses == {S.ALERTED}

    console = wait_for(lambda: listener.get_message(timeout=1))
    dispatch_id, unit_id = sent[AlertChannel.CONSOLE]
    assert console["channel"].decode() == topics.unit_alerts_topic(unit_id)
    assert json.loads(console["data"])["dispatch_id"] == dispatch_id

    (sms,) = [r for r in providers.requests if r["path"] == "/sms"]
    (line,) = [r for r in providers.requests if r["path"].endswith("/message/push")]
    (call,) = bridge.commands
    assert sms["body"]["to"] == "+66811111111" and line["body"]["to"] == "Uunit"
    assert call["command"] == "originate" and call["args"]["channel"] == "Local/th50@rru"
    assert call["args"]["context"] == "dispatch"
    assert call["args"]["variables"]["DISPATCH_ID"] == str(sent[AlertChannel.VOICE][0])
    for text in (sms["body"]["text"], line["body"]["messages"][0]["text"]):
        assert builders.VICTIM_NAME not in text and "0812345678" not in text
        assert "/units/dispatches/" in text
    # The provider's reference is kept on the attempt.
    (sms_alert,) = alerts(ctx, sent[AlertChannel.SMS][0])
    assert attempts(ctx, sms_alert.id)[0].provider_reference.startswith("sms-")
    listener.close()


def test_email_is_delivered_over_smtp_with_the_key_as_message_id(ctx, smtp):
    smtp.messages.clear()
    dispatch_id, _ = send(ctx, [(AlertChannel.EMAIL, "rru@province.test")])
    wait_for(lambda: delivered(ctx, dispatch_id))
    (mail,) = smtp.messages
    parsed = message_from_string(mail["data"], policy=email_policy.default)
    (alert,) = alerts(ctx, dispatch_id)
    assert mail["to"] == ["rru@province.test"]
    assert parsed["Message-ID"] == f"<{alert.idempotency_key}@dispatch.1300.invalid>"
    text = parsed.get_content()
    assert builders.VICTIM_NAME not in text and "/units/dispatches/" in text


def test_a_gateway_that_fails_then_recovers_is_retried_and_every_try_recorded(ctx, providers):
    providers.script = ["500", "slow", "malformed"]
    dispatch_id, _ = send(ctx, [(AlertChannel.SMS, "+66822222222")])
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=20)
    (alert,) = alerts(ctx, dispatch_id)
    tries = attempts(ctx, alert.id)
    assert [t.error for t in tries] == ["HTTP 500", "timeout after 1s",
                                        "malformed reply: HTTP 200, not JSON", None]
    assert [t.succeeded for t in tries] == [False, False, False, True]
    assert all(t.finished_at for t in tries)
    # Every retry carried the same key, so the gateway sends one SMS.
    assert len(providers.keys("/sms")) == 1


def test_line_retries_after_a_server_error_show_one_message(ctx, providers):
    providers.script = ["500"]
    dispatch_id, _ = send(ctx, [(AlertChannel.LINE, "Uunit")])
    wait_for(lambda: delivered(ctx, dispatch_id), timeout=20)
    assert list(providers.keys("/message/push").values()) == [2]


def test_a_bridge_that_does_not_answer_moves_the_voice_alert_to_a_retry(ctx):
    # No FakeBridge: the command waits in Redis and the attempt times out.
    dispatch_id, _ = send(ctx, [(AlertChannel.VOICE, "Local/th50@rru")])
    alert = wait_for(lambda: [a for a in alerts(ctx, dispatch_id) if a.attempt_count >= 1
                              and a.status is AlertStatus.PENDING])[0]
    assert attempts(ctx, alert.id)[0].error == "bridge did not answer"
    ctx.redis.delete(command_requests_key("test"))


def test_the_same_alert_enqueued_many_times_is_sent_once(ctx, providers):
    with session_scope(ctx.sessions) as session:
        world = builders.world(session, [(AlertChannel.SMS, "+66833333333")],
                               urgency=Urgency.NORMAL)
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                                  settings=ctx.settings)
        session.flush()
        (alert_id,) = session.scalars(select(Alert.id).where(Alert.dispatch_id == dispatch.id))
    from rq import Queue
    queue = Queue(enqueue.QUEUE_NAME, connection=ctx.redis)
    for n in range(5):  # as if a relay and a console both enqueued, with distinct ids
        queue.enqueue(enqueue.DELIVER, alert_id, job_id=f"dup-{alert_id}-{n}")
    wait_for(lambda: delivered(ctx, dispatch.id))
    wait_for(lambda: queue.count == 0)
    assert sum(providers.keys("/sms").values()) == 1
    assert len(attempts(ctx, alert_id)) == 1


def test_no_acknowledgement_in_time_alerts_the_next_contact_and_the_wallboard(ctx, providers):
    """HIGH urgency waits 2 s here; RQ's scheduler runs the step (no relay in this test)."""
    alarms = ctx.redis.pubsub()
    alarms.subscribe(topics.ALARMS_TOPIC)
    alarms.get_message(timeout=1)
    started = time.monotonic()
    dispatch_id, unit_id = send(ctx, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66899")],
                                urgency=Urgency.HIGH, watching=True)
    wait_for(lambda: delivered(ctx, dispatch_id))
    message = wait_for(lambda: alarms.get_message(timeout=1), timeout=10)
    waited = time.monotonic() - started
    assert 2.0 <= waited < 6.0
    (alarm,) = json.loads(message["data"])["alarms"]
    assert alarm["dispatch_id"] == dispatch_id and alarm["status"] == "escalated"
    wait_for(lambda: len(providers.keys("/sms")) == 1)
    assert [a.channel for a in alerts(ctx, dispatch_id)] == [AlertChannel.CONSOLE,
                                                             AlertChannel.SMS]

    with session_scope(ctx.sessions) as session:
        member = session.scalars(select(User.id).where(User.unit_id == unit_id)).one()
        service.acknowledge(session, dispatch_id, unit_id=unit_id, actor_id=member)
    enqueue.after_commit(ctx.redis, dispatch_id, sessions=ctx.sessions, settings=ctx.settings)

    def cleared() -> bool:
        # Earlier publications of the escalated state may still be queued before it.
        message = alarms.get_message(timeout=1)
        return bool(message) and json.loads(message["data"])["alarms"] == []

    wait_for(cleared)
    assert notify.open_alarms(ctx.redis) == []
    alarms.close()


def test_a_console_nobody_watches_fails_at_once_and_the_duty_phone_is_alerted(ctx, providers):
    """No unit member on the console: not delivered, no alarm, the next contact at once."""
    dispatch_id, _ = send(ctx, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66812")])
    wait_for(lambda: len(providers.keys("/sms")) == 1, timeout=10)
    console, sms = alerts(ctx, dispatch_id)
    assert (console.channel, console.status) == (AlertChannel.CONSOLE, AlertStatus.FAILED)
    (tried,) = attempts(ctx, console.id)
    assert tried.error == NOBODY and not tried.succeeded
    # The phone's alert was written with the console's failure: no timeout waited for.
    assert sms.channel is AlertChannel.SMS and sms.created_at == tried.finished_at
    wait_for(lambda: delivered(ctx, dispatch_id))
    with ctx.sessions() as session:
        steps = service.timeline(session, dispatch_id)
        dispatch = session.get(Dispatch, dispatch_id)
    assert dispatch.status is S.ALERTED and dispatch.escalated_at is None
    assert any(NOBODY in (e.note or "") and "position 2 (sms)" in e.note for e in steps)
    assert notify.open_alarms(ctx.redis) == []


def test_a_decline_goes_back_to_the_agent_with_the_reason(ctx):
    with session_scope(ctx.sessions) as session:
        world = builders.world(session, urgency=Urgency.NORMAL)
        dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                                  actor_id=world.agent.id, settings=ctx.settings)
        ids = dispatch.id, world.unit.id, world.member.id, world.agent.id
    dispatch_id, unit_id, member_id, agent_id = ids
    notices = ctx.redis.pubsub()
    notices.subscribe(topics.notices_topic(agent_id))
    notices.get_message(timeout=1)
    with session_scope(ctx.sessions) as session:
        service.decline(session, dispatch_id, unit_id=unit_id, actor_id=member_id,
                        reason="ทีมติดเหตุอื่นในอำเภอฝาง")
    enqueue.after_commit(ctx.redis, dispatch_id, sessions=ctx.sessions, settings=ctx.settings)
    notice = json.loads(wait_for(lambda: notices.get_message(timeout=1))["data"])
    assert notice == {"kind": "dispatch_declined", "dispatch_id": dispatch_id,
                      "case_id": notice["case_id"], "case_number": notice["case_number"],
                      "reason": "ทีมติดเหตุอื่นในอำเภอฝาง"}
    snapshot = json.loads(ctx.redis.get(topics.dispatch_snapshot_key(dispatch_id)))
    assert snapshot["status"] == "declined"
    notices.close()
