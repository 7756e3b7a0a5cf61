"""Call backs over real TCP: the offer, a booking that cannot be confirmed in time, and the
call back's greeting that only a key press gets past."""

import asyncio

import pytest

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel, environment
from ivr.ports import MemoryPorts
from ivr.server import Limits
from tests.ivr.agi_peer import ivr_channel


async def test_callback_offer_over_tcp(start):
    ports = MemoryPorts(waits={"violence": 900})
    running = await start(ports=ports, callback_threshold_s=60)
    record = await running.call(ivr_channel(["1", "1", "1"]))
    assert record.channel.variables["IVR_CALLBACK"] == "yes"
    assert ports.callbacks[0].call_id == "1795345559.1"


# --- booking a call back that cannot be confirmed in time -------------------------------------


async def test_a_booking_that_times_out_is_withdrawn_and_the_caller_told_so(start):
    class Slow(MemoryPorts):
        async def store_callback(self, request):
            await asyncio.sleep(0.3)  # longer than the port timeout below
            return await super().store_callback(request)

    ports = Slow(waits={"violence": 900})
    running = await start(ports=ports, callback_threshold_s=1,
                          limits=Limits(port_timeout_s=0.05))
    record = await running.call(ivr_channel(["1", "1", "1"]))
    assert record.channel.variables["IVR_CALLBACK"] == "no"
    assert any("/callback_failed" in c for c in record.channel.commands)
    assert not any("/callback_confirmed" in c for c in record.channel.commands)
    [withdrawn] = ports.cancelled
    assert withdrawn.call_id == "1795345559.1"


async def test_a_caller_who_hangs_up_during_the_confirmation_is_still_booked(start):
    ports = MemoryPorts(waits={"violence": 900})
    running = await start(ports=ports, callback_threshold_s=60)
    # media: welcome (1), problem menu (1), offer (1), confirmation: hang up there.
    record = await running.call(ivr_channel(["1", "1", "1"], hangup_at=3))
    assert record.channel.variables["IVR_CALLBACK"] == "yes"
    assert record.channel.variables["IVR_CHOICE"] == "hangup"
    assert len(ports.callbacks) == 1 and ports.cancelled == []


# --- the call back's greeting -------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "hangup_at", "reached"), [
    (["1"], None, "yes"), (["", "1"], None, "yes"), ([], None, "no"), (["2", "3"], None, "no"),
    (["1"], 0, "no"),
])
async def test_only_a_key_press_connects_a_called_back_person(start, keys, hangup_at, reached):
    running = await start()
    channel = SimulatedChannel(keys=keys, hangup_at=hangup_at,
                               channel_vars={"IVR_LANGUAGE": "my", "CALLBACK_ID": "7"})
    record = await running.call(channel, environment("callback-greeting", args=()))
    assert record.channel.variables["CALLBACK_REACHED"] == reached
    played = [c for c in record.channel.commands if c.startswith("STREAM FILE")]
    if hangup_at is None:
        assert played[0].startswith("STREAM FILE 1300/my/callback_greeting")


async def test_a_greeting_that_cannot_be_played_connects_the_person_anyway(start):
    running = await start()
    channel = SimulatedChannel(missing={"1300/th/callback_greeting", "1300/en/callback_greeting"},
                               channel_vars={"IVR_LANGUAGE": "en"})
    record = await running.call(channel, environment("callback-greeting", args=()))
    assert record.channel.variables["CALLBACK_REACHED"] == "yes"
    assert record.channel.variables["IVR_ERROR"] == "prompt_missing"
