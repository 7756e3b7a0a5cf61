"""The outbox claim and the record of each attempt, in one rolled-back transaction."""

from datetime import timedelta

from sqlalchemy import select

from callcenter.dispatch import service
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import Alert, AlertAttempt, AlertStatus
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from tests.support import builders

CONFIG = builders.settings(alert_lease_seconds=20, max_attempts=3, retry_base_seconds=2)


def start(session, ladder=None):
    world = builders.world(session, ladder or [(AlertChannel.SMS, "+66811"),
                                               (AlertChannel.LINE, "U123")])
    dispatch = service.create(session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id,
                              settings=CONFIG)
    alert = session.scalars(select(Alert).where(Alert.dispatch_id == dispatch.id)).one()
    return world, dispatch, alert


def test_an_alert_cannot_be_claimed_twice_while_its_lease_runs(db_session):
    _, _, alert = start(db_session)
    now = alert.next_attempt_at
    assert outbox.claim(db_session, alert.id, now=now, settings=CONFIG) is not None
    assert outbox.claim(db_session, alert.id, now=now + timedelta(seconds=19),
                        settings=CONFIG) is None


def test_an_alert_whose_worker_died_is_claimed_again_after_the_lease(db_session):
    _, _, alert = start(db_session)
    first = outbox.claim(db_session, alert.id, now=alert.next_attempt_at, settings=CONFIG)
    second = outbox.claim(db_session, alert.id, now=alert.next_attempt_at + timedelta(seconds=21),
                          settings=CONFIG)
    assert second is not None
    assert second.delivery.idempotency_key == first.delivery.idempotency_key


def test_the_delivery_names_no_person(db_session):
    _, _, alert = start(db_session)
    claim = outbox.claim(db_session, alert.id, now=alert.next_attempt_at, settings=CONFIG)
    text = claim.delivery.message.text + claim.delivery.message.subject
    assert builders.VICTIM_NAME not in text and "0812345678" not in text
    assert claim.delivery.message.case_number in text


def test_success_marks_the_alert_delivered_and_the_dispatch_alerted(db_session):
    _, dispatch, alert = start(db_session)
    claim = outbox.claim(db_session, alert.id, now=alert.next_attempt_at, settings=CONFIG)
    outbox.record_success(db_session, claim, reference="gw-1", now=alert.next_attempt_at)
    assert alert.status is AlertStatus.DELIVERED and dispatch.status is S.ALERTED
    attempt = db_session.get(AlertAttempt, claim.attempt_id)
    assert attempt.succeeded and attempt.provider_reference == "gw-1"


def test_a_transient_failure_is_retried_with_backoff_and_recorded(db_session):
    _, _, alert = start(db_session)
    t = alert.next_attempt_at
    claim = outbox.claim(db_session, alert.id, now=t, settings=CONFIG)
    outbox.record_failure(db_session, claim, error="HTTP 500", transient=True, now=t,
                          settings=CONFIG)
    assert alert.status is AlertStatus.PENDING
    assert alert.next_attempt_at == t + timedelta(seconds=2)
    assert db_session.get(AlertAttempt, claim.attempt_id).error == "HTTP 500"
    assert outbox.claim(db_session, alert.id, now=t + timedelta(seconds=1),
                        settings=CONFIG) is None


def test_a_contact_that_keeps_failing_is_given_up_for_the_next_one(db_session):
    _, dispatch, alert = start(db_session)
    t = alert.next_attempt_at
    for n in range(CONFIG.max_attempts):
        now = t + timedelta(minutes=n)
        claim = outbox.claim(db_session, alert.id, now=now, settings=CONFIG)
        outbox.record_failure(db_session, claim, error="timeout after 5s", transient=True,
                              now=now, settings=CONFIG)
    assert alert.status is AlertStatus.FAILED
    rungs = db_session.scalars(select(Alert.channel).where(Alert.dispatch_id == dispatch.id)
                               .order_by(Alert.id)).all()
    assert rungs == [AlertChannel.SMS, AlertChannel.LINE]
    assert dispatch.status is S.ESCALATED


def test_a_permanent_refusal_goes_to_the_next_contact_at_once(db_session):
    _, dispatch, alert = start(db_session)
    claim = outbox.claim(db_session, alert.id, now=alert.next_attempt_at, settings=CONFIG)
    outbox.record_failure(db_session, claim, error="HTTP 400", transient=False,
                          now=alert.next_attempt_at, settings=CONFIG)
    assert alert.status is AlertStatus.FAILED
    assert db_session.scalar(select(Alert.channel).where(
        Alert.dispatch_id == dispatch.id, Alert.id != alert.id)) is AlertChannel.LINE


def test_an_alert_for_an_acknowledged_dispatch_is_cancelled_not_sent(db_session):
    world, dispatch, alert = start(db_session)
    t = alert.next_attempt_at
    claim = outbox.claim(db_session, alert.id, now=t, settings=CONFIG)
    outbox.record_failure(db_session, claim, error="HTTP 503", transient=True, now=t,
                          settings=CONFIG)
    service.acknowledge(db_session, dispatch.id, unit_id=world.unit.id, actor_id=world.member.id)
    assert outbox.claim(db_session, alert.id, now=t + timedelta(minutes=5),
                        settings=CONFIG) is None
    assert alert.status is AlertStatus.CANCELLED
