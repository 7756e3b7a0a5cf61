"""Builders for the wallboard tests: bridge snapshots in Redis, call rows, dispatches."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import redis as redis_lib
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.calls.models import Call, CallLeg, CallOutcome, LegEnd
from callcenter.cases.models import Case
from callcenter.dispatch.models import Dispatch, DispatchStatus
from callcenter.provinces.models import ResponseUnit
from callcenter.taxonomy import Urgency
from tests.agent_console.conftest import (  # noqa: F401
    app,
    client,
    csrf_from,
    make_app,
    sign_in,
)

from .stack import RedisServer

# Not pbx1: other suites run bridges for pbx1 against the same Redis.
NODE = "wbtest"


def put_live(redis, kind: str, ident: str, payload: dict, node: str = NODE) -> None:
    redis.hset(f"live.{node}.{kind}s", ident, json.dumps({"node": node, **payload}))


def link(redis, state: str = "up", since: datetime | None = None, node: str = NODE, *,
         heartbeat: datetime | None = None, expire: float | None = 15) -> None:
    """The link key as the bridge writes it: with a heartbeat and an expiry (docs/ami.md)."""
    now = datetime.now(UTC)
    redis.set(f"bridge.{node}.link", json.dumps({
        "node": node, "state": state, "fault": None,
        "since": (since or now).isoformat(), "heartbeat": (heartbeat or now).timestamp()}),
        px=int(expire * 1000) if expire else None)


def agent_payload(interface: str, name: str, status: str, queues: dict, **extra) -> dict:
    return {"interface": interface, "name": name, "status": status,
            "paused_reason": extra.pop("paused_reason", None),
            "changed_at": extra.pop("changed_at", datetime.now(UTC).isoformat()),
            "current_call": extra.pop("current_call", None), "ringing_call": None,
            "channel": extra.pop("channel", None),
            "state_interface": interface.removesuffix("/n"),
            "queues": {q: {"paused": p, "paused_reason": extra.get("reason") if p else None}
                       for q, p in queues.items()}}


def add_call(db, uniqueid: str, queue: str, outcome: CallOutcome, *, wait: int,
             talk: int | None = None, started: datetime | None = None) -> Call:
    started = started or datetime.now(UTC) - timedelta(minutes=5)
    answered = outcome == CallOutcome.ANSWERED
    call = Call(node=NODE, uniqueid=uniqueid, started_at=started, queue_name=queue,
                queued_at=started, outcome=outcome, wait_seconds=wait, talk_seconds=talk,
                answered_at=started + timedelta(seconds=wait) if answered else None,
                ended_at=started + timedelta(seconds=wait + (talk or 0)))
    db.add(call)
    db.flush()
    # Its one queue visit, as the bridge writes it with the call.
    db.add(CallLeg(call_id=call.id, seq=1, queue_name=queue, joined_at=started,
                   answered_at=call.answered_at, wait_seconds=wait, talk_seconds=talk,
                   ended_at=call.ended_at, ended_how=LEG_ENDS.get(outcome)))
    db.flush()
    return call


LEG_ENDS = {CallOutcome.ANSWERED: LegEnd.ANSWERED, CallOutcome.ABANDONED: LegEnd.ABANDONED,
            CallOutcome.QUEUE_TIMEOUT: LegEnd.TIMEOUT,
            CallOutcome.TRANSFERRED: LegEnd.TRANSFERRED}


def user(db, login: str) -> User:
    return db.scalar(select(User).where(User.login == login))


def add_dispatch(db, *, province: str, status: DispatchStatus, age: timedelta,
                 urgency: Urgency = Urgency.HIGH, seq: int = 1) -> Dispatch:
    creator = user(db, "agent1")
    now = datetime.now(UTC)
    case = Case(number=f"1300-2569-{seq:06d}", year_be=2569, sequence=seq,
                urgency=urgency, province_code=province, created_by_id=creator.id,
                created_at=now - age)
    db.add(case)
    db.flush()
    unit = db.scalar(select(ResponseUnit).where(ResponseUnit.province_code == province))
    dispatch = Dispatch(case_id=case.id, unit_id=unit.id, status=status, urgency=urgency,
                        created_by_id=creator.id, created_at=now - age)
    db.add(dispatch)
    db.flush()
    return dispatch


class FakeBridge:
    """Answers PBX commands for one node the way the bridge's CommandServer does."""

    def __init__(self, redis, node: str = NODE, status: str = "ok", message: str = "") -> None:
        self.redis, self.node, self.status, self.message = redis, node, status, message
        self.received: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            got = self.redis.brpop([f"bridge.{self.node}.commands"], timeout=0.2)
            if not got:
                continue
            request = json.loads(got[1])
            self.received.append(request)
            self.redis.rpush(f"bridge.reply.{request['id']}",
                             json.dumps({"status": self.status, "message": self.message,
                                         "data": {}}))

    def __enter__(self) -> FakeBridge:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)


@pytest.fixture(scope="session")
def wallboard_redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(wallboard_redis_server):
    """Keys on a Redis server of this suite's own: other suites running at the same time
    on the shared server set bridge links and flush databases under our feet."""
    keys = redis_lib.Redis.from_url(wallboard_redis_server.url)
    keys.flushdb()
    yield keys
    keys.flushdb()
    keys.close()


@pytest.fixture
def fake_bridge(redis_client):
    with FakeBridge(redis_client) as bridge:
        yield bridge


@pytest.fixture
def supervisor_client(request):
    signed_in = request.getfixturevalue("client")
    assert sign_in(signed_in, "supervisor").status_code == 303
    return signed_in
