"""The simulated channel answers the recorded commands as the recorded Asterisk 22 did.

Each `.agi` transcript is a throwaway IVR talking to a real Asterisk; feeding its commands
(``<`` lines) to ``SimulatedChannel`` with that caller's behaviour must give back the
recorded answers (``>`` lines). Only ``endpos`` values differ (they depend on the audio).
"""

import re
from pathlib import Path

import pytest

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel

FIXTURES = Path(__file__).parents[1] / "fixtures" / "asterisk"

CALLERS = {
    # keys at each interruptible input; hangup_at = index of the media command
    "fastagi-valid": SimulatedChannel(keys=["1"], channel_vars={
        "HOTLINE_CALL_ID": "1795345559.1"}),
    "fastagi-invalid-then-valid": SimulatedChannel(keys=["7", "2"], channel_vars={
        "HOTLINE_CALL_ID": "1795345619.1"}),
    "fastagi-timeout": SimulatedChannel(keys=[], channel_vars={
        "HOTLINE_CALL_ID": "1795345639.1"}),
    "fastagi-hangup": SimulatedChannel(hangup_at=1, channel_vars={
        "HOTLINE_CALL_ID": "1795345668.1"}),
    "fastagi-dispatch-ack": SimulatedChannel(keys=["1"], channel_vars={"RRU_UNIT": "TH-50"}),
}


def conversation(name: str) -> list[tuple[str, list[str]]]:
    """(command, the lines Asterisk answered) pairs; the closing HANGUP is left out."""
    lines = (FIXTURES / f"{name}.agi").read_text().splitlines()
    body = lines[lines.index(">") + 1:]
    pairs: list[tuple[str, list[str]]] = []
    for line in body:
        if line.startswith("< "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line[2:])
    _, last_answer = pairs[-1]
    if last_answer and last_answer[-1] == "HANGUP":
        last_answer.pop()  # sent after the server closed its side, not an answer
    return pairs


def without_endpos(line: str) -> str:
    return re.sub(r"endpos=\d+", "endpos=N", line)


@pytest.mark.parametrize("name", sorted(CALLERS))
def test_simulated_channel_answers_like_the_recorded_asterisk(name):
    channel = CALLERS[name]
    for command, recorded in conversation(name):
        answered = channel.answer(command + "\n")
        assert [without_endpos(a) for a in answered] == [without_endpos(r) for r in recorded], (
            command)


def test_unterminated_quote_is_a_usage_error():
    assert SimulatedChannel().answer('STREAM FILE "welcome 12\n')[0].startswith("520-")
