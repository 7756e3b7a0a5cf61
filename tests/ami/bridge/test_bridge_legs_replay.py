"""Calls with several legs, recorded on a real Asterisk 22 with PJSIP and replayed over
TCP: the bridge writes one call_legs row per queue visit (and one for the agent an
attended transfer reached), with the call's row keeping the whole call's summary."""

from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.calls import legs as call_legs
from callcenter.calls.models import Call
from tests.ami.conftest import NODE

from .test_bridge_replay import ADOPTED, replay


async def recorded_call(name, aredis, sessions):
    bridge, _ = await replay(f"pjsip/{name}", aredis, sessions)
    assert bridge.counters["handler_errors"] == 0
    with sessions() as s:
        (call,) = [c for c in s.scalars(select(Call)) if c.uniqueid not in ADOPTED]
        legs = call_legs.of_call(s, call.id)
        s.expunge_all()
    return call, legs


def shape(legs):
    return [(g.seq, g.queue_name, g.agent_interface, g.agent_name, g.wait_seconds,
             g.talk_seconds, g.ended_how.value if g.ended_how else None) for g in legs]


async def test_blind_transfer_is_written_as_two_legs(aredis, committing_sessionmaker):
    with committing_sessionmaker() as s:
        agent2 = s.scalars(select(User).where(User.login == "agent2")).one_or_none()
        agent2_id = agent2.id if agent2 else None
    call, legs = await recorded_call("pjsip-blind-transfer", aredis, committing_sessionmaker)
    assert shape(legs) == [
        (1, "violence", "PJSIP/agent1", "agent1", 2, 5, "transferred"),
        (2, "trafficking", "PJSIP/agent2", "agent2", 2, 8, "answered"),
    ]
    first, second = legs
    assert first.joined_at < first.answered_at < first.ended_at <= second.joined_at
    assert second.answered_at < second.ended_at <= call.ended_at
    assert (call.queue_name, call.wait_seconds, call.talk_seconds) == ("violence", 4, 13)
    assert call.outcome.value == "transferred"
    if agent2_id is not None:
        assert second.agent_user_id == agent2_id


async def test_a_wait_limit_and_its_overflow_are_two_legs(aredis, committing_sessionmaker):
    call, legs = await recorded_call("pjsip-queue-timeout", aredis, committing_sessionmaker)
    assert shape(legs) == [
        (1, "violence", None, None, 15, None, "timeout"),
        (2, "operator", "PJSIP/agent4", "agent4", 2, 6, "answered"),
    ]
    assert legs[0].answered_at is None and legs[1].answered_at is not None
    assert (call.queue_name, call.wait_seconds, call.talk_seconds) == ("violence", 17, 6)


async def test_attended_transfer_writes_the_consulted_agent_as_a_leg_without_a_queue(
        aredis, committing_sessionmaker):
    call, legs = await recorded_call("pjsip-attended-transfer", aredis,
                                     committing_sessionmaker)
    assert shape(legs) == [
        (1, "violence", "PJSIP/agent1", "agent1", 2, 12, "transferred"),
        (2, None, "PJSIP/agent2", "agent2", 0, 12, "answered"),
    ]
    assert legs[0].ended_at < legs[1].ended_at
    assert call.talk_seconds == 24


async def test_a_second_replay_adds_no_leg(aredis, committing_sessionmaker):
    await recorded_call("pjsip-blind-transfer", aredis, committing_sessionmaker)
    call, legs = await recorded_call("pjsip-blind-transfer", aredis, committing_sessionmaker)
    assert [g.seq for g in legs] == [1, 2]
    with committing_sessionmaker() as s:
        assert len(call_legs.of_calls(s, NODE, [call.uniqueid])) == 2
