"""PBX commands for other processes: the client side of request/reply over Redis.

A request is pushed on `bridge.<node>.commands`; the bridge runs it as one AMI action and
pushes the answer on `bridge.reply.<id>`. Every request carries a deadline: the caller
stops waiting then and answers `timeout`, and the bridge drops a request it picks up too
late, so a console that gave up never gets a call-back placed behind its back.

This is what ivr/, the console and the domains import; the bridge's side that runs the
commands is `callcenter.ami.bridge.command_server`.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from callcenter.topics import command_reply_key, command_requests_key

COMMANDS = ("queue_login", "queue_logout", "pause", "unpause", "originate", "redirect",
            "hangup", "listen", "whisper", "barge",
            # Call controls (callcenter.ami.bridge.call_commands says what each takes).
            "blind_transfer", "warm_transfer", "cancel_transfer", "complete_transfer",
            "conference", "conference_add", "conference_kick")
REPLY_TTL = 60


@dataclass(frozen=True)
class CommandResult:
    status: str  # ok | error | timeout
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _request(command: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    if command not in COMMANDS:
        raise ValueError(f"unknown PBX command {command!r}")
    return {"id": uuid.uuid4().hex, "command": command, "args": args,
            "deadline": time.time() + timeout}


def _result(raw: bytes | str | None) -> CommandResult:
    if raw is None:
        return CommandResult("timeout", "no answer from the bridge in time")
    body = json.loads(raw)
    return CommandResult(body["status"], body.get("message", ""), body.get("data", {}))


class CommandClient:
    """For synchronous code (web handlers in a thread, RQ jobs)."""

    def __init__(self, redis: Any, *, timeout: float = 8.0) -> None:
        self.redis = redis
        self.timeout = timeout

    def send(self, node: str, command: str, **args: Any) -> CommandResult:
        request = _request(command, args, self.timeout)
        self.redis.lpush(command_requests_key(node), json.dumps(request, ensure_ascii=False))
        got = self.redis.blpop([command_reply_key(request["id"])],
                               timeout=max(1, round(self.timeout)))
        return _result(got[1] if got else None)


class AsyncCommandClient:
    """For asyncio code (SSE endpoints, the demo)."""

    def __init__(self, redis: Any, *, timeout: float = 8.0) -> None:
        self.redis = redis
        self.timeout = timeout

    async def send(self, node: str, command: str, **args: Any) -> CommandResult:
        request = _request(command, args, self.timeout)
        await self.redis.lpush(command_requests_key(node), json.dumps(request, ensure_ascii=False))
        got = await self.redis.blpop([command_reply_key(request["id"])], timeout=self.timeout)
        return _result(got[1] if got else None)
