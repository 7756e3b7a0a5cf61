"""Supervisor actions on live agents and callers, carried out by the bridge of their node.

Listen, whisper and barge ring the supervisor's own phone, which then spies on the
agent's channel (ChanSpy); pause, unpause and sign out change the agent's queue
membership; move sends a waiting caller to another queue (Redirect into the dialplan's
``hotline-queue`` context). Every attempt lands in the audit trail, by ids only.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Literal

import redis
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from agent_console.deps import Viewer, db_session, redis_client
from agent_console.i18n import pick_language, translator
from agent_console.routers.wallboard import supervisor_only
from callcenter import audit
from callcenter.ami.commands import CommandClient, CommandResult
from callcenter.queues.catalog import BY_NAME

log = logging.getLogger(__name__)
router = APIRouter(prefix="/supervisor")

AgentAction = Literal["listen", "whisper", "barge", "pause", "unpause", "sign_out"]
SPY = ("listen", "whisper", "barge")
PHONE = re.compile(r"^(PJSIP|SIP|IAX2|Local)/[A-Za-z0-9_.@-]{1,60}$")
NODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# Where a moved caller goes: asterisk_conf/extensions.conf, [hotline-queue].
QUEUE_CONTEXT = "hotline-queue"
COMMAND_TIMEOUT = 8.0


def spy_target(interface: str) -> str:
    """The agent's phone channel prefix ChanSpy matches (PJSIP/agent1-…)."""
    if interface.startswith("Local/"):
        endpoint = interface.removeprefix("Local/").split("@", 1)[0]
    else:
        endpoint = interface.split("/", 1)[-1]
    return f"PJSIP/{endpoint}-"


def _live(client: redis.Redis, node: str, kind: str, ident: str) -> dict[str, Any] | None:
    if not NODE.match(node):
        return None
    body = client.hget(f"live.{node}.{kind}s", ident)
    return json.loads(body) if body else None


def _answer(request: Request, ok: bool, key: str, status: int = 200, **values: Any):
    lang = pick_language(request.query_params.get("lang"), request.cookies.get("lang"))
    message = translator(lang)(key, **values)
    return JSONResponse({"ok": ok, "message": message}, status_code=200 if ok else status)


def _result_answer(request: Request, result: CommandResult, done_key: str):
    if result.ok:
        return _answer(request, True, done_key)
    if result.status == "timeout":
        return _answer(request, False, "supervisor.pbx_timeout", 504)
    return _answer(request, False, "supervisor.pbx_error", 502, message=result.message)


def _record(db: Session, request: Request, viewer: Viewer, action: str, entity_type: str,
            entity_id: str, ok: bool) -> None:
    audit.record(db, actor_id=viewer.id, action=action if ok else f"{action}.failed",
                 entity_type=entity_type, entity_id=entity_id[:64],
                 source_ip=request.client.host if request.client else None)
    log.info("supervisor %s %s by user %s: %s", action, entity_type, viewer.id,
             "ok" if ok else "failed")


@router.post("/agents/{action}")
def agent_action(
    request: Request,
    action: AgentAction,
    interface: str = Form(max_length=128),
    node: str = Form(max_length=40),
    reason: str = Form("", max_length=40),
    phone: str = Form("", max_length=80),
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
):
    agent = _live(client, node, "agent", interface)
    if agent is None or (action in SPY and agent.get("status") != "in_call"):
        return _answer(request, False, "supervisor.not_live", 409)
    commands = CommandClient(client, timeout=COMMAND_TIMEOUT)
    if action in SPY:
        own = phone.strip() or viewer.user.phone_interface or ""
        if not PHONE.match(own):
            return _answer(request, False, "supervisor.no_phone", 400)
        result = commands.send(node, action, supervisor_channel=own,
                               target_channel=spy_target(interface))
    elif action in ("pause", "unpause"):
        args: dict[str, Any] = {"interface": interface}
        if action == "pause":
            args["reason"] = reason.strip() or "supervisor"
        result = commands.send(node, action, **args)
    else:
        result = CommandResult("ok")
        for queue in sorted(agent.get("queues") or {}):
            result = commands.send(node, "queue_logout", queue=queue, interface=interface)
            if not result.ok:
                break
    _record(db, request, viewer, f"agent.{action}", "agent", interface, result.ok)
    return _result_answer(request, result, f"supervisor.done.{action}")


@router.post("/calls/move")
def move_caller(
    request: Request,
    uniqueid: str = Form(max_length=64),
    node: str = Form(max_length=40),
    queue: str = Form(max_length=64),
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
    client: redis.Redis = Depends(redis_client),
):
    if queue not in BY_NAME:
        return _answer(request, False, "supervisor.not_live", 400)
    call = _live(client, node, "call", uniqueid)
    if call is None or call.get("state") not in ("queued", "ringing") or not call.get("channel"):
        return _answer(request, False, "supervisor.not_live", 409)
    result = CommandClient(client, timeout=COMMAND_TIMEOUT).send(
        node, "redirect", channel=call["channel"], context=QUEUE_CONTEXT, exten=queue)
    _record(db, request, viewer, "call.move", "call", uniqueid, result.ok)
    return _result_answer(request, result, "supervisor.done.move")
