"""The AGI wire protocol, without sockets: the environment block, replies, commands.

What real Asterisk 22 sends (see tests/fixtures/asterisk/fastagi-*.agi):
- on connect, ``agi_<name>: <value>`` lines then an empty line; lines end with a single LF;
- each command is answered by one line ``<code> <text>``: ``200 result=1 (value)``,
  ``200 result= (timeout)``, ``200 result=50 endpos=9920``, ``510 Invalid or unknown command``,
  ``511 Command Not Permitted on a dead channel or intercept routine``; a ``520`` usage answer
  spans several lines (``520-…`` first, ``520 End of proper usage.`` last);
- after the caller hangs up, a bare ``HANGUP`` line comes before the next answer.

Every parser here has a size limit and raises ``AgiProtocolError`` with what was wrong.
Lines are decoded as the AMI bridge decodes Asterisk's text (UTF-8, else TIS-620): a trunk
may hand Asterisk a caller name in TIS-620, and Asterisk passes its bytes on unchanged.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field

from callcenter.ami.framing import decode

MAX_LINE_BYTES = 4096
MAX_ENV_LINES = 128
MAX_USAGE_LINES = 64


class AgiProtocolError(Exception):
    """The peer sent something that is not AGI (or too much of it)."""


# --- lines ---------------------------------------------------------------------------------


@dataclass
class LineBuffer:
    """Bytes in, whole LF-ended lines out (decoded), without sockets.

    A line longer than ``limit`` bytes is refused once (``AgiProtocolError``) and the rest
    of it, however it arrives, is skipped up to its LF, so the next line read is a whole
    one. ``discard`` forgets what came unasked before a fresh command, and says whether
    the peer had stopped inside a line (a reply cut short by a timeout).
    """

    limit: int = 2 * MAX_LINE_BYTES
    _buffer: bytearray = field(default_factory=bytearray)
    _skipping: bool = False

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_line(self) -> str | None:
        """The next whole line (with its LF), or None until more bytes come."""
        buf = self._buffer
        end = buf.find(b"\n")
        if self._skipping:
            if end < 0:
                buf.clear()
                return None
            del buf[: end + 1]
            self._skipping = False
            end = buf.find(b"\n")
        if end < 0:
            if len(buf) > self.limit:
                buf.clear()
                self._skipping = True
                raise AgiProtocolError("line too long")
            return None
        raw = bytes(buf[: end + 1])
        del buf[: end + 1]
        if len(raw) > self.limit:
            raise AgiProtocolError("line too long")
        return decode(raw)[0]

    @property
    def mid_line(self) -> bool:
        """Part of a line is in, or still to be skipped: the stream is not at a line start."""
        return self._skipping or (bool(self._buffer) and b"\n" not in self._buffer)

    def discard(self) -> bool:
        """Forget what came unasked; True when it ended inside a line (its rest may follow).

        The rest of a line refused as too long is still skipped up to its LF.
        """
        cut = self.mid_line and not self._skipping
        self._buffer.clear()
        return cut


# --- the environment block ---------------------------------------------------------------

_ENV_NAME = re.compile(r"agi_[a-z0-9_]{1,40}")
_PHONE = re.compile(r"\+?[0-9]{3,20}")


def parse_env_line(line: str) -> tuple[str, str] | None:
    """Split one ``agi_name: value`` line; ``None`` for the empty line that ends the block."""
    if len(line) > MAX_LINE_BYTES:
        raise AgiProtocolError("environment line too long")
    line = line.rstrip("\r\n")
    if line == "":
        return None
    name, sep, value = line.partition(":")
    if not sep or not _ENV_NAME.fullmatch(name):
        raise AgiProtocolError(f"not an agi_* environment line ({len(line)} chars)")
    # Asterisk writes "name: value"; an empty value is "name: " (agi_accountcode).
    return name, value.removeprefix(" ")


@dataclass(frozen=True, slots=True)
class AgiEnvironment:
    """The variables Asterisk sends when a FastAGI session opens."""

    values: dict[str, str]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    @property
    def script(self) -> str:
        """The URL path of ``agi://host:port/<script>``: which flow to run."""
        return self.get("agi_network_script").strip("/")

    @property
    def uniqueid(self) -> str:
        return self.get("agi_uniqueid")

    @property
    def language(self) -> str:
        return self.get("agi_language")

    @property
    def caller_number(self) -> str:
        """The caller's number, "" when withheld or not a number; personal data: never log it."""
        number = self.get("agi_callerid")
        # Asterisk says "unknown" for no caller ID; telcos send "anonymous" and the like.
        return number if _PHONE.fullmatch(number) else ""

    @property
    def args(self) -> tuple[str, ...]:
        """``agi_arg_1``, ``agi_arg_2``… in order (the AGI() arguments after the URL)."""
        found = []
        index = 1
        while f"agi_arg_{index}" in self.values:
            found.append(self.values[f"agi_arg_{index}"])
            index += 1
        return tuple(found)


@dataclass
class EnvironmentReader:
    """Collect environment lines one at a time until the empty line."""

    values: dict[str, str] = field(default_factory=dict)
    done: bool = False

    def feed(self, line: str) -> bool:
        """Take one line; return True when the block is complete."""
        if self.done:
            raise AgiProtocolError("environment already complete")
        pair = parse_env_line(line)
        if pair is None:
            if not self.values:
                raise AgiProtocolError("empty environment block")
            self.done = True
            return True
        if len(self.values) >= MAX_ENV_LINES:
            raise AgiProtocolError("too many environment lines")
        self.values[pair[0]] = pair[1]
        return False

    def environment(self) -> AgiEnvironment:
        if not self.done:
            raise AgiProtocolError("environment not complete")
        return AgiEnvironment(dict(self.values))


def parse_environment(lines: list[str]) -> AgiEnvironment:
    reader = EnvironmentReader()
    for line in lines:
        if reader.feed(line):
            return reader.environment()
    raise AgiProtocolError("environment block has no terminating empty line")


# --- replies -------------------------------------------------------------------------------

_REPLY_200 = re.compile(
    r"200 result=(?P<result>-?\d*)"
    r"(?: \((?P<data>[^\n]*)\))?"
    r"(?: endpos=(?P<endpos>\d+))?"
)


@dataclass(frozen=True, slots=True)
class AgiReply:
    """One answer to one command.

    ``hangup_seen`` is True when a ``HANGUP`` line came before it: the caller is gone, even
    if the answer itself says success (``SET VARIABLE`` still answers 200 on a dead channel).
    """

    code: int
    result: str = ""
    data: str | None = None
    endpos: int | None = None
    text: str = ""
    hangup_seen: bool = False

    @property
    def ok(self) -> bool:
        return self.code == 200

    @property
    def dead_channel(self) -> bool:
        """The command could not run because the channel is hung up (``511``)."""
        return self.code == 511


def parse_reply_line(line: str) -> AgiReply:
    """Parse a single-line answer (not ``HANGUP``, not a ``520-`` continuation)."""
    if len(line) > MAX_LINE_BYTES:
        raise AgiProtocolError("reply line too long")
    line = line.rstrip("\r\n")
    if line.startswith("200 "):
        match = _REPLY_200.fullmatch(line)
        if not match:
            raise AgiProtocolError(f"malformed 200 reply ({len(line)} chars)")
        endpos = match["endpos"]
        return AgiReply(
            code=200,
            result=match["result"],
            data=match["data"],
            endpos=int(endpos) if endpos is not None else None,
            text=line,
        )
    code, _, rest = line.partition(" ")
    if code in ("510", "511", "520"):
        return AgiReply(code=int(code), text=rest)
    raise AgiProtocolError(f"unexpected reply ({len(line)} chars)")


@dataclass
class ReplyReader:
    """Turn the lines that answer one command into one ``AgiReply``.

    Feed lines until ``feed`` returns a reply; ``HANGUP`` lines and ``520-`` usage
    continuation lines are absorbed on the way.
    """

    hangup_seen: bool = False
    _usage: list[str] | None = None

    def feed(self, line: str) -> AgiReply | None:
        if len(line) > MAX_LINE_BYTES:
            raise AgiProtocolError("reply line too long")
        line = line.rstrip("\r\n")
        if self._usage is not None:
            if line.startswith("520 "):
                text = "\n".join([*self._usage, line[4:]])
                self._usage = None
                return self._finish(AgiReply(code=520, text=text))
            if len(self._usage) >= MAX_USAGE_LINES:
                raise AgiProtocolError("520 usage text too long")
            self._usage.append(line)
            return None
        if line == "HANGUP":
            self.hangup_seen = True
            return None
        if line.startswith("520-"):
            self._usage = [line[4:]]
            return None
        return self._finish(parse_reply_line(line))

    def _finish(self, reply: AgiReply) -> AgiReply:
        if self.hangup_seen:
            reply = AgiReply(
                code=reply.code,
                result=reply.result,
                data=reply.data,
                endpos=reply.endpos,
                text=reply.text,
                hangup_seen=True,
            )
        return reply


# --- commands --------------------------------------------------------------------------------


class Answer(enum.Enum):
    """How to read the ``result=`` of a command; Asterisk is not consistent about it."""

    STATUS = "status"  # 1/0 success, -1 failure
    KEY_ASCII = "key_ascii"  # STREAM FILE, WAIT FOR DIGIT: ASCII code of the key, 0 = none
    KEYS_TEXT = "keys_text"  # GET DATA: the keys as text, "" + (timeout) = none
    VALUE = "value"  # GET VARIABLE: 1 (value) or 0 when unset


_UNSAFE = re.compile(r'[\s"\\]')


def quote(arg: str) -> str:
    """Quote one argument the way res_agi's parse_args reads it back.

    Arguments are split on whitespace; double quotes group, a backslash escapes the next
    character. A line break would end the command, so it is refused outright.
    """
    if any(ch in arg for ch in "\r\n\x00"):
        raise ValueError("AGI argument contains a line break or NUL")
    if arg and not _UNSAFE.search(arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@dataclass(frozen=True, slots=True)
class Command:
    """An AGI command ready to send, and how to read its answer."""

    verb: str
    args: tuple[str, ...] = ()
    answer: Answer = Answer.STATUS
    # Longest time Asterisk may legitimately take before answering (prompt + wait).
    expected_seconds: float = 0.0

    def line(self) -> str:
        parts = [self.verb, *(quote(a) for a in self.args)]
        return " ".join(parts) + "\n"

    def wire(self) -> bytes:
        return _wire(self)


# A call sends a dozen commands and the hotline's calls send the same few dozen (a menu's
# prompts in five languages): quoting and encoding each again cost some 10 µs a command,
# a lookup costs 1. A Command is frozen, so its bytes can be kept; bounded, since
# SET VARIABLE carries per-call values.
@functools.lru_cache(maxsize=1024)
def _wire(command: Command) -> bytes:
    data = command.line().encode("utf-8")
    if len(data) > MAX_LINE_BYTES:
        raise ValueError("AGI command too long")
    return data


def stream_file(name: str, escape_digits: str = "") -> Command:
    # Asterisk throws away keys pressed during a prompt with no escape digits ("").
    return Command("STREAM FILE", (name, escape_digits), Answer.KEY_ASCII, 120.0)


def get_data(name: str, timeout_ms: int, max_digits: int) -> Command:
    return Command(
        "GET DATA", (name, str(timeout_ms), str(max_digits)), Answer.KEYS_TEXT,
        120.0 + timeout_ms / 1000,
    )


def wait_for_digit(timeout_ms: int) -> Command:
    return Command("WAIT FOR DIGIT", (str(timeout_ms),), Answer.KEY_ASCII, timeout_ms / 1000)


def set_variable(name: str, value: str) -> Command:
    return Command("SET VARIABLE", (name, value))


def get_variable(name: str) -> Command:
    return Command("GET VARIABLE", (name,), Answer.VALUE)


def exec_app(application: str, data: str) -> Command:
    return Command("EXEC", (application, data), Answer.STATUS, 5.0)


def verbose(message: str, level: int = 1) -> Command:
    return Command("VERBOSE", (message, str(level)))


# --- reading answers --------------------------------------------------------------------------


def key_of(command: Command, reply: AgiReply) -> str | None:
    """The key a media command returned, ``""`` for none, ``None`` when the call is gone.

    ``None`` covers ``result=-1`` (hang-up or failure), ``511`` and a preceding ``HANGUP``.
    """
    if reply.hangup_seen or reply.dead_channel or not reply.ok:
        return None
    if reply.result.startswith("-"):
        return None
    if command.answer is Answer.KEYS_TEXT:
        return reply.result
    if command.answer is Answer.KEY_ASCII:
        code = int(reply.result or "0")
        if code == 0:
            return ""
        if 0 < code < 128 and chr(code) in "0123456789*#ABCD":
            return chr(code)
        raise AgiProtocolError(f"key code {code} is not a DTMF key")
    raise ValueError(f"{command.verb} does not return keys")


def missing_file(command: Command, reply: AgiReply) -> bool:
    """STREAM FILE answers ``result=-1 endpos=0`` when it cannot open the file."""
    return (
        command.verb == "STREAM FILE"
        and reply.ok
        and not reply.hangup_seen
        and reply.result == "-1"
        and reply.endpos == 0
    )


def value_of(reply: AgiReply) -> str | None:
    """The value a GET VARIABLE returned, or ``None`` when the variable is unset."""
    if reply.ok and reply.result == "1":
        return reply.data or ""
    return None

