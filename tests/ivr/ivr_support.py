"""Drive a flow against a simulated channel without a socket."""

from __future__ import annotations

import asyncio
from typing import Any

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel
from ivr.agi import AgiReply, Command, ReplyReader
from ivr.flow import Flow, PortCall, Runner
from ivr.ports import MemoryPorts


def drive(flow: Flow, channel: SimulatedChannel, ports: MemoryPorts | None = None) -> Any:
    """Run ``flow`` to its end; return its outcome. Port calls go to ``ports``."""
    ports = ports or MemoryPorts()
    runner = Runner(flow)
    step = runner.start()
    while not runner.done:
        if isinstance(step, Command):
            result: Any = answer(channel, step)
        elif isinstance(step, PortCall):
            result = asyncio.run(getattr(ports, step.method)(step.argument))
        else:
            raise AssertionError(f"unexpected step {step!r}")
        step = runner.send(result)
    return runner.outcome


def answer(channel: SimulatedChannel, command: Command) -> AgiReply:
    reader = ReplyReader()
    for line in channel.answer(command.line()):
        reply = reader.feed(line)
        if reply is not None:
            return reply
    raise AssertionError("channel gave no complete reply")
