"""The call controls carried out: hang up, blind and warm transfer, complete, cancel.

Each is three small steps (as the agents' pause is): the rule (is it possible now:
``callcenter.calls.control_rules``), the PBX command through the bridge (one AMI action:
``callcenter.ami.bridge.call_commands``), and what the hotline records: the hand-over
(``callcenter.calls.handovers``) and an audit event, ``call.<control>`` when the PBX did
it and ``call.<control>.failed`` when it refused. A refusal is said in plain words, by a
code the pages translate; Asterisk's own words never reach a page unread.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import pbx
from agent_console.call_controls_view import control_state
from agent_console.deps import Viewer
from agent_console.limits import client_ip
from callcenter import after_commit, audit, topics
from callcenter.agents import refusals
from callcenter.agents import service as users
from callcenter.agents import state as agent_state
from callcenter.ami import call_features
from callcenter.calls import control_rules, handovers
from callcenter.calls.handover_models import HandoverKind
from callcenter.calls.models import Call
from callcenter.db import utcnow
from callcenter.errors import RecordedRefusal

log = logging.getLogger(__name__)

# Asterisk's refusals as call_features.explain words them, by what the page says.
EXPLAINED = {call_features.explain(m): code for m, code in (
    ("No attended transfer feature code found", "transfer_not_set_up"),
    ("No such channel", "leg_ended"),
    ("No bridge found", "not_connected"),
    ("Transfer failed", "transfer_failed"),
)}


class CallControlRefused(RecordedRefusal):
    """A control that cannot work now, or that the PBX refused: 409 or the PBX's 5xx.
    Its audit event is kept (a RecordedRefusal commits): nothing else was written yet."""

    status_code = 409

    def __init__(self, code: str, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.code = code
        self.status_code = status


MESSAGES = {
    "not_on_call": "you are not talking on this call now",
    "call_ended": "the call has ended",
    "consulting": "finish or cancel the warm transfer first",
    "no_consultation": "there is no warm transfer to complete or cancel",
    "bad_target": "choose where the call goes from the list",
    "transfer_not_set_up": "warm transfer is not set up on the phone system",
    "leg_ended": "that call leg has already ended",
    "not_connected": "the call is not connected to anyone to transfer",
    "transfer_failed": "the phone system could not transfer the call",
}


def _refuse(code: str, *, status: int = 409) -> CallControlRefused:
    return CallControlRefused(f"call_{code}", MESSAGES[code], status=status)


@dataclass(frozen=True, slots=True)
class Target:
    queue: str | None = None
    user_id: int | None = None
    endpoint: str | None = None
    number: str | None = None


def parse_target(db: Session, value: str, *, warm: bool) -> Target:
    """``queue:<name>``, ``agent:<user id>`` or (warm only) ``number:<digits>``."""
    kind, _sep, rest = value.partition(":")
    if kind == "queue" and rest in agent_state.queue_labels(db):
        return Target(queue=rest)
    if kind == "agent" and rest.isdigit() and len(rest) < 10:
        user = users.by_id(db, int(rest))
        if user is not None and user.active and user.phone_interface:
            return Target(user_id=user.id, endpoint=agent_state.device(user.phone_interface))
    if kind == "number" and warm:
        try:
            return Target(number=call_features.outside_number(rest))
        except call_features.BadTarget:
            pass
    raise _refuse("bad_target", status=422)


def _checked(request: Request, db: Session, viewer: Viewer, call: Call,
             control: str) -> control_rules.ControlState:
    state = control_state(request, db, viewer, call)
    why = state.refusals.get(control)
    if why is not None:
        audit.record(db, actor_id=viewer.id, action=f"call.{control}.failed",
                     entity_type="call", entity_id=call.id, source_ip=client_ip(request))
        raise _refuse(why)
    return state


def _send(request: Request, db: Session, viewer: Viewer, call: Call, control: str,
          command: str, **args: Any) -> None:
    result = pbx.commands(request).send(call.node, command, **args)
    ok = getattr(result, "status", "error") == "ok"
    audit.record(db, actor_id=viewer.id, action=f"call.{control}" + ("" if ok else ".failed"),
                 entity_type="call", entity_id=call.id, source_ip=client_ip(request))
    if ok:
        return
    message = str(getattr(result, "message", "") or "")
    if message in EXPLAINED:
        raise _refuse(EXPLAINED[message], status=502)
    refused = refusals.refusal(result) or refusals.REFUSED
    raise CallControlRefused(refused.code, refused.message, status=refused.status)


def _tell_receiver(request: Request, db: Session, viewer: Viewer, call: Call,
                   user_id: int | None, kind: HandoverKind) -> None:
    """After the commit, the colleague's page hears the call is theirs (a toast that
    opens the call's screen-pop there)."""
    if user_id is None:
        return
    notice = json.dumps({"kind": "call_handed_over", "call_id": call.id, "node": call.node,
                         "uniqueid": call.uniqueid, "by": viewer.display_name,
                         "transfer": kind.value}, ensure_ascii=False)
    redis = request.app.state.redis

    def publish() -> None:
        try:
            redis.publish(topics.notices_topic(user_id), notice)
        except Exception as exc:  # Redis away: the screen-pop still finds the hand-over
            log.warning("hand-over notice not published (%s)", type(exc).__name__)

    after_commit.register(db, publish)


def hang_up(request: Request, db: Session, viewer: Viewer, call: Call) -> None:
    state = _checked(request, db, viewer, call, "hangup")
    _send(request, db, viewer, call, "hangup", "hangup",
          channel=state.caller_channel or state.agent_channel)


def blind_transfer(request: Request, db: Session, viewer: Viewer, call: Call, *,
                   target: str, reason: str) -> None:
    state = _checked(request, db, viewer, call, "blind_transfer")
    to = parse_target(db, target, warm=False)
    where = {"queue": to.queue} if to.queue else {"endpoint": to.endpoint}
    _send(request, db, viewer, call, "blind_transfer", "blind_transfer",
          channel=state.agent_channel, **where)
    handovers.start(db, call, kind=HandoverKind.BLIND, from_user_id=viewer.id,
                    to_user_id=to.user_id, to_queue=to.queue, reason=reason, now=utcnow())
    _tell_receiver(request, db, viewer, call, to.user_id, HandoverKind.BLIND)


def warm_transfer(request: Request, db: Session, viewer: Viewer, call: Call, *,
                  target: str, reason: str) -> None:
    state = _checked(request, db, viewer, call, "warm_transfer")
    to = parse_target(db, target, warm=True)
    if to.queue:
        raise _refuse("bad_target", status=422)  # Atxfer dials digits: a person or a number
    args: dict[str, Any] = {"number": to.number} if to.number else {
        "colleague": to.endpoint, "staff_id": to.user_id}
    _send(request, db, viewer, call, "warm_transfer", "warm_transfer",
          channel=state.agent_channel, **args)
    handovers.start(db, call, kind=HandoverKind.WARM, from_user_id=viewer.id,
                    to_user_id=to.user_id, to_number=to.number, reason=reason, now=utcnow())


def complete_transfer(request: Request, db: Session, viewer: Viewer, call: Call) -> None:
    state = _checked(request, db, viewer, call, "complete_transfer")
    row = handovers.consulting(db, call.id, viewer.id)
    assert row is not None  # the rule checked it
    _send(request, db, viewer, call, "complete_transfer", "complete_transfer",
          channel=state.agent_channel)
    handovers.finish(row, completed=True, now=utcnow())
    _tell_receiver(request, db, viewer, call, row.to_user_id, HandoverKind.WARM)


def cancel_transfer(request: Request, db: Session, viewer: Viewer, call: Call) -> None:
    state = _checked(request, db, viewer, call, "cancel_transfer")
    row = handovers.consulting(db, call.id, viewer.id)
    assert row is not None
    _send(request, db, viewer, call, "cancel_transfer", "cancel_transfer",
          channel=state.agent_channel)
    handovers.finish(row, completed=False, now=utcnow())
