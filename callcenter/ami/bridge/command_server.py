"""The bridge's side of PBX commands: each request from Redis run as one AMI action.

Requests come on `bridge.<node>.commands` (`callcenter.ami.client` sends them); the answer
goes back on `bridge.reply.<id>`. A request picked up after its deadline is dropped: its
sender has already answered `timeout`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from callcenter.ami import actions, call_features
from callcenter.ami.bridge import call_commands
from callcenter.ami.bridge.node import ActionTimeout, Bridge, LinkDown
from callcenter.ami.client import REPLY_TTL, CommandResult
from callcenter.cancellation import raise_if_cancelled
from callcenter.topics import command_reply_key, command_requests_key

log = logging.getLogger(__name__)


Handler = Callable[[Bridge, dict[str, Any], float], Awaitable[CommandResult]]


async def _run(bridge: Bridge, action: actions.Action, timeout: float,
               action_id: str | None = None, ok_data: dict[str, Any] | None = None
               ) -> CommandResult:
    try:
        reply = await bridge.send(action, timeout=timeout, action_id=action_id)
    except ActionTimeout:
        return CommandResult("timeout", f"Asterisk did not answer {action.name} in time")
    except LinkDown:
        return CommandResult("error", "the link to Asterisk is down")
    if reply.success:
        return CommandResult("ok", reply.error, ok_data or {})
    return CommandResult("error", reply.error or "refused by Asterisk")


async def _queue_login(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    return await _run(bridge, actions.queue_add(
        a["queue"], a["interface"], member_name=a.get("member_name", ""),
        state_interface=a.get("state_interface") or a["interface"],
        penalty=int(a.get("penalty", 0)), paused=bool(a.get("paused", False))), timeout)


async def _queue_logout(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    return await _run(bridge, actions.queue_remove(a["queue"], a["interface"]), timeout)


async def _pause(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    return await _run(bridge, actions.queue_pause(a["interface"], paused=True,
                                                  reason=a.get("reason"),
                                                  queue=a.get("queue")), timeout)


async def _unpause(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    return await _run(bridge, actions.queue_pause(a["interface"], paused=False,
                                                  queue=a.get("queue")), timeout)


async def _originate(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    action = actions.originate(a["channel"], context=a["context"], exten=a["exten"],
                               caller_id=a.get("caller_id"),
                               timeout_ms=int(a.get("timeout_ms", 30000)),
                               variables=a.get("variables") or {})
    action_id = bridge.next_action_id()
    # The outbound call record exists before Asterisk is asked, keyed by this ActionID.
    await bridge.call_tracker(lambda t: t.originate_requested(
        action_id=action_id, channel=a["channel"], received_at=datetime.now(UTC),
        variables={k: str(v) for k, v in (a.get("variables") or {}).items()}))
    result = await _run(bridge, action, timeout, action_id, {"call": action_id})
    if not result.ok:
        # Refused, timed out or the link was down: no OriginateResponse will close it.
        # (Asterisk's own message or ours; never the caller's data.)
        reason = result.message or result.status
        await bridge.call_tracker(lambda t: t.originate_failed(
            action_id=action_id, reason=reason, received_at=datetime.now(UTC)))
    return result


async def _redirect(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    return await _run(bridge, actions.redirect(a["channel"], context=a["context"],
                                               exten=a["exten"],
                                               extra_channel=a.get("extra_channel")), timeout)


async def _hangup(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
    channel = a["channel"]
    # Asterisk will call it a caller hang-up; the record says the console ended it.
    await bridge.call_tracker(lambda t: t.note_console_hangup(channel))
    return await _run(bridge, actions.hangup(channel), timeout)


def _spy(mode: str) -> Handler:
    async def run(bridge: Bridge, a: dict[str, Any], timeout: float) -> CommandResult:
        # The spying channel's Uniqueid is chosen here, so that its ChanSpyStart names
        # the supervisor and the mode whenever it comes (callcenter.ami.spy_events).
        spy_id = f"spy-{uuid.uuid4().hex}"
        user_id = a.get("supervisor_user_id")
        await bridge.call_tracker(lambda t: t.spy_requested(
            spy_id, mode=mode, user_id=user_id if isinstance(user_id, int) else None))
        return await _run(bridge, actions.chan_spy(a["supervisor_channel"],
                                                   a["target_channel"], mode,
                                                   channel_id=spy_id), timeout)
    return run


HANDLERS: dict[str, Handler] = {
    "queue_login": _queue_login, "queue_logout": _queue_logout, "pause": _pause,
    "unpause": _unpause, "originate": _originate, "redirect": _redirect,
    "hangup": _hangup, "listen": _spy("listen"), "whisper": _spy("whisper"),
    "barge": _spy("barge"),
    # Transfers and conferences (call_commands.py), each given `_run` to send its action.
    **{name: (lambda h: lambda b, a, t: h(_run, b, a, t))(handler)
       for name, handler in call_commands.HANDLERS.items()},
}


class CommandServer:
    """Runs in the bridge process: takes requests for its node, answers each one."""

    def __init__(self, bridge: Bridge, redis: Any) -> None:
        self.bridge = bridge
        self.redis = redis
        self.handled = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        key = command_requests_key(self.bridge.node.name)
        while True:
            try:
                got = await self.redis.brpop([key], timeout=1)
                raise_if_cancelled()
            except Exception as exc:
                # Redis restarting must not stop the bridge: wait and listen again.
                log.warning("PBX command queue unreadable (%s); retrying", type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            if not got:
                continue
            try:
                request = json.loads(got[1])
            except ValueError:
                log.warning("malformed PBX command dropped")
                continue
            # Each command runs on its own so a slow Originate does not hold up a pause.
            task = asyncio.create_task(self._answer(request))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer(self, request: dict[str, Any]) -> None:
        remaining = float(request.get("deadline", 0)) - time.time()
        command = request.get("command", "")
        if remaining <= 0:
            log.warning("PBX command %s %s expired before it ran", command, request.get("id"))
            return
        handler = HANDLERS.get(command)
        try:
            if handler is None:
                result = CommandResult("error", f"unknown command {command!r}")
            else:
                result = await handler(self.bridge, request.get("args") or {}, remaining)
        except call_features.BadTarget as exc:
            result = CommandResult("error", str(exc))
        except (KeyError, ValueError, TypeError) as exc:
            result = CommandResult("error", f"bad arguments: {exc}")
        except Exception as exc:
            log.error("PBX command %s failed: %s", command, type(exc).__name__)
            result = CommandResult("error", "internal error in the bridge")
        self.handled += 1
        log.info("PBX command %s %s: %s", command, request.get("id"), result.status)
        body = json.dumps({"status": result.status, "message": result.message,
                           "data": result.data}, ensure_ascii=False)
        key = command_reply_key(str(request.get("id")))
        await self.redis.rpush(key, body)
        await self.redis.expire(key, REPLY_TTL)
