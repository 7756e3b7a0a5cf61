"""The IVR's ports against the real foundation: PostgreSQL rows and Redis queue state."""

import asyncio
import json
import time
import uuid

import pytest
import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from callcenter import topics
from callcenter.agents.models import User
from callcenter.calls.models import Call, CallbackRequest, CallbackStatus
from callcenter.cases import service as cases
from callcenter.db import utcnow
from callcenter.dispatch import lifecycle, notify
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from callcenter.provinces.models import ResponseUnit
from callcenter.taxonomy import IssueArea, Language, Urgency
from ivr import ports
from ivr.adapters import FoundationPorts

pytestmark = pytest.mark.postgres


@pytest.fixture
def adapter(seeded_session):
    # Sessions on the test's connection: the adapter's commits end savepoints only.
    factory = sessionmaker(bind=seeded_session.connection(),
                           join_transaction_mode="create_savepoint", expire_on_commit=False)
    return FoundationPorts(None, factory), seeded_session


def make_dispatch(session) -> tuple[Dispatch, str]:
    user = session.scalars(select(User)).first()
    unit = session.scalars(select(ResponseUnit)).first()
    case = cases.open_case(session, created_by_id=user.id, issue_area=IssueArea.FAMILY_VIOLENCE)
    dispatch = Dispatch(case_id=case.id, unit_id=unit.id, urgency=Urgency.IMMEDIATE,
                        created_by_id=user.id)
    session.add(dispatch)
    session.flush()
    return dispatch, unit.code


def request(call_id: str) -> ports.CallbackRequest:
    return ports.CallbackRequest(call_id=call_id, number="0812345678", queue="violence",
                                 priority=5, language=Language.THAI,
                                 issue=IssueArea.FAMILY_VIOLENCE)


def test_callback_request_is_stored_and_linked_to_its_call(adapter):
    port, session = adapter
    call = Call(node="pbx1", uniqueid="1795345559.1", started_at=utcnow())
    session.add(call)
    session.flush()
    assert asyncio.run(port.store_callback(request("1795345559.1")))
    row = session.scalars(select(CallbackRequest)).one()
    assert (row.call_id, row.number, row.queue_name, row.priority) == (
        call.id, "0812345678", "violence", 5)


def test_a_second_booking_for_the_same_call_is_the_same_request(adapter):
    port, session = adapter
    assert asyncio.run(port.store_callback(request("1795345559.7")))
    assert asyncio.run(port.store_callback(request("1795345559.7")))
    [row] = session.scalars(select(CallbackRequest)).all()
    # Not dialled while the IVR may still withdraw it, or the caller is still on the line.
    assert row.next_attempt_at > utcnow()


async def test_a_booking_withdrawn_after_a_timeout_is_cancelled_even_if_it_commits_late(
    adapter,
):
    port, session = adapter
    slow = port._store_callback

    def store_slowly(req):
        time.sleep(0.3)  # the database answers after the IVR stopped waiting
        return slow(req)

    port._store_callback = store_slowly
    booking = request("1795345559.8")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(port.store_callback(booking), 0.05)
    assert await asyncio.wait_for(port.cancel_callback(booking), 5)
    row = session.scalars(select(CallbackRequest)).one()
    assert (row.status, row.last_error) == (CallbackStatus.CANCELLED, "not_confirmed")
    # A later booking for the call (the offer after the queue's limit) is a new request.
    port._store_callback = slow
    assert await port.store_callback(request("1795345559.8"))
    statuses = sorted(r.status.value for r in session.scalars(select(CallbackRequest)))
    assert statuses == ["cancelled", "pending"]


async def test_a_withdrawal_outlives_the_ivr_giving_up_on_it(adapter):
    port, session = adapter
    slow = port._store_callback
    port._store_callback = lambda req: (time.sleep(0.3), slow(req))[1]
    booking = request("1795345559.9")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(port.store_callback(booking), 0.05)
    with pytest.raises(TimeoutError):  # the server stops waiting for the withdrawal too
        await asyncio.wait_for(port.cancel_callback(booking), 0.05)
    for _ in range(100):
        await asyncio.sleep(0.05)
        row = session.scalars(select(CallbackRequest)).first()
        if row is not None and row.status is CallbackStatus.CANCELLED:
            break
        session.expire_all()
    assert row is not None and row.status is CallbackStatus.CANCELLED


def test_withdrawing_a_booking_that_never_happened_is_harmless(adapter):
    port, session = adapter
    assert asyncio.run(port.cancel_callback(request("nobody.1")))
    assert session.scalars(select(CallbackRequest)).all() == []


def test_callback_request_is_stored_before_the_bridge_wrote_the_call(adapter):
    port, session = adapter
    assert asyncio.run(port.store_callback(request("unknown.9")))
    row = session.scalars(select(CallbackRequest)).one()
    # The call id waits for the bridge's row; the job links it by the call's uniqueid.
    assert (row.call_id, row.call_uniqueid) == (None, "unknown.9")
    assert (row.language, row.issue_area) == ("th", "family_violence")


@pytest.mark.parametrize(("answer", "status"), [("yes", DispatchStatus.ACKNOWLEDGED),
                                                 ("no", DispatchStatus.DECLINED)])
def test_unit_answer_goes_through_the_dispatch_service(adapter, answer, status):
    port, session = adapter
    dispatch, unit = make_dispatch(session)
    done = asyncio.run(port.record_dispatch_answer(
        ports.DispatchAnswer(str(dispatch.id), unit, answer, "1795345714.0")))
    assert done
    session.refresh(dispatch)
    assert dispatch.status is status
    events = session.scalars(select(DispatchEvent).where(
        DispatchEvent.dispatch_id == dispatch.id)).all()
    assert any(e.status is status for e in events)


def test_no_answer_leaves_the_dispatch_to_its_escalation(adapter):
    port, session = adapter
    dispatch, unit = make_dispatch(session)
    assert not asyncio.run(port.record_dispatch_answer(
        ports.DispatchAnswer(str(dispatch.id), unit, "none", "x")))
    session.refresh(dispatch)
    assert dispatch.status is DispatchStatus.CREATED


def test_answer_from_another_unit_or_for_an_unknown_dispatch_is_refused(adapter):
    port, session = adapter
    dispatch, _ = make_dispatch(session)
    other = session.scalars(select(ResponseUnit).offset(1)).first().code
    for dispatch_id, unit in ((str(dispatch.id), other), ("999999", other),
                              ("C-2568-000123", other), (str(dispatch.id), "RRU-XX")):
        assert not asyncio.run(port.record_dispatch_answer(
            ports.DispatchAnswer(dispatch_id, unit, "yes", "x"))), (dispatch_id, unit)
    session.refresh(dispatch)
    assert dispatch.status is DispatchStatus.CREATED


@pytest.fixture
def redis_url(redis_client):
    kwargs = redis_client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"


async def test_estimated_wait_from_the_bridge_snapshot_in_redis(redis_client, redis_url):
    snapshot = {"name": "violence", "waiting": [{"uniqueid": "a"}, {"uniqueid": "b"}],
                "logged_in": 2, "available": 0, "paused": 1, "talk_time": 300,
                "hold_time": 60}
    node = f"pbx-{uuid.uuid4().hex[:8]}"
    redis_client.hset(topics.live_key(node, "queue"), "violence", json.dumps(snapshot))
    client = aioredis.Redis.from_url(redis_url)
    try:
        port = FoundationPorts(client, None, nodes=[node, "pbx2"])
        assert await port.estimated_wait("violence") == 900.0  # 3 callers × 300 s / 1 agent
        assert await port.estimated_wait("lao") is None  # no snapshot yet
        assert await FoundationPorts(client, None).estimated_wait("violence") is None
    finally:
        await client.aclose()


# --- a unit's voice answer reaches the screens ----------------------------------------------


def escalated_dispatch(session, redis_client):
    """A dispatch nobody has taken: on the wallboard's alarm list."""
    dispatch, unit = make_dispatch(session)
    lifecycle.move(session, dispatch, to=DispatchStatus.ESCALATED, now=utcnow(), actor_id=None)
    session.flush()
    notify.publish(redis_client, notify.state(session, dispatch.id))
    assert redis_client.hget(topics.ALARMS_SNAPSHOT_KEY, str(dispatch.id)) is not None
    return dispatch, unit


def answering_port(seeded_session, redis_client) -> FoundationPorts:
    factory = sessionmaker(bind=seeded_session.connection(),
                           join_transaction_mode="create_savepoint", expire_on_commit=False)
    return FoundationPorts(None, factory, sync_redis=redis_client,
                           dispatch_settings=DispatchSettings())


def test_a_voice_acceptance_clears_the_wallboard_alarm(seeded_session, redis_client):
    dispatch, unit = escalated_dispatch(seeded_session, redis_client)
    port = answering_port(seeded_session, redis_client)
    assert asyncio.run(port.record_dispatch_answer(
        ports.DispatchAnswer(str(dispatch.id), unit, "yes", "1795345714.0")))
    assert redis_client.hget(topics.ALARMS_SNAPSHOT_KEY, str(dispatch.id)) is None
    board = json.loads(redis_client.get(topics.dispatch_snapshot_key(dispatch.id)))
    assert board["status"] == "acknowledged"


def test_a_voice_decline_sends_the_agent_a_notice(seeded_session, redis_client):
    dispatch, unit = make_dispatch(seeded_session)
    port = answering_port(seeded_session, redis_client)
    listener = redis_client.pubsub()
    listener.subscribe(topics.notices_topic(dispatch.created_by_id))
    listener.get_message(timeout=1)  # the subscription's confirmation
    assert asyncio.run(port.record_dispatch_answer(
        ports.DispatchAnswer(str(dispatch.id), unit, "no", "1795345714.0")))
    message = listener.get_message(timeout=2)
    listener.close()
    assert message is not None and message["type"] == "message"
    notice = json.loads(message["data"])
    assert (notice["kind"], notice["dispatch_id"]) == ("dispatch_declined", dispatch.id)


def test_the_answer_is_recorded_when_redis_is_down(seeded_session):
    dispatch, unit = make_dispatch(seeded_session)
    factory = sessionmaker(bind=seeded_session.connection(),
                           join_transaction_mode="create_savepoint", expire_on_commit=False)
    dead = redis.Redis(unix_socket_path="/nonexistent/redis.sock", retry=Retry(NoBackoff(), 0))
    port = FoundationPorts(None, factory, sync_redis=dead, dispatch_settings=DispatchSettings())
    assert asyncio.run(port.record_dispatch_answer(
        ports.DispatchAnswer(str(dispatch.id), unit, "yes", "x")))
    seeded_session.refresh(dispatch)
    assert dispatch.status is DispatchStatus.ACKNOWLEDGED
