"""Supervisor actions on live agents and callers (rules: callcenter.agents.supervision).

Reads the form, hands the service the bridges' live state and the PBX command client,
and answers with a message in the page's language. Every attempt, refusals included,
is audited by the service; the request's session commits it. The wallboard's forms
(htmx) get the message as a toast to add to the page; other callers get JSON.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import redis
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from agent_console.deps import Viewer, db_session, redis_client
from agent_console.htmx import is_htmx
from agent_console.i18n import pick_language, translator
from agent_console.limits import client_ip, limit_body
from agent_console.routers.wallboard import supervisor_only
from agent_console.templating import templates
from callcenter.agents import service as users
from callcenter.agents import supervision
from callcenter.ami.client import CommandClient
from callcenter.queues import live

# limit_body: a NUL in a form field reached PostgreSQL (the audit row) as a 500.
router = APIRouter(prefix="/supervisor", dependencies=[Depends(limit_body)])

AgentAction = Literal["listen", "whisper", "barge", "pause", "unpause", "sign_out"]
COMMAND_TIMEOUT = 8.0


def _answer(request: Request, outcome: supervision.Outcome, action: str) -> Response:
    lang = pick_language(request.query_params.get("lang"), request.cookies.get("lang"))
    key = f"supervisor.done.{action}" if outcome.ok else f"supervisor.{outcome.reason}"
    message = translator(lang)(key, message=outcome.message)
    if is_htmx(request):
        toast = templates.get_template("wallboard/toast.html").render(
            ok=outcome.ok, message=message)
        return HTMLResponse(toast, status_code=outcome.status)
    return JSONResponse({"ok": outcome.ok, "message": message}, status_code=outcome.status)


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
    outcome = supervision.agent_action(
        db, CommandClient(client, timeout=COMMAND_TIMEOUT), partial(live.item, client),
        actor=users.by_id(db, viewer.id), action=action, interface=interface, node=node,
        reason=reason, phone=phone, source_ip=client_ip(request))
    return _answer(request, outcome, action)


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
    outcome = supervision.move_caller(
        db, CommandClient(client, timeout=COMMAND_TIMEOUT), partial(live.item, client),
        actor=users.by_id(db, viewer.id), uniqueid=uniqueid, node=node, queue=queue,
        source_ip=client_ip(request))
    return _answer(request, outcome, "move")
