"""FastAGI over real TCP: every menu path, silent callers, hang-ups, the units' answers."""

import asyncio

import pytest

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from ivr.ports import MemoryPorts
from tests.ivr.agi_peer import RECORDED, ivr_channel, recorded

LANGUAGES = {"1": ("th", None), "2": ("en", "english"), "3": ("my", "burmese"),
             "4": ("km", "khmer"), "5": ("lo", "lao")}
ISSUES = {"1": "violence", "2": "trafficking", "3": "trafficking", "4": "pregnancy",
          "5": "missing", "6": "homeless", "7": "welfare", "0": "operator",
          "9": "urgent", "8": "urgent"}


async def test_every_menu_path_in_every_language_over_tcp(start):
    running = await start()
    cases = [(lk, ik) for lk in LANGUAGES for ik in ISSUES]
    records = await asyncio.gather(*(running.call(ivr_channel([lk, ik])) for lk, ik in cases))
    for (lk, ik), record in zip(cases, records, strict=True):
        language, language_queue = LANGUAGES[lk]
        expected = ISSUES[ik] if ik in "89" else (language_queue or ISSUES[ik])
        variables = record.channel.variables
        assert variables["IVR_QUEUE"] == expected, (lk, ik)
        assert variables["IVR_LANGUAGE"] == language
        assert variables["IVR_SILENT"] == ("1" if ik == "8" else "0")
        assert record.closed_cleanly
    assert running.server.outcomes["ivr.finished"] == len(cases)


async def test_silent_caller_over_tcp_is_flagged_for_urgent(start):
    running = await start()
    record = await running.call(ivr_channel([]))
    assert record.channel.variables["IVR_QUEUE"] == "urgent"
    assert record.channel.variables["IVR_SILENT"] == "1"
    assert "Silent: 1" in record.channel.events[0]


async def test_recorded_environment_with_simulated_answers(start):
    running = await start()
    for name in RECORDED:
        env, _ = recorded(name)
        record = await running.call(ivr_channel(["1", "4"]), env)
        assert record.channel.variables["IVR_QUEUE"] == "pregnancy", name


async def test_hangup_at_every_step_over_tcp(start):
    running = await start()
    for step in range(9):  # the nine media commands of this path
        record = await running.call(ivr_channel(["2", "", ""], hangup_at=step))
        variables = record.channel.variables
        assert variables["IVR_CHOICE"] == "hangup", step
        # No queue before one was chosen ("" in the language menu), then the route.
        assert variables["IVR_QUEUE"] in ("", "operator", "english")
        # After the 511 nothing but bookkeeping was sent.
        dead_at = record.channel.commands.index(next(
            c for c in record.channel.commands if c.startswith("SET VARIABLE IVR_CHOICE")))
        assert not any(c.startswith(("STREAM", "WAIT"))
                       for c in record.channel.commands[dead_at:])


@pytest.mark.parametrize(("key", "answer"), [("1", "yes"), ("2", "no"), ("", "none")])
async def test_unit_accepts_or_declines_with_the_recorded_dispatch_environment(
    start, key, answer
):
    ports = MemoryPorts()
    running = await start(ports=ports)
    env, _ = recorded("fastagi-dispatch-ack")
    channel = SimulatedChannel(keys=[key] * 6, channel_vars={"RRU_UNIT": "TH-50"})
    record = await running.call(channel, env)
    assert record.channel.variables["DISPATCH_ACK"] == answer
    [recorded_answer] = ports.answers
    assert (recorded_answer.dispatch_id, recorded_answer.unit) == ("C-2568-000123", "TH-50")
    assert recorded_answer.answer == answer
