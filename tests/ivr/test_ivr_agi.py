"""The AGI parser and formatter, with literal lines from the recorded transcripts."""

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.simulators.asterisk.agi_channel import split_args
from ivr import agi
from ivr.agi import AgiProtocolError, LineBuffer, ReplyReader

FIXTURES = Path(__file__).parents[1] / "fixtures" / "asterisk"


def recorded_environment(name: str) -> list[str]:
    raw = (FIXTURES / f"{name}.agi.in.raw").read_bytes().decode()
    head, _, _ = raw.partition("\n\n")
    return [line + "\n" for line in head.split("\n")] + ["\n"]


@pytest.mark.parametrize("name", ["fastagi-valid", "fastagi-hangup", "fastagi-dispatch-ack"])
def test_recorded_environment_parses(name):
    env = agi.parse_environment(recorded_environment(name))
    assert env.get("agi_version") == "22.10.1"
    assert env.get("agi_accountcode") == ""  # "agi_accountcode: " has an empty value
    assert len(env.values) == 23


def test_environment_exposes_script_args_and_number():
    env = agi.parse_environment(recorded_environment("fastagi-dispatch-ack"))
    assert env.script == "dispatch"
    assert env.args == ("C-2568-000123",)
    assert env.uniqueid == "1795345714.0"
    assert env.caller_number == "1300"


def test_environment_rejects_garbage_line():
    with pytest.raises(AgiProtocolError, match="not an agi_"):
        agi.parse_environment(["GET / HTTP/1.1\n", "\n"])


def test_environment_rejects_empty_block_and_too_many_lines():
    with pytest.raises(AgiProtocolError, match="empty environment"):
        agi.parse_environment(["\n"])
    lines = [f"agi_arg_{i}: x\n" for i in range(agi.MAX_ENV_LINES + 1)]
    with pytest.raises(AgiProtocolError, match="too many"):
        agi.parse_environment([*lines, "\n"])


def test_environment_without_terminator_is_an_error():
    with pytest.raises(AgiProtocolError, match="terminating"):
        agi.parse_environment(["agi_network: yes\n"])


@pytest.mark.parametrize(
    ("line", "result", "data", "endpos"),
    [
        ("200 result=1 (1795345559.1)", "1", "1795345559.1", None),
        ("200 result=0 endpos=14400", "0", None, 14400),
        ("200 result=50 endpos=9920", "50", None, 9920),
        ("200 result= (timeout)", "", "timeout", None),
        ("200 result=-1", "-1", None, None),
        ("200 result=1", "1", None, None),
    ],
)
def test_recorded_200_replies(line, result, data, endpos):
    reply = agi.parse_reply_line(line + "\n")
    assert (reply.code, reply.result, reply.data, reply.endpos) == (200, result, data, endpos)


def test_511_is_a_dead_channel():
    reply = agi.parse_reply_line("511 Command Not Permitted on a dead channel or intercept routine")
    assert reply.dead_channel and not reply.ok


@pytest.mark.parametrize("line", ["", "garbage", "200", "200 result=abc", "999 what", "2OO ok"])
def test_garbage_replies_are_protocol_errors(line):
    with pytest.raises(AgiProtocolError):
        agi.parse_reply_line(line)


def test_overlong_reply_is_refused():
    with pytest.raises(AgiProtocolError, match="too long"):
        agi.parse_reply_line("200 result=1 (" + "x" * agi.MAX_LINE_BYTES + ")")


def test_hangup_line_marks_the_next_reply():
    reader = ReplyReader()
    assert reader.feed("HANGUP\n") is None
    reply = reader.feed("200 result=1\n")
    assert reply is not None and reply.ok and reply.hangup_seen


def test_520_usage_spans_lines():
    reader = ReplyReader()
    assert reader.feed("520-Invalid command syntax.  Proper usage follows:\n") is None
    assert reader.feed(" Usage: WAIT FOR DIGIT <timeout>\n") is None
    reply = reader.feed("520 End of proper usage.\n")
    assert reply is not None and reply.code == 520
    assert "Usage: WAIT FOR DIGIT" in reply.text


def test_520_usage_has_a_limit():
    reader = ReplyReader()
    reader.feed("520-Invalid\n")
    with pytest.raises(AgiProtocolError, match="too long"):
        for _ in range(agi.MAX_USAGE_LINES + 1):
            reader.feed("more\n")


def test_510_unknown_command():
    assert agi.parse_reply_line("510 Invalid or unknown command").code == 510


def test_keys_are_text_for_get_data_and_ascii_for_stream_file():
    get_data = agi.get_data("x", 4000, 1)
    stream = agi.stream_file("x", "0123456789*#")
    assert agi.key_of(get_data, agi.parse_reply_line("200 result=1")) == "1"
    assert agi.key_of(get_data, agi.parse_reply_line("200 result= (timeout)")) == ""
    assert agi.key_of(stream, agi.parse_reply_line("200 result=50 endpos=9920")) == "2"
    assert agi.key_of(stream, agi.parse_reply_line("200 result=0 endpos=14400")) == ""
    assert agi.key_of(stream, agi.parse_reply_line("200 result=-1")) is None
    wait = agi.wait_for_digit(4000)
    assert agi.key_of(wait, agi.parse_reply_line("200 result=35")) == "#"


def test_a_non_dtmf_key_code_is_a_protocol_error():
    with pytest.raises(AgiProtocolError):
        agi.key_of(agi.wait_for_digit(1), agi.parse_reply_line("200 result=1"))


def test_missing_file_is_told_apart_from_a_key():
    stream = agi.stream_file("1300/km/welcome", "1")
    assert agi.missing_file(stream, agi.parse_reply_line("200 result=-1 endpos=0"))
    assert not agi.missing_file(stream, agi.parse_reply_line("200 result=-1 endpos=4000"))


def test_commands_format_like_the_recorded_ones():
    assert agi.stream_file("dir-welcome").line() == 'STREAM FILE dir-welcome ""\n'
    assert agi.get_data("vm-enter-num-to-call", 4000, 1).line() == (
        "GET DATA vm-enter-num-to-call 4000 1\n"
    )
    assert agi.set_variable("IVR_QUEUE", "violence").line() == "SET VARIABLE IVR_QUEUE violence\n"
    assert agi.verbose("IVR: choice 1, queue violence").line() == (
        'VERBOSE "IVR: choice 1, queue violence" 1\n'
    )


def test_quoting_escapes_quotes_and_backslashes():
    assert agi.quote('say "hi" \\ now') == '"say \\"hi\\" \\\\ now"'
    with pytest.raises(ValueError, match="line break"):
        agi.quote("two\nlines")


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n\x00"), max_size=20)))
def test_split_args_reads_back_what_quote_wrote(args):
    line = " ".join(agi.quote(a) for a in args)
    assert split_args(line) == args


@pytest.mark.parametrize(
    ("callerid", "number"),
    [("0812345678", "0812345678"), ("+66812345678", "+66812345678"), ("unknown", ""),
     ("anonymous", ""), ("", ""), ("08123;rm", "")],
)
def test_caller_number_is_only_a_phone_number(callerid, number):
    env = agi.AgiEnvironment({"agi_callerid": callerid})
    assert env.caller_number == number


@given(st.text(max_size=200))
def test_any_reply_line_parses_or_is_a_protocol_error(line):
    reader = ReplyReader()
    with contextlib.suppress(AgiProtocolError):
        reader.feed(line)


@given(st.lists(st.text(max_size=60), max_size=30))
def test_any_environment_parses_or_is_a_protocol_error(lines):
    with contextlib.suppress(AgiProtocolError):
        agi.parse_environment(lines)


@given(st.binary(max_size=40))
def test_any_200_line_parses_or_is_a_protocol_error(tail):
    try:
        reply = agi.parse_reply_line("200 " + tail.decode("latin-1"))
    except AgiProtocolError:
        return
    assert reply.code == 200


def test_commands_never_carry_a_line_break():
    with pytest.raises(ValueError, match="line break"):
        agi.set_variable("IVR_ERROR", "a\nb").wire()


# --- lines ---------------------------------------------------------------------------------


def test_lines_are_decoded_as_utf8_else_tis620():
    lines = LineBuffer()
    lines.feed("agi_calleridname: สมชาย\n".encode("tis-620") + "agi_x: ไทย\n".encode())
    assert lines.next_line() == "agi_calleridname: สมชาย\n"
    assert lines.next_line() == "agi_x: ไทย\n"
    assert lines.next_line() is None


def test_an_overlong_line_is_refused_once_and_its_rest_skipped():
    lines = LineBuffer(limit=100)
    lines.feed(b"200 result=" + b"9" * 200)
    with pytest.raises(AgiProtocolError, match="too long"):
        lines.next_line()
    lines.feed(b"9" * 50)
    assert lines.next_line() is None
    lines.feed(b"99\n200 result=1\n")
    assert lines.next_line() == "200 result=1\n"


def test_discarding_says_whether_a_line_was_cut_short():
    lines = LineBuffer()
    lines.feed(b"200 resu")
    assert lines.mid_line and lines.discard()
    assert lines.next_line() is None and not lines.mid_line
    lines.feed(b"HANGUP\n")
    assert not lines.discard()
