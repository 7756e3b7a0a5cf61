"""The FastAGI server: accept a connection, run the flow its URL names, close.

Built on ``asyncio.start_server`` rather than ``panoramisk.fast_agi``: that one fails on
Python 3.11 for plain-function routes and spins at 100% CPU when a peer sends half a header
and closes. Here every read has a deadline (``ivr.session``), each connection runs in its own
task, and whatever goes wrong in one session is caught there: a broken session ends itself,
the others never notice.

When the IVR itself fails (a bug, garbage from the peer, a timeout, a prompt that cannot be
played) while the channel can still hear us, the flow's ``fallback`` routes the call to the
general queue (or the caller's language queue) and sets IVR_ERROR to the reason; the
dialplan also sends a call with no IVR_QUEUE to ``operator``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from ivr.agi import AgiEnvironment, AgiProtocolError, Command
from ivr.flow import CommandRejected, Flow, PortCall, PromptMissing, Runner
from ivr.flows import FLOWS, HOTLINE, FlowSpec
from ivr.flows.context import CallContext
from ivr.ports import IvrPorts, NullPorts
from ivr.prompts import PromptCatalog
from ivr.session import AgiSession, PeerClosed

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limits:
    header_timeout_s: float = 10.0
    # Added to a command's own expected duration (prompt length, digit timeout).
    reply_margin_s: float = 30.0
    fallback_timeout_s: float = 3.0
    port_timeout_s: float = 2.0
    max_connections: int = 2000
    max_steps: int = 500  # commands + port calls in one session: stops a runaway flow
    line_bytes: int = 8192


class FlowLimitExceeded(Exception):
    pass


class FastAgiServer:
    def __init__(
        self,
        ports: IvrPorts | None = None,
        *,
        prompts: PromptCatalog | None = None,
        callback_threshold_s: float | None = 120.0,
        limits: Limits | None = None,
        flows: dict[str, FlowSpec] | None = None,
    ) -> None:
        self.ports: IvrPorts = ports or NullPorts()
        self.prompts = prompts or PromptCatalog()
        self.callback_threshold_s = callback_threshold_s
        self.limits = limits or Limits()
        self.flows = flows or FLOWS
        self.active = 0
        self.outcomes: dict[str, int] = {}  # event name → count, for tests and health

    async def start(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(
            self.handle, host, port, limit=self.limits.line_bytes, reuse_address=True
        )

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = AgiSession(reader, writer, reply_margin_s=self.limits.reply_margin_s,
                             line_bytes=self.limits.line_bytes)
        if self.active >= self.limits.max_connections:
            # Asterisk goes on in the dialplan, which routes a call without IVR_QUEUE to
            # the general queue: refusing is safer than starving every other caller.
            self._count("ivr.refused", "")
            await session.close()
            return
        self.active += 1
        try:
            await self._serve(session)
        except asyncio.CancelledError:
            # The IVR is stopping (Ctrl-C) mid-call: Asterisk goes on in the dialplan. Ended
            # here, not re-raised: asyncio's server would log a cancelled handler as an error.
            self._count("ivr.stopped", "")
        except Exception:  # last line of defence: one session never takes the server down
            log.exception("ivr.session_crashed")
            self._count("ivr.session_crashed", "")
        finally:
            self.active -= 1
            # A stop that cancels the handler again while the socket closes changes nothing
            # (the socket is closed either way): not an error for asyncio to log.
            with contextlib.suppress(asyncio.CancelledError):
                await session.close()

    async def _serve(self, session: AgiSession) -> None:
        try:
            env = await session.read_environment(self.limits.header_timeout_s)
        except (PeerClosed, ConnectionError):
            self._count("ivr.header_incomplete", "")
            return
        except TimeoutError:
            self._count("ivr.header_timeout", "")
            return
        except AgiProtocolError as exc:
            self._count("ivr.header_garbage", "", str(exc))
            return
        ctx = self._context(env)
        spec = self.flows.get(env.script)
        if spec is None:
            # A dialplan naming a flow we do not have: the general queue is the safe place.
            self._count("ivr.unknown_script", ctx.call_id)
            await self._fallback(session, HOTLINE, ctx, "unknown_script")
            return
        try:
            outcome = await self._drive(session, spec.run(ctx))
        except Exception as exc:
            reason, can_reach_caller = classify(exc)
            if reason.startswith("flow_failed"):
                log.exception("ivr.flow_failed call_id=%s", ctx.call_id)
            self._count(f"ivr.{reason.split(':')[0]}", ctx.call_id)
            if can_reach_caller:
                await self._fallback(session, spec, ctx, reason)
            return
        self._count("ivr.finished", ctx.call_id, _describe(outcome))

    def _context(self, env: AgiEnvironment) -> CallContext:
        return CallContext(
            call_id=env.uniqueid,
            number=env.caller_number,
            args=env.args,
            prompts=self.prompts,
            callback_threshold_s=self.callback_threshold_s,
        )

    async def _drive(self, session: AgiSession, flow: Flow) -> Any:
        runner = Runner(flow)
        step = runner.start()
        steps = 0
        while not runner.done:
            steps += 1
            if steps > self.limits.max_steps:
                flow.close()
                raise FlowLimitExceeded
            if isinstance(step, Command):
                result: Any = await session.execute(step)
            elif isinstance(step, PortCall):
                result = await self._port(step)
            else:
                raise TypeError(f"a flow yielded {type(step).__name__}")
            step = runner.send(result)
        return runner.outcome

    async def _port(self, call: PortCall) -> Any:
        """Run a side effect; a failure or a slow answer counts as "unknown", not a crash."""
        try:
            method = getattr(self.ports, call.method)
            return await asyncio.wait_for(method(call.argument), self.limits.port_timeout_s)
        except Exception as exc:
            log.warning("ivr.port_failed port=%s error=%s", call.method, type(exc).__name__)
            self._count("ivr.port_failed", "")
            return None

    async def _fallback(
        self, session: AgiSession, spec: FlowSpec, ctx: CallContext, reason: str
    ) -> None:
        """Best effort: route the call to safety; give up quietly if the peer is gone."""
        try:
            # What is left of a reply cut short or too long would answer the first command.
            session.recover()
            flow = spec.fallback(ctx, reason)
            runner = Runner(flow)
            step = runner.start()
            while not runner.done:
                if not isinstance(step, Command):
                    raise TypeError("a fallback may only send AGI commands")
                reply = await session.execute(step, timeout_s=self.limits.fallback_timeout_s)
                step = runner.send(reply)
            self._count("ivr.fallback", ctx.call_id, reason)
        except Exception as exc:
            self._count("ivr.fallback_failed", ctx.call_id, type(exc).__name__)

    def _count(self, event: str, call_id: str, detail: str = "") -> None:
        self.outcomes[event] = self.outcomes.get(event, 0) + 1
        # Ids and event names only: never the caller's number or anything they pressed
        # beyond the routing result.
        log.info("%s call_id=%s %s", event, call_id, detail)


def classify(exc: Exception) -> tuple[str, bool]:
    """The reason code of a failed session, and whether the channel may still hear us."""
    if isinstance(exc, PeerClosed | ConnectionError):
        return "peer_closed", False  # nothing to say it on
    if isinstance(exc, TimeoutError):
        return "reply_timeout", True
    if isinstance(exc, AgiProtocolError):
        return "bad_reply", True
    if isinstance(exc, CommandRejected):
        return "command_rejected", True
    if isinstance(exc, PromptMissing):
        return "prompt_missing", True  # the installation lacks a file, Thai included
    if isinstance(exc, FlowLimitExceeded):
        return "too_many_steps", True
    return f"flow_failed:{type(exc).__name__}", True


def _describe(outcome: Any) -> str:
    route = getattr(outcome, "route", None)
    if route is not None:
        return f"queue={route.queue} outcome={route.outcome}"
    answer = getattr(outcome, "answer", None)
    return f"answer={answer}" if answer is not None else ""
