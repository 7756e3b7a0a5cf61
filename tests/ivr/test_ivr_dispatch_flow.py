"""The field unit's voice alert: accept, decline, no answer, hang-up."""

import pytest

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from ivr.flows import dispatch
from ivr.flows.context import CallContext
from ivr.ports import MemoryPorts
from tests.ivr.ivr_support import drive


def run(keys, *, hangup_at=None, args=("D-42",), channel_vars=None):
    ports = MemoryPorts()
    channel = SimulatedChannel(
        keys=list(keys), hangup_at=hangup_at,
        channel_vars={"RRU_UNIT": "TH-50"} if channel_vars is None else channel_vars,
    )
    result = drive(dispatch.run(CallContext(call_id="1795345714.0", args=args)), channel, ports)
    return result, channel, ports


@pytest.mark.parametrize(("key", "answer"), [("1", "yes"), ("2", "no")])
def test_unit_answer_is_recorded_and_set(key, answer):
    result, channel, ports = run([key])
    assert channel.variables["DISPATCH_ACK"] == answer
    [recorded] = ports.answers
    assert (recorded.dispatch_id, recorded.unit, recorded.answer) == ("D-42", "TH-50", answer)
    assert result.recorded


def test_key_pressed_after_the_alert_counts():
    _, channel, _ = run(["", "1"])  # nothing during the alert, 1 during "press 1 or 2"
    assert channel.variables["DISPATCH_ACK"] == "yes"


def test_wrong_keys_repeat_the_alert_then_record_no_answer():
    _, channel, ports = run(["5", "", "", "7", "", "", "3", "", ""])
    assert channel.variables["DISPATCH_ACK"] == "none"
    assert ports.answers[0].answer == "none"
    assert sum("/dispatch_alert" in c for c in channel.commands) == 3


def test_unit_hanging_up_is_recorded_as_no_answer():
    for step in range(3):
        _, channel, ports = run([], hangup_at=step)
        assert channel.variables["DISPATCH_ACK"] == "none"
        assert ports.answers[0].answer == "none"


def test_dispatch_id_can_come_from_a_channel_variable():
    _, _, ports = run(["1"], args=(), channel_vars={"RRU_UNIT": "TH-50", "DISPATCH_ID": "D-7"})
    assert ports.answers[0].dispatch_id == "D-7"


def test_without_a_dispatch_id_nothing_is_recorded():
    result, channel, ports = run(["1"], args=(), channel_vars={})
    assert ports.answers == [] and not result.recorded
    assert channel.variables["DISPATCH_ACK"] == "yes"
