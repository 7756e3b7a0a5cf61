"""SIMULATED Asterisk channel that answers FastAGI commands the way Asterisk 22 does.

Not Asterisk. The tests, the IVR benchmark and the demo's traffic simulator
(``callcenter.simulators.asterisk``) use it to drive the IVR over real FastAGI without a PBX. The
answers copy the recorded transcripts (``asterisk/transcripts/*.agi``): keys as ASCII codes
from STREAM FILE/WAIT FOR DIGIT and as text from GET DATA, keys pressed during a prompt
without escape digits thrown away, and after a hang-up a ``HANGUP`` line before the next
answer and ``511`` for media commands. ``SimulatedChannel`` is pure; ``call`` is the small
socket driver. It imports nothing from the project (it lives here because ``callcenter``
may not import ``ivr``; the IVR's tests import it from here).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MEDIA = ("STREAM FILE", "GET DATA", "WAIT FOR DIGIT", "CONTROL STREAM FILE", "SAY DIGITS")
DEAD = "511 Command Not Permitted on a dead channel or intercept routine"
USAGE = [
    "520-Invalid command syntax.  Proper usage follows:",
    " Usage: WAIT FOR DIGIT <timeout>",
    "520 End of proper usage.",
]
VERBS = (*MEDIA, "SET VARIABLE", "GET VARIABLE", "EXEC", "VERBOSE", "ANSWER", "HANGUP")


def environment(
    script: str = "ivr",
    *,
    uniqueid: str = "1795345559.1",
    callerid: str = "0812345678",
    context: str = "from-pstn",
    extension: str = "1300",
    args: tuple[str, ...] = ("1300",),
    channel: str = "Local/1300@from-pstn-00000000;2",
) -> bytes:
    """The agi_* block Asterisk 22 sends on connect, in its order (see fastagi-valid.agi)."""
    lines = [
        ("agi_network", "yes"),
        ("agi_network_script", script),
        ("agi_request", f"agi://127.0.0.1:4573/{script}"),
        ("agi_channel", channel),
        ("agi_language", "en"),
        ("agi_type", "Local"),
        ("agi_uniqueid", uniqueid),
        ("agi_version", "22.10.1"),
        ("agi_callerid", callerid),
        ("agi_calleridname", "unknown"),
        ("agi_callingpres", "0"),
        ("agi_callingani2", "0"),
        ("agi_callington", "0"),
        ("agi_callingtns", "0"),
        ("agi_dnid", "unknown"),
        ("agi_rdnis", "unknown"),
        ("agi_context", context),
        ("agi_extension", extension),
        ("agi_priority", "4"),
        ("agi_enhanced", "0.0"),
        ("agi_accountcode", ""),
        ("agi_threadid", "139987160581824"),
        *((f"agi_arg_{i}", a) for i, a in enumerate(args, start=1)),
    ]
    return ("".join(f"{k}: {val}\n" for k, val in lines) + "\n").encode()


def split_args(text: str) -> list[str]:
    """Split a command line into arguments as res_agi does (the inverse of ``ivr.agi.quote``)."""
    args: list[str] = []
    current: list[str] = []
    in_quotes = escaped = started = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = started = True
        elif ch == '"':
            in_quotes = not in_quotes
            started = True
        elif ch.isspace() and not in_quotes:
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(ch)
            started = True
    if in_quotes:
        raise ValueError("unterminated quote")
    if started:
        args.append("".join(current))
    return args


@dataclass
class SimulatedChannel:
    """One caller: the keys they press at each chance, and when they hang up.

    ``keys`` are used one per *interruptible* input (a STREAM FILE with escape digits, GET
    DATA, WAIT FOR DIGIT): a digit is pressed during it, ``""`` means nothing pressed.
    When they run out the caller presses nothing. ``hangup_at`` is the index of the media
    command (0 = the first one) during which the caller hangs up. Files named in
    ``missing`` do not exist (STREAM FILE answers ``result=-1 endpos=0``). ``listener``
    hears what Asterisk would announce over AMI as it happens: ``("VarSet", [name, value])``
    and ``("UserEvent", [data])``.
    """

    keys: list[str] = field(default_factory=list)
    hangup_at: int | None = None
    missing: set[str] = field(default_factory=set)
    channel_vars: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # set by the IVR
    events: list[str] = field(default_factory=list)  # UserEvent data
    commands: list[str] = field(default_factory=list)
    alive: bool = True
    listener: Callable[[str, list[str]], None] | None = None
    _media_count: int = 0
    _hangup_announced: bool = False

    def answer(self, line: str) -> list[str]:
        """The lines Asterisk writes back for one command line."""
        line = line.rstrip("\n")
        self.commands.append(line)
        verb = next((vb for vb in VERBS if line == vb or line.startswith(vb + " ")), None)
        if verb is None:
            return [*self._hangup_line(), "510 Invalid or unknown command"]
        try:
            args = split_args(line[len(verb):])
        except ValueError:
            return [*self._hangup_line(), *USAGE]
        if verb in MEDIA:
            return self._media(verb, args)
        prefix = self._hangup_line()
        if verb == "SET VARIABLE" and len(args) == 2:
            self.variables[args[0]] = args[1]
            self._announce("VarSet", args)
            return [*prefix, "200 result=1"]
        if verb == "GET VARIABLE" and len(args) == 1:
            # What SET VARIABLE stored wins, as on a real channel.
            value = self.variables.get(args[0], self.channel_vars.get(args[0]))
            return [*prefix, "200 result=0" if value is None else f"200 result=1 ({value})"]
        if verb == "EXEC" and args:
            if args[0] == "UserEvent":
                self.events.append(args[1] if len(args) > 1 else "")
                self._announce("UserEvent", self.events[-1:])
            return [*prefix, "200 result=0"]
        if verb in ("VERBOSE", "ANSWER", "HANGUP"):
            return [*prefix, "200 result=1"]
        return [*prefix, *USAGE]

    def _announce(self, kind: str, args: list[str]) -> None:
        if self.listener is not None:
            self.listener(kind, list(args))

    def _hangup_line(self) -> list[str]:
        if not self.alive and not self._hangup_announced:
            self._hangup_announced = True
            return ["HANGUP"]
        return []

    def _media(self, verb: str, args: list[str]) -> list[str]:
        if not self.alive:
            return [*self._hangup_line(), DEAD]
        index = self._media_count
        self._media_count += 1
        if self.hangup_at is not None and index >= self.hangup_at:
            self.alive = False
            return ["200 result=-1 endpos=4000" if verb == "STREAM FILE" else "200 result=-1"]
        if verb == "WAIT FOR DIGIT":
            if len(args) != 1 or not args[0].lstrip("-").isdigit():
                return USAGE
            return [f"200 result={self._key_code()}"]
        if verb == "GET DATA":
            if args and args[0] in self.missing:
                return ["200 result=-1"]  # indistinguishable from a hang-up: why we avoid it
            key = self._next_key()
            return [f"200 result={key}" if key else "200 result= (timeout)"]
        if verb == "STREAM FILE":
            if len(args) < 2:
                return USAGE
            if args[0] in self.missing:
                return ["200 result=-1 endpos=0"]
            escape = args[1]
            if not escape:
                return ["200 result=0 endpos=14400"]  # keys during it are thrown away
            key = self._next_key()
            if key and key in escape:
                return [f"200 result={ord(key)} endpos=8000"]
            return ["200 result=0 endpos=14400"]
        return ["200 result=0"]

    def _next_key(self) -> str:
        return self.keys.pop(0) if self.keys else ""

    def _key_code(self) -> int:
        key = self._next_key()
        return ord(key) if key else 0


@dataclass
class CallRecord:
    channel: SimulatedChannel
    round_trips: list[float]  # seconds from our answer (or the env) to the IVR's next command
    closed_cleanly: bool


async def call(
    host: str, port: int, channel: SimulatedChannel, env: bytes, *, timeout: float = 10.0,
    pace: float | Callable[[str], float] = 0.0,
) -> CallRecord:
    """Play Asterisk's side of one FastAGI session against the server at host:port.

    ``pace``: seconds each prompt or key wait lasts before its answer (0: at once), so a
    demo's callers take a human time through the menus; or a function of the command's
    line giving them (a prompt plays for its own length).
    """
    reader, writer = await asyncio.open_connection(host, port)
    round_trips: list[float] = []
    closed = False
    try:
        writer.write(env)
        await writer.drain()
        sent_at = time.perf_counter()
        while True:
            line = await asyncio.wait_for(reader.readline(), timeout)
            if not line:
                closed = True
                break
            round_trips.append(time.perf_counter() - sent_at)
            text = line.decode("utf-8")
            if pace and channel.alive and text.startswith(MEDIA):
                await asyncio.sleep(pace(text) if callable(pace) else pace)
            reply = channel.answer(text)
            writer.write(("".join(r + "\n" for r in reply)).encode())
            await writer.drain()
            sent_at = time.perf_counter()
        # Asterisk says HANGUP when the server closes its side, even on a live channel.
        writer.write(b"HANGUP\n")
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return CallRecord(channel, round_trips, closed)
