"""FastAGI over real TCP: recorded and generated conversations, bad peers, faults."""

import asyncio
import time
from pathlib import Path

import pytest

from callcenter.ami.agi_simulator import SimulatedChannel, call, environment
from ivr import agi, flow
from ivr.flows import FLOWS, HOTLINE, FlowSpec
from ivr.ports import MemoryPorts
from ivr.prompts import PromptId
from ivr.server import FastAgiServer, Limits

FIXTURES = Path(__file__).parents[1] / "fixtures" / "asterisk"
RECORDED = ["fastagi-valid", "fastagi-invalid-then-valid", "fastagi-timeout", "fastagi-hangup"]


def recorded(name: str) -> tuple[bytes, list[str]]:
    """The recorded environment block, and the reply lines Asterisk sent after it."""
    raw = (FIXTURES / f"{name}.agi.in.raw").read_bytes()
    head, _, rest = raw.partition(b"\n\n")
    return head + b"\n\n", rest.decode().splitlines()


class Running:
    def __init__(self, server: FastAgiServer, host: str, port: int) -> None:
        self.server, self.host, self.port = server, host, port

    async def call(self, channel: SimulatedChannel, env: bytes | None = None, **kw):
        return await call(self.host, self.port, channel, env or environment(**kw))

    async def settle(self, event: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the server has counted ``event`` ``count`` times."""
        deadline = time.monotonic() + timeout
        while self.server.outcomes.get(event, 0) < count:
            assert time.monotonic() < deadline, (event, self.server.outcomes)
            await asyncio.sleep(0.01)


@pytest.fixture
async def start():
    listeners = []

    async def _start(**kwargs) -> Running:
        server = FastAgiServer(kwargs.pop("ports", None) or MemoryPorts(), **kwargs)
        listener = await server.start("127.0.0.1", 0)
        listeners.append(listener)
        port = listener.sockets[0].getsockname()[1]
        return Running(server, "127.0.0.1", port)

    yield _start
    for listener in listeners:
        listener.close()
        await listener.wait_closed()


def ivr_channel(keys, **kw) -> SimulatedChannel:
    return SimulatedChannel(keys=list(keys), channel_vars={"HOTLINE_CALL_ID": "1795345559.1"}, **kw)


# --- generated conversations: every path, every language --------------------------------

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


async def test_callback_offer_over_tcp(start):
    ports = MemoryPorts(waits={"violence": 900})
    running = await start(ports=ports, callback_threshold_s=60)
    record = await running.call(ivr_channel(["1", "1", "1"]))
    assert record.channel.variables["IVR_CALLBACK"] == "yes"
    assert ports.callbacks[0].call_id == "1795345559.1"


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


# --- recorded conversations replayed line by line ---------------------------------------


async def replay(running: Running, name: str) -> list[str]:
    """Send the recorded bytes: the environment, then one recorded answer per command.

    Our menus are not the throwaway IVR's, so the answers do not fit our commands; the
    point is that real Asterisk lines (HANGUP, 511, result=-1, (timeout)) never crash us.
    """
    env, lines = recorded(name)
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(env)
    sent: list[str] = []
    replies = iter(lines)
    try:
        while True:
            command = await asyncio.wait_for(reader.readline(), 5)
            if not command:
                break
            sent.append(command.decode().rstrip("\n"))
            for line in replies:
                writer.write(line.encode() + b"\n")
                if line != "HANGUP":
                    break
            else:
                break  # the recording is over: close like Asterisk would
            await writer.drain()
    finally:
        writer.close()
    return sent


@pytest.mark.parametrize("name", [*RECORDED, "fastagi-dispatch-ack"])
async def test_recorded_conversation_replay_never_crashes_the_server(start, name):
    running = await start()
    sent = await replay(running, name)
    assert sent[0].startswith("GET VARIABLE")
    await asyncio.sleep(0.05)
    assert running.server.active == 0
    assert "ivr.session_crashed" not in running.server.outcomes


async def test_recorded_hangup_replay_records_the_hangup(start):
    running = await start()
    sent = await replay(running, "fastagi-hangup")
    # welcome (th), then the recorded GET DATA's "result=-1" arrives: the caller is gone.
    assert "SET VARIABLE IVR_CHOICE hangup" in sent
    assert not any(c.startswith("STREAM FILE") for c in sent[sent.index(
        "SET VARIABLE IVR_CHOICE hangup"):])


# --- bad peers --------------------------------------------------------------------------


async def test_half_header_then_close_ends_that_session_only(start):
    running = await start()
    _, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(b"agi_network: yes\nagi_network_scr")
    await writer.drain()
    writer.close()
    good = await running.call(ivr_channel(["1", "1"]))
    await running.settle("ivr.header_incomplete")
    assert good.channel.variables["IVR_QUEUE"] == "violence"
    assert running.server.active == 0


async def test_stalled_header_times_out_while_others_are_served(start):
    running = await start(limits=Limits(header_timeout_s=0.3))
    _, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(b"agi_network: yes\n")
    await writer.drain()
    started = time.monotonic()
    good = await running.call(ivr_channel(["2", "7"]))
    assert time.monotonic() - started < 0.3  # not held up by the stalled peer
    assert good.channel.variables["IVR_QUEUE"] == "english"
    await running.settle("ivr.header_timeout")
    writer.close()


@pytest.mark.parametrize(
    "payload",
    [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"\n", b"\x00\xff\xfe garbage\n\n",
     b"agi_network: yes\n" + b"x" * 20000 + b"\n\n"],
)
async def test_garbage_instead_of_a_header_is_refused(start, payload):
    running = await start()
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(payload)
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 2) == b""  # we close, sending nothing
    writer.close()
    await running.settle("ivr.header_garbage")


async def garbage_after(running: Running, good_replies: int, garbage: bytes,
                        keys=("1", "1")) -> SimulatedChannel:
    """A peer that answers ``good_replies`` commands properly, then sends ``garbage``."""
    channel = ivr_channel(list(keys))
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(environment())
    count = 0
    while True:
        line = await asyncio.wait_for(reader.readline(), 5)
        if not line:
            break
        answer = channel.answer(line.decode())
        count += 1
        if count == good_replies + 1:
            writer.write(garbage)
        else:
            writer.write("".join(a + "\n" for a in answer).encode())
        await writer.drain()
    writer.close()
    return channel


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


async def test_connections_over_the_limit_are_refused_not_queued(start):
    running = await start(limits=Limits(max_connections=1, header_timeout_s=0.5))
    _, stalled = await asyncio.open_connection(running.host, running.port)
    await asyncio.sleep(0.05)
    refused = await running.call(ivr_channel(["1", "1"]))
    assert refused.channel.commands == []
    await running.settle("ivr.refused")
    await running.settle("ivr.header_timeout")
    served = await running.call(ivr_channel(["1", "1"]))
    assert served.channel.variables["IVR_QUEUE"] == "violence"
    stalled.close()


async def test_bad_peers_do_not_disturb_concurrent_callers(start):
    running = await start(limits=Limits(header_timeout_s=0.5))

    async def half_header():
        _, writer = await asyncio.open_connection(running.host, running.port)
        writer.write(b"agi_network: yes\nagi_")
        await writer.drain()
        writer.close()

    async def garbage():
        _, writer = await asyncio.open_connection(running.host, running.port)
        writer.write(b"\x16\x03\x01 TLS hello\n")
        await writer.drain()
        writer.close()

    bad = [half_header() for _ in range(20)] + [garbage() for _ in range(20)]
    good = [running.call(ivr_channel(["1", "2"])) for _ in range(40)]
    results = await asyncio.gather(*bad, *good)
    for record in results[40:]:
        assert record.channel.variables["IVR_QUEUE"] == "trafficking"
    await running.settle("ivr.header_incomplete", 20)


def test_commands_never_carry_a_line_break():
    with pytest.raises(ValueError, match="line break"):
        agi.set_variable("IVR_ERROR", "a\nb").wire()


async def test_random_bytes_from_the_peer_never_crash_the_server(start):
    import random

    running = await start(limits=Limits(header_timeout_s=0.5, reply_margin_s=0.3,
                                        fallback_timeout_s=0.2))
    rng = random.Random(4)

    async def noisy(seed: int) -> None:
        rng_local = random.Random(seed)
        _, writer = await asyncio.open_connection(running.host, running.port)
        if rng_local.random() < 0.5:
            writer.write(environment())
        for _ in range(rng_local.randint(1, 6)):
            writer.write(rng_local.randbytes(rng_local.randint(1, 300)))
            writer.write(b"\n" if rng_local.random() < 0.7 else b"")
        await writer.drain()
        await asyncio.sleep(rng_local.random() * 0.1)
        writer.close()

    await asyncio.gather(*(noisy(rng.randint(0, 10**9)) for _ in range(60)))
    good = await running.call(ivr_channel(["5", "7"]))
    assert good.channel.variables["IVR_QUEUE"] == "lao"
    deadline = time.monotonic() + 5
    while running.server.active and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert running.server.active == 0
    assert "ivr.session_crashed" not in running.server.outcomes


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
