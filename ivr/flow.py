"""Flows as generators: yield a step, receive its result, return the outcome.

A flow never touches a socket. It yields either an AGI ``Command`` (the driver sends it and
sends back the ``AgiReply``) or a ``PortCall`` (the driver runs it against ``ivr.ports`` and
sends back its value). Tests drive a flow with literal replies; ``ivr.server`` drives it over
FastAGI. The helpers below are sub-generators used with ``yield from``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from ivr import agi
from ivr.agi import AgiReply, Command


class CallerHungUp(Exception):
    """The caller is gone; raised inside a flow so it can finish its bookkeeping."""


class CommandRejected(Exception):
    """Asterisk refused a command as unknown (510) or malformed (520): a bug on our side."""


class PromptMissing(Exception):
    """No file of a prompt the caller must hear could be played, not even the Thai one.

    An installation fault, not a caller's choice: waiting for a key after a prompt
    nobody heard would turn every caller into a "silent caller".
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name  # the last file tried (a prompt id, no personal data)


@dataclass(frozen=True, slots=True)
class PortCall:
    """A side effect the flow needs (see ``ivr.ports``): the method name and its argument."""

    method: str
    argument: Any


Step = Command | PortCall
Flow = Generator[Step, Any, Any]


def command(cmd: Command) -> Generator[Step, Any, AgiReply]:
    """Send one command and return its reply; raise CallerHungUp on a dead-channel answer."""
    reply = yield from quiet(cmd)
    if reply.dead_channel:
        raise CallerHungUp
    return reply


def quiet(cmd: Command) -> Generator[Step, Any, AgiReply]:
    """Send a bookkeeping command (SET VARIABLE, EXEC…) that also runs on a dead channel."""
    reply = yield cmd
    if not isinstance(reply, AgiReply):
        raise TypeError("a Command must be answered with an AgiReply")
    if reply.code in (510, 520):
        raise CommandRejected(f"{cmd.verb}: {reply.code}")
    return reply


def play(
    files: list[str], escape_digits: str, *, required: bool = False
) -> Generator[Step, Any, str]:
    """Play the first file that exists; return the key that interrupted it or ``""``.

    ``files`` lists the same prompt in preferred order (language, then Thai): when
    Asterisk cannot open one it answers ``result=-1 endpos=0`` and the next is tried.
    When none could be played, a ``required`` prompt (a menu, an offer: something the
    caller is expected to answer) raises ``PromptMissing``; any other returns ``""``.
    """
    for name in files:
        cmd = agi.stream_file(name, escape_digits)
        reply = yield from command(cmd)
        if agi.missing_file(cmd, reply):
            continue
        key = agi.key_of(cmd, reply)
        if key is None:
            raise CallerHungUp
        return key
    if required:
        raise PromptMissing(files[-1] if files else "")
    return ""


def wait_key(timeout_ms: int) -> Generator[Step, Any, str]:
    cmd = agi.wait_for_digit(timeout_ms)
    reply = yield from command(cmd)
    key = agi.key_of(cmd, reply)
    if key is None:
        raise CallerHungUp
    return key


def ask(files: list[str], timeout_ms: int, keys: str) -> Generator[Step, Any, str]:
    """Play a menu prompt interruptible by ``keys`` and wait for one key; ``""`` for none.

    STREAM FILE + WAIT FOR DIGIT rather than GET DATA: GET DATA answers ``-1`` both for a
    hang-up and for a missing prompt file, while STREAM FILE tells them apart. A prompt
    that could not be played raises ``PromptMissing`` instead of waiting in silence.
    """
    key = yield from play(files, keys, required=True)
    if key:
        return key
    return (yield from wait_key(timeout_ms))


def set_var(name: str, value: str) -> Generator[Step, Any, None]:
    yield from quiet(agi.set_variable(name, value))


def get_var(name: str) -> Generator[Step, Any, str | None]:
    reply = yield from quiet(agi.get_variable(name))
    return agi.value_of(reply)


def port(method: str, argument: Any = None) -> Generator[Step, Any, Any]:
    result = yield PortCall(method, argument)
    return result


@dataclass
class Runner:
    """Step a flow by hand: ``start()`` then ``send(result)`` until ``done``."""

    flow: Flow
    done: bool = False
    outcome: Any = None

    def start(self) -> Step | None:
        return self._advance(None, first=True)

    def send(self, result: Any) -> Step | None:
        return self._advance(result, first=False)

    def _advance(self, result: Any, *, first: bool) -> Step | None:
        try:
            step = next(self.flow) if first else self.flow.send(result)
        except StopIteration as stop:
            self.done = True
            self.outcome = stop.value
            return None
        return step
