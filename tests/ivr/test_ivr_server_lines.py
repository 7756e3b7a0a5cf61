"""Lines the peer gets wrong over real TCP: a caller name in TIS-620 in the header, a reply
line far too long or cut short. The caller still hears the menus, or at least reaches a
queue with IVR_ERROR saying why."""

from callcenter.simulators.asterisk.agi_channel import environment
from ivr.server import Limits
from tests.ivr.agi_peer import ANSWER, ivr_channel, scripted_peer

# Asterisk passes a trunk's caller name on byte for byte: here TIS-620, not UTF-8.
TIS620_NAME = "สมชาย ใจดี".encode("tis-620")


async def test_a_tis620_caller_name_in_the_header_still_gets_the_menus(start):
    running = await start()
    env = environment().replace(b"agi_calleridname: unknown",
                                b"agi_calleridname: " + TIS620_NAME)
    assert TIS620_NAME in env
    record = await running.call(ivr_channel(["1", "1"]), env)
    variables = record.channel.variables
    assert (variables["IVR_QUEUE"], variables["IVR_CHOICE"]) == ("violence", "11")
    assert "IVR_ERROR" not in variables or variables["IVR_ERROR"] == ""
    assert "ivr.header_garbage" not in running.server.outcomes
    assert any(c.startswith("STREAM FILE") or c.startswith("GET DATA")
               for c in record.channel.commands)


async def test_an_overlong_reply_line_arriving_in_parts_still_sets_ivr_error(start):
    running = await start()
    # The 4th command (the problem menu) is answered by 20 kB in three reads, then its LF;
    # the fallback's commands are answered properly after it.
    long_line = [b"200 result=" + b"9" * 9000, 0.05, b"9" * 9000, 0.05, b"9" * 2000 + b"\n"]
    channel = await scripted_peer(running, {4: long_line})
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_ERROR"] == "bad_reply"
    assert running.server.outcomes.get("ivr.fallback") == 1


async def test_a_reply_cut_short_then_the_next_answer_still_sets_ivr_error(start):
    running = await start(limits=Limits(reply_margin_s=0.2, fallback_timeout_s=2))
    # GET VARIABLE is answered with half a line only; after the timeout the fallback's
    # first command gets its own answer (the half line's rest never comes).
    channel = await scripted_peer(running, {1: [b"200 resu"]})
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_ERROR"] == "reply_timeout"
    assert running.server.outcomes.get("ivr.fallback") == 1


async def test_a_reply_cut_short_whose_rest_comes_late_still_sets_ivr_error(start):
    running = await start(limits=Limits(reply_margin_s=0.2, fallback_timeout_s=2))
    # The rest of the cut line comes just before the answer to the fallback's command.
    channel = await scripted_peer(running, {1: [b"200 resu"],
                                            2: [b"lt=1 (1795345559.1)\n", ANSWER]})
    assert channel.variables["IVR_QUEUE"] == "operator"
    assert channel.variables["IVR_ERROR"] == "reply_timeout"
    assert running.server.outcomes.get("ivr.fallback") == 1
