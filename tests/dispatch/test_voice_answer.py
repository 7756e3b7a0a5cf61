"""The voice alert end to end without Asterisk: the adapter's command reaches a stand-in
bridge, whose call runs the IVR's ``dispatch`` route on the simulated channel; the unit's
key goes through ``service.record_voice_answer`` and so follows the lifecycle."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from callcenter.dispatch import service
from callcenter.dispatch.channels.voice import BridgeVoiceChannel
from callcenter.dispatch.delivery import outbox
from callcenter.dispatch.models import DispatchStatus as S
from callcenter.errors import DomainError
from callcenter.provinces.models import AlertChannel
from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from ivr.agi import AgiReply, Command, ReplyReader
from ivr.flow import PortCall, Runner
from ivr.flows import dispatch as dispatch_route
from ivr.flows.context import CallContext
from ivr.ports import DispatchAnswer, MemoryPorts
from tests.dispatch.fakes import FakeBridge
from tests.support import builders

CONFIG = builders.settings(voice_reply_timeout_seconds=2)


class ServicePorts(MemoryPorts):
    """The IVR's port for answers, implemented with the dispatch service."""

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        try:
            result = service.record_voice_answer(self.session, int(answer.dispatch_id),
                                                 unit_code=answer.unit, answer=answer.answer)
        except DomainError:
            return False
        return result is not None


def drive(flow, channel: SimulatedChannel, ports: ServicePorts) -> Any:
    runner = Runner(flow)
    step = runner.start()
    while not runner.done:
        if isinstance(step, Command):
            reader, reply = ReplyReader(), None
            for line in channel.answer(step.line()):
                reply = reader.feed(line) or reply
            result: Any = reply
            assert isinstance(result, AgiReply)
        elif isinstance(step, PortCall):
            result = asyncio.run(getattr(ports, step.method)(step.argument))
        step = runner.send(result)
    return runner.outcome


@pytest.fixture
def voice_call(db_session, redis_server):
    """Send the voice alert through the bridge stand-in; give the command it received."""
    world = builders.world(db_session, [(AlertChannel.VOICE, "Local/th50@rru")])
    dispatch = service.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id, settings=CONFIG)
    alert_id = outbox.owed(db_session, dispatch.id, now=dispatch.created_at)[0][0]
    claim = outbox.claim(db_session, alert_id, now=dispatch.created_at, settings=CONFIG)
    bridge = FakeBridge(redis_server.url)
    try:
        import redis
        client = redis.Redis.from_url(redis_server.url)
        reference = BridgeVoiceChannel(client, CONFIG).send(claim.delivery)
        client.close()
    finally:
        bridge.close()
    assert reference == "orig-1"
    (command,) = bridge.commands
    return dispatch, command


def answer_call(db_session, command, keys):
    # What Asterisk does with the Originate: the answered leg runs the dispatch context
    # with the command's channel variables.
    variables = command["args"]["variables"]
    channel = SimulatedChannel(keys=list(keys), hangup_at=None,
                               channel_vars={"RRU_UNIT": variables["RRU_UNIT"]})
    context = CallContext(call_id="1795345714.9", args=(variables["DISPATCH_ID"],))
    return drive(dispatch_route.run(context), channel, ServicePorts(db_session))


def test_pressing_1_on_the_voice_alert_acknowledges_the_dispatch(db_session, voice_call):
    dispatch, command = voice_call
    result = answer_call(db_session, command, ["1"])
    assert result.recorded and dispatch.status is S.ACKNOWLEDGED


def test_pressing_2_declines_and_a_later_1_is_refused(db_session, voice_call):
    dispatch, command = voice_call
    assert answer_call(db_session, command, ["2"]).recorded
    assert dispatch.status is S.DECLINED and dispatch.decline_reason
    assert not answer_call(db_session, command, ["1"]).recorded
    assert dispatch.status is S.DECLINED


def test_no_key_leaves_the_dispatch_waiting_for_escalation(db_session, voice_call):
    dispatch, command = voice_call
    result = answer_call(db_session, command, ["", "", "", "", "", ""])
    assert result.answer == "none" and dispatch.status is S.CREATED
