"""The call controls as the agent page and the API read them: the call's state, what may
be clicked now, where a transfer may go, and what a receiver takes over.

Reads the bridge's live state (Redis: the call's hold and answer time, the agent's own
leg, who is free) and the hand-overs; the rules of what is enabled are pure
(``callcenter.calls.control_rules``). Redis away reads as "no call": nothing to click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console import pbx, screenpop
from agent_console.deps import Viewer, language
from agent_console.i18n import translator
from agent_console.own_calls import own_call
from callcenter import collation
from callcenter.agents import service as users
from callcenter.agents import state as agent_state
from callcenter.ami import call_features
from callcenter.calls import control_rules, handovers
from callcenter.calls.handover_models import CallHandover
from callcenter.calls.models import Call
from callcenter.cases import call_handover
from callcenter.db import utcnow
from callcenter.errors import NotFound
from callcenter.queues import live as live_state


@dataclass(frozen=True, slots=True)
class Target:
    value: str  # queue:<name> | agent:<user id> | number:<digits>
    label: str


@dataclass(slots=True)
class HandedOver:
    """What the receiver of a transfer takes over: from whom, and the draft or case."""

    kind: str
    from_name: str
    reason: str
    draft_key: str | None = None
    case_id: int | None = None
    case_number: str | None = None


@dataclass(slots=True)
class ControlsView:
    call: Call
    state: control_rules.ControlState
    queues: list[Target] = field(default_factory=list)
    colleagues: list[Target] = field(default_factory=list)
    services: list[Target] = field(default_factory=list)
    handed_over: HandedOver | None = None


def _live_agents(request: Request) -> list[dict[str, Any]]:
    try:
        found = live_state.read(request.app.state.redis, now=utcnow())
    except Exception:
        return []  # Redis away: nobody is known to be free
    return found.state.get("agent", [])


def control_state(request: Request, db: Session, viewer: Viewer,
                  call: Call) -> control_rules.ControlState:
    """What the agent's call looks like now and which controls work."""
    agent, _ok = pbx.read_live(request, viewer)
    live_call = screenpop.live_call(request.app.state.redis, call.node, call.uniqueid)
    consulting = handovers.consulting(db, call.id, viewer.id) is not None
    return control_rules.decide(call=live_call, agent=agent, uniqueid=call.uniqueid,
                                consulting=consulting)


def colleagues(request: Request, db: Session, viewer: Viewer) -> list[Target]:
    """Staff who are free now (the bridge's live state), named, in the reader's order."""
    free = control_rules.free_colleagues(_live_agents(request), own_name=viewer.login)
    found = []
    for payload in free:
        user = users.by_login(db, str(payload.get("name")))
        if user is not None and user.phone_interface and user.id != viewer.id:
            found.append(Target(f"agent:{user.id}", user.display_name))
    return collation.in_name_order(found, lambda t: t.label, language(request))


def queue_targets(request: Request, db: Session) -> list[Target]:
    english = language(request) == "en"
    labels = agent_state.queue_labels(db)
    return [Target(f"queue:{name}", pair[english]) for name, pair in labels.items()]


def service_targets(request: Request) -> list[Target]:
    # Named as the three-way panel names them ("ตำรวจ 191"), in the page's language.
    _ = translator(language(request))
    return [Target(f"number:{number}", _(f"three_way.service.{what}"))
            for number, what in call_features.EMERGENCY_NUMBERS.items()]


def _answered_by(viewer: Viewer, call: Call, state: control_rules.ControlState) -> bool:
    """Whether the viewer took this call on their own phone (not a supervisor looking)."""
    return state.on_call or call.agent_user_id == viewer.id \
        or agent_state.is_own_interface(call.agent_interface, viewer)


def handed_over(db: Session, viewer: Viewer, call: Call,
                state: control_rules.ControlState) -> HandedOver | None:
    """The transfer this viewer received on this call, if any, with the first agent's
    draft (now the viewer's) or case. A transfer to a queue names its receiver here, once:
    whoever answered the call on their own phone."""
    row: CallHandover | None = handovers.received(db, call.id)
    if row is None:
        return None
    named = row.to_user_id == viewer.id or (
        row.to_user_id is None and _answered_by(viewer, call, state)
        and handovers.claim(row, viewer.id))
    if not named:
        return None
    giver = users.by_id(db, row.from_user_id)
    taken = call_handover.take_over(db, call_id=call.id, from_user_id=row.from_user_id,
                                    to_user_id=viewer.id)
    return HandedOver(kind=row.kind.value, from_name=giver.display_name if giver else "-",
                      reason=row.reason, draft_key=taken.draft_key, case_id=taken.case_id,
                      case_number=taken.case_number)


def build(request: Request, db: Session, viewer: Viewer, call: Call) -> ControlsView:
    state = control_state(request, db, viewer, call)
    view = ControlsView(call=call, state=state,
                        handed_over=handed_over(db, viewer, call, state))
    if state.on_call:
        view.queues = queue_targets(request, db)
        view.colleagues = colleagues(request, db, viewer)
        view.services = service_targets(request)
    return view


def controlled_call(db: Session, call_id: int, viewer: Viewer, request: Request) -> Call:
    """The call, if it is the viewer's (``own_calls``) or was handed to them by a
    transfer (a warm transfer's receiver is on no queue leg the record names); else 404."""
    try:
        return own_call(db, call_id, viewer, request)
    except NotFound:
        if viewer.id in handovers.receivers(db, call_id):
            call = db.get(Call, call_id)
            if call is not None:
                return call
        raise


def timeline(db: Session, call_ids: list[int]) -> list[dict[str, Any]]:
    """The case's calls handed over: who to whom (or which queue, which number), blind or
    warm, when, and why."""
    rows = handovers.of_calls(db, call_ids)
    people = users.by_ids(db, {i for r in rows for i in (r.from_user_id, r.to_user_id) if i})

    def name(user_id: int | None) -> str | None:
        return people[user_id].display_name if user_id in people else None

    return [{"at": r.ended_at or r.started_at, "kind": "handover", "item": r,
             "from_name": name(r.from_user_id) or "-", "to_name": name(r.to_user_id)}
            for r in rows]
