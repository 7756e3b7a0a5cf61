"""The IVR's ports against the real foundation: PostgreSQL rows and Redis queue state."""

import asyncio
import json
import uuid

import pytest
import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from callcenter.agents.models import User
from callcenter.ami.sink import snapshot_key
from callcenter.calls.models import Call, CallbackRequest
from callcenter.cases import service as cases
from callcenter.db import utcnow
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
    redis_client.hset(snapshot_key(node, "queue"), "violence", json.dumps(snapshot))
    client = aioredis.Redis.from_url(redis_url)
    try:
        port = FoundationPorts(client, None, nodes=[node, "pbx2"])
        assert await port.estimated_wait("violence") == 900.0  # 3 callers × 300 s / 1 agent
        assert await port.estimated_wait("lao") is None  # no snapshot yet
        assert await FoundationPorts(client, None).estimated_wait("violence") is None
    finally:
        await client.aclose()
