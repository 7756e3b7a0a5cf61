"""The IVR's own failures over real TCP: garbage or rejected replies, timeouts, bugs, runaway
flows, unknown scripts, failing ports and prompts that cannot be played. The caller still
reaches a queue (their language's, once chosen) and IVR_ERROR says why; a unit that could
not hear its alert has not answered it."""

import asyncio

import pytest

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel, environment
from ivr import flow
from ivr.flows import FLOWS, HOTLINE, FlowSpec
from ivr.ports import MemoryPorts
from ivr.prompts import PromptId
from ivr.server import Limits
from tests.ivr.agi_peer import garbage_after, ivr_channel, recorded


@pytest.mark.parametrize(
    "garbage", [b"hello\n", b"200 result=abc\n", b"200 result=1\n", b"999 strange\n"]
)
async def test_garbage_reply_sends_the_call_to_the_general_queue(start, garbage):
    running = await start()
    # Good answers to: GET HOTLINE_CALL_ID, the greeting (key 1), SET IVR_LANGUAGE; then
    # garbage for the problem menu's first prompt.
    channel = await garbage_after(running, 3, garbage)
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_ERROR"] == "bad_reply"
    assert "Error: bad_reply" in channel.events[-1]


@pytest.mark.parametrize(("key", "language", "queue"), [
    ("3", "my", "burmese"), ("2", "en", "english"), ("4", "km", "khmer"), ("1", "th", "operator"),
])
async def test_an_ivr_failure_after_the_language_choice_keeps_the_callers_language(
    start, key, language, queue
):
    running = await start()
    channel = await garbage_after(running, 3, b"200 result=abc\n", keys=(key, "1"))
    assert channel.variables["IVR_QUEUE"] == queue
    assert channel.variables["IVR_LANGUAGE"] == language
    assert channel.variables["IVR_ERROR"] == "bad_reply"
    assert f"Language: {language}" in channel.events[-1]


async def test_unanswered_command_times_out_and_falls_back(start):
    running = await start(limits=Limits(reply_margin_s=0.2, fallback_timeout_s=0.2))
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(environment())
    assert (await reader.readline()).startswith(b"GET VARIABLE")
    await running.settle("ivr.reply_timeout")
    await running.settle("ivr.fallback_failed")  # we never answered the fallback either
    writer.close()


async def test_a_bug_in_a_flow_sends_the_call_to_the_general_queue(start):
    def broken(ctx):
        yield from flow.set_var("IVR_LANGUAGE", "th")
        raise RuntimeError("boom")

    flows = {**FLOWS, "ivr": FlowSpec(broken, HOTLINE.fallback)}
    running = await start(flows=flows)
    record = await running.call(ivr_channel([]))
    assert record.channel.variables["IVR_QUEUE"] == "operator"
    assert record.channel.variables["IVR_ERROR"] == "flow_failed:RuntimeError"


async def test_a_runaway_flow_is_stopped(start):
    def loop(ctx):
        while True:
            yield from flow.set_var("X", "1")

    flows = {**FLOWS, "ivr": FlowSpec(loop, HOTLINE.fallback)}
    running = await start(flows=flows, limits=Limits(max_steps=50))
    record = await running.call(ivr_channel([]))
    assert record.channel.variables["IVR_ERROR"] == "too_many_steps"


async def test_unknown_script_goes_to_the_general_queue(start):
    running = await start()
    record = await running.call(ivr_channel([]), environment("nope"))
    assert record.channel.variables["IVR_QUEUE"] == "operator"
    assert record.channel.variables["IVR_ERROR"] == "unknown_script"


async def test_failing_ports_do_not_strand_the_caller(start):
    class Broken(MemoryPorts):
        async def estimated_wait(self, queue):
            raise ConnectionError("redis down")

    running = await start(ports=Broken())
    record = await running.call(ivr_channel(["1", "5"]))
    assert record.channel.variables["IVR_QUEUE"] == "missing"
    assert running.server.outcomes["ivr.port_failed"] == 1


async def test_slow_ports_time_out(start):
    class Slow(MemoryPorts):
        async def store_callback(self, request):
            await asyncio.sleep(10)

    running = await start(ports=Slow(waits={"violence": 900}), callback_threshold_s=1,
                          limits=Limits(port_timeout_s=0.1))
    record = await running.call(ivr_channel(["1", "1", "1"]))
    assert record.channel.variables["IVR_CALLBACK"] == "no"
    assert record.channel.variables["IVR_QUEUE"] == "violence"


@pytest.mark.parametrize("answer", [b"510 Invalid or unknown command\n",
                                    b"520-Invalid command syntax.  Proper usage follows:\n"
                                    b" Usage: STREAM FILE <filename> <escape_digits>\n"
                                    b"520 End of proper usage.\n"])
async def test_a_rejected_command_is_not_mistaken_for_a_hangup(start, answer):
    running = await start()
    channel = await garbage_after(running, 2, answer)
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_ERROR"] == "command_rejected"
    assert running.server.outcomes["ivr.command_rejected"] == 1


# --- prompts that cannot be played ------------------------------------------------------------

EVERY_FILE = {f"1300/{lang}/{prompt.value}" for lang in ("th", "en", "my", "km", "lo")
              for prompt in PromptId}


async def test_with_every_prompt_file_missing_no_caller_becomes_a_silent_caller(start):
    running = await start()
    records = await asyncio.gather(*(
        running.call(ivr_channel(keys, missing=set(EVERY_FILE)))
        for keys in ([], ["1", "1"], ["9"])
    ))
    for record in records:
        variables = record.channel.variables
        assert variables["IVR_QUEUE"] == "operator"
        assert variables["IVR_SILENT"] == "0"
        assert variables["IVR_ERROR"] == "prompt_missing"
        assert variables["IVR_CHOICE"] == "error"
        assert "Error: prompt_missing" in record.channel.events[-1]
        # Nobody was left waiting for a key after a menu nobody heard.
        assert not any(c.startswith("WAIT FOR DIGIT") for c in record.channel.commands)


async def test_a_missing_problem_menu_routes_a_lao_caller_to_the_lao_queue(start):
    running = await start()
    missing = {"1300/lo/problem_menu", "1300/th/problem_menu"}
    record = await running.call(ivr_channel(["5", "1"], missing=missing))
    variables = record.channel.variables
    assert (variables["IVR_QUEUE"], variables["IVR_LANGUAGE"]) == ("lao", "lo")
    assert variables["IVR_ERROR"] == "prompt_missing"


async def test_a_missing_callback_offer_keeps_the_chosen_route_and_says_why(start):
    ports = MemoryPorts(waits={"violence": 900})
    running = await start(ports=ports, callback_threshold_s=60)
    missing = {"1300/th/callback_offer"}
    record = await running.call(ivr_channel(["1", "1", "1"], missing=missing))
    variables = record.channel.variables
    assert (variables["IVR_QUEUE"], variables["IVR_CALLBACK"]) == ("violence", "no")
    assert variables["IVR_ERROR"] == "prompt_missing"
    assert ports.callbacks == []


async def test_a_unit_that_cannot_hear_the_alert_leaves_it_unanswered(start):
    ports = MemoryPorts()
    running = await start(ports=ports)
    env, _ = recorded("fastagi-dispatch-ack")
    missing = {"1300/th/dispatch_alert"}
    channel = SimulatedChannel(keys=["1"] * 6, missing=missing, channel_vars={"RRU_UNIT": "T"})
    record = await running.call(channel, env)
    assert record.channel.variables["DISPATCH_ACK"] == "none"
    await running.settle("ivr.prompt_missing")
    assert ports.answers == []  # never recorded as an answer: the escalation takes it
