"""The voice alert end to end: ``callcenter worker`` asks the bridge (over its Redis command
API) to call the unit; the bridge sends the Originate to the simulated Asterisk, whose
answered leg runs the IVR's ``dispatch`` route over FastAGI; the unit presses 1 and the
dispatch row is acknowledged. Nothing here is a stand-in but Asterisk itself."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
import redis.asyncio as aioredis
from sqlalchemy import select

from callcenter.ami.bridge.command_server import CommandServer
from callcenter.dispatch import service
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.provinces.models import AlertChannel
from callcenter.simulators.asterisk import AmiSimulator
from ivr.adapters import FoundationPorts
from ivr.server import FastAgiServer
from tests.ami.conftest import make_bridge
from tests.dispatch.conftest import as_env, provider_values
from tests.dispatch.test_delivery import send
from tests.dispatch.worker_process import WorkerProcess

NODE = f"e2e{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def values(providers, smtp_port) -> dict:
    return provider_values(providers, smtp_port, voice_node=NODE,
                           voice_reply_timeout_seconds=5.0, alert_lease_seconds=10.0,
                           ami_nodes=[{"name": NODE, "host": "127.0.0.1", "port": 5038,
                                       "username": "callcenter",
                                       "secret": "unused-by-the-worker"}])


@pytest.fixture
async def pbx(committing_sessionmaker, redis_server, config):
    """The simulated Asterisk, the real IVR serving FastAGI, and the node's bridge."""
    aredis = aioredis.Redis.from_url(redis_server.url)
    sync = redis.Redis.from_url(redis_server.url)
    ivr = FastAgiServer(FoundationPorts(aredis, committing_sessionmaker, nodes=[NODE],
                                        sync_redis=sync, dispatch_settings=config),
                        callback_threshold_s=None)
    listener = await ivr.start("127.0.0.1", 0)
    agi_port = listener.sockets[0].getsockname()[1]
    sim = AmiSimulator(speed=20, agi=("127.0.0.1", agi_port))
    bridge = make_bridge(await sim.start(), redis=aredis, sessions=committing_sessionmaker,
                         name=NODE)
    tasks = [asyncio.create_task(bridge.run()),
             asyncio.create_task(CommandServer(bridge, aredis).run())]
    await asyncio.wait_for(bridge.up.wait(), 10)
    yield sim
    await bridge.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sim.stop()
    listener.close()
    await aredis.aclose()
    sync.close()


async def until(predicate, timeout: float = 30.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = await asyncio.to_thread(predicate)
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def test_the_unit_presses_1_on_the_voice_alert_and_the_dispatch_is_acknowledged(
        ctx, values, pg_url, redis_server, pbx, tmp_path):
    worker = WorkerProcess(as_env(values, pg_url, redis_server.url),
                           tmp_path / "worker.log")
    await asyncio.to_thread(worker.start)
    try:
        dispatch_id, _ = await asyncio.to_thread(
            send, ctx, [(AlertChannel.VOICE, "0990000050")])

        def acknowledged():
            with ctx.sessions() as session:
                return session.get(Dispatch, dispatch_id).status is S.ACKNOWLEDGED

        try:
            await until(acknowledged)
        except AssertionError:
            print(worker.log())
            raise
    finally:
        await asyncio.to_thread(worker.stop)
    (originate,) = [m for m in pbx.received if m.get("Action") == "Originate"]
    assert originate.get("Channel") == "Local/0990000050@rru"
    assert originate.get("Context") == "dispatch"
    assert f"DISPATCH_ID={dispatch_id}" in originate.get_all("Variable")
    with ctx.sessions() as session:
        (alert,) = session.scalars(select(Alert).where(Alert.dispatch_id == dispatch_id))
        steps = service.timeline(session, dispatch_id)
    assert alert.status is AlertStatus.DELIVERED
    assert steps[-1].status is S.ACKNOWLEDGED and steps[-1].note == "acknowledged via voice"
