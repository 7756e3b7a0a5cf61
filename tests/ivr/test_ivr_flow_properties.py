"""Whatever a caller does, the hotline flow ends routed, announced and silent after hang-up."""

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.queues.catalog import BY_NAME
from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from ivr.flows import dispatch, hotline
from ivr.flows.context import CallContext
from ivr.ports import MemoryPorts
from tests.ivr.ivr_support import drive

KEYS = st.sampled_from(["", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"])
MEDIA = ("STREAM FILE", "WAIT FOR DIGIT", "GET DATA")


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(KEYS, max_size=8),
    hangup_at=st.none() | st.integers(min_value=0, max_value=30),
    wait=st.none() | st.floats(min_value=0, max_value=3600),
    number=st.sampled_from(["0812345678", ""]),
)
def test_every_caller_is_routed_and_announced_once(keys, hangup_at, wait, number):
    ports = MemoryPorts(waits={} if wait is None else {q: wait for q in BY_NAME})
    channel = SimulatedChannel(keys=list(keys), hangup_at=hangup_at,
                               channel_vars={"HOTLINE_CALL_ID": "1.1"})
    result = drive(hotline.run(CallContext(call_id="1.1", number=number)), channel, ports)
    variables = channel.variables
    if variables["IVR_QUEUE"] == "":
        # Only a caller who left before any route was chosen has no queue.
        assert variables["IVR_CHOICE"] == "hangup" and variables["IVR_PRIORITY"] == ""
    else:
        assert variables["IVR_QUEUE"] in BY_NAME
    assert variables["IVR_QUEUE"] == result.route.queue
    assert len(channel.events) == 1 and channel.events[0].startswith("IvrChoice,")
    assert len(channel.commands) < 60
    if variables["IVR_SILENT"] == "1":
        assert variables["IVR_QUEUE"] == "urgent"
    if variables["IVR_CALLBACK"] == "yes":
        assert len(ports.callbacks) == 1 and number
    if not channel.alive:
        # After the caller is gone: bookkeeping only, never another prompt.
        dead = next(i for i, c in enumerate(channel.commands)
                    if c.startswith(MEDIA) and i >= _media_index(channel, hangup_at))
        assert not any(c.startswith(MEDIA) for c in channel.commands[dead + 1:])
        assert variables["IVR_CHOICE"] == "hangup"


def _media_index(channel: SimulatedChannel, hangup_at: int) -> int:
    media = [i for i, c in enumerate(channel.commands) if c.startswith(MEDIA)]
    return media[hangup_at]


@settings(max_examples=150, deadline=None)
@given(keys=st.lists(KEYS, max_size=10), hangup_at=st.none() | st.integers(0, 10))
def test_every_unit_answer_is_recorded_once(keys, hangup_at):
    ports = MemoryPorts()
    channel = SimulatedChannel(keys=list(keys), hangup_at=hangup_at,
                               channel_vars={"RRU_UNIT": "RRU-TH-50"})
    result = drive(dispatch.run(CallContext(call_id="2.1", args=("42",))), channel, ports)
    assert channel.variables["DISPATCH_ACK"] in ("yes", "no", "none")
    assert [a.answer for a in ports.answers] == [result.answer]


PROMPT_FILES = [f"1300/{lang}/{prompt}" for lang in ("th", "en", "my")
                for prompt in ("welcome", "danger_hint", "language_offer", "problem_menu")]


@settings(max_examples=150, deadline=None)
@given(keys=st.lists(KEYS, max_size=6), missing=st.sets(st.sampled_from(PROMPT_FILES)))
def test_a_caller_is_counted_silent_only_after_hearing_every_menu_prompt(keys, missing):
    channel = SimulatedChannel(keys=list(keys), missing=set(missing),
                               channel_vars={"HOTLINE_CALL_ID": "1.1"})
    drive(hotline.run(CallContext(call_id="1.1", number="")), channel, MemoryPorts())
    variables = channel.variables
    assert variables["IVR_QUEUE"] in BY_NAME  # never left without a queue
    if variables["IVR_ERROR"] == "prompt_missing":
        assert variables["IVR_SILENT"] == "0" and variables["IVR_CHOICE"] == "error"
    if variables["IVR_SILENT"] == "1" and "8" not in keys:
        # Silence counted: every menu prompt of the language menu was heard (in a file that
        # exists), none was skipped for want of one.
        assert variables["IVR_ERROR"] == ""
