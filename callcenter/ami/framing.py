"""Split the AMI byte stream into whole messages, then decode each message once.

Pure: bytes in, `Message`s and `Problem`s out. The driver feeds whatever the socket
returns; a Thai character split across two TCP reads is only decoded once the whole
message (ending in CRLF CRLF) has arrived, so it is never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import methodcaller

BANNER_PREFIX = b"Asterisk Call Manager/"
END = b"\r\n\r\n"
# Asterisk's largest real messages (Status with many variables) are a few kB; anything this
# big is garbage or an attack, and buffering it would let one peer exhaust memory.
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_HEADERS = 500
_SPLIT_HEADER = methodcaller("split", ": ", 1)


class Headers(dict):  # type: ignore[type-arg]
    """Header → value, one value each; a header that is not there reads as ""."""

    __slots__ = ()

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(slots=True)
class Message:
    """One AMI message: headers in wire order; a repeated header becomes a list."""

    headers: dict[str, str | list[str]]
    size: int = 0
    repeated: bool = False  # some header came more than once (its value is a list)

    def fields(self) -> Headers:
        """The headers with one value each (a repeated one's last), "" when absent.

        One C-level copy; then each header the event needs is one C-level lookup.
        """
        if not self.repeated:
            return Headers(self.headers)
        return Headers({k: (v[-1] if isinstance(v, list) else v)
                        for k, v in self.headers.items()})

    def get(self, name: str, default: str = "") -> str:
        value = self.headers.get(name, default)
        if isinstance(value, list):
            return value[-1]
        return value

    def get_all(self, name: str) -> list[str]:
        value = self.headers.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong on the wire, reported instead of raised so the stream goes on."""

    kind: str  # oversized | not_utf8 | garbage_line | too_many_headers | no_headers
    detail: str = ""


@dataclass(slots=True)
class Framer:
    """Incremental framer; keeps at most one partial message (≤ MAX_MESSAGE_BYTES)."""

    max_message_bytes: int = MAX_MESSAGE_BYTES
    banner: str | None = None
    # The first bytes of a peer whose first line is not Asterisk's banner (at most 60).
    not_banner: bytes | None = None
    _buffer: bytearray = field(default_factory=bytearray)
    _expect_banner: bool = True
    # True while throwing away an oversized message up to its end boundary.
    _skipping: bool = False
    # Optional cheap test on the raw bytes: True drops a message before it is decoded.
    skip: Callable[[bytes], bool] | None = None
    skipped: int = 0

    def feed(self, data: bytes) -> tuple[list[Message], list[Problem]]:
        messages: list[Message] = []
        problems: list[Problem] = []
        buf = self._buffer
        buf += data
        if self._expect_banner:
            newline = buf.find(b"\r\n")
            if newline < 0:
                if len(buf) > 200:  # no banner line at all: not an AMI server, parse anyway
                    self._expect_banner = False
                    self.not_banner = bytes(buf[:60])
                else:
                    return messages, problems
            else:
                if buf.startswith(BANNER_PREFIX):
                    self.banner = buf[:newline].decode("ascii", "replace")
                    del buf[: newline + 2]
                else:
                    self.not_banner = bytes(buf[:min(newline, 60)])
                self._expect_banner = False
        if END in buf:
            # One C-level split per read, rather than a search per message.
            parts = bytes(buf).split(END)
            buf[:] = parts.pop()
            skip = self.skip
            for chunk in parts:
                if self._skipping:
                    self._skipping = False
                elif skip is not None and skip(chunk):
                    self.skipped += 1
                elif not chunk or (chunk[0] in b" \r\n\t" and not chunk.strip()):
                    continue
                elif len(chunk) > self.max_message_bytes:
                    problems.append(Problem("oversized", f"{len(chunk)} bytes"))
                else:
                    parse_into(chunk, messages, problems)
        if len(buf) > self.max_message_bytes:
            # Keep only the last 3 bytes: they may hold the start of the boundary.
            if not self._skipping:
                problems.append(
                    Problem("oversized", f"message over {self.max_message_bytes} bytes")
                )
            self._skipping = True
            del buf[:-3]
        return messages, problems

    @property
    def pending_bytes(self) -> int:
        return len(self._buffer)

    def reset(self) -> None:
        """Forget everything: a new connection starts with a new banner."""
        self._buffer.clear()
        self._expect_banner = True
        self._skipping = False
        self.banner = None
        self.not_banner = None


def shown(raw: bytes, limit: int = 40) -> str:
    """Bytes as printable ASCII for a log line or a fault: others escaped, the rest clipped."""
    text = "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in raw[:limit])
    return text + ("…" if len(raw) > limit else "")


def decode(raw: bytes) -> tuple[str, bool]:
    """Decode a whole message as UTF-8, else as TIS-620 (cp874 is its Windows superset)."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("cp874", "replace"), False


def parse_into(raw: bytes, messages: list[Message], problems: list[Problem]) -> None:
    text, was_utf8 = decode(raw)
    if not was_utf8:
        problems.append(Problem("not_utf8", "decoded as TIS-620"))
    lines = text.split("\r\n")
    if len(lines) <= MAX_HEADERS:
        # Fast path for the usual message: every line "Key: value", no key repeated.
        try:
            fast = dict(map(_SPLIT_HEADER, lines))
        except ValueError:
            fast = None
        if fast is not None and len(fast) == len(lines) and "" not in fast:
            messages.append(Message(fast, len(raw)))  # type: ignore[arg-type]
            return
    headers: dict[str, str | list[str]] = {}
    count = 0
    repeated = False
    for line in lines:
        key, sep, value = line.partition(": ")
        if not sep:
            key, sep, value = line.partition(":")
            if not sep or not key or " " in key:
                if line.strip():
                    problems.append(Problem("garbage_line", f"{len(line)} chars"))
                continue
        count += 1
        if count > MAX_HEADERS:
            problems.append(Problem("too_many_headers", f"over {MAX_HEADERS}"))
            break
        old = headers.get(key)
        if old is None:
            headers[key] = value
        elif isinstance(old, list):
            old.append(value)
        else:
            headers[key] = [old, value]
            repeated = True
    if not headers:
        problems.append(Problem("no_headers"))
        return
    messages.append(Message(headers, len(raw), repeated))


def parse_message(raw: bytes) -> Message | None:
    """Parse one message's bytes (without the final CRLF CRLF); for tests and tools."""
    messages: list[Message] = []
    parse_into(raw, messages, [])
    return messages[0] if messages else None


def split_messages(data: bytes) -> list[bytes]:
    """Split a whole recording into raw messages; the bare loop the benchmark compares to."""
    parts = data.split(END)
    return [p for p in parts if p]
