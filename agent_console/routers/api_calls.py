"""JSON API for the call side: screen-pop, dispositions, intake drafts, agent state,
and the unit's own dispatches (field-visit view)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console import access, screenpop
from agent_console.deps import Viewer, require
from agent_console.limits import client_ip, limit_body
from agent_console.routers.api_cases import DB, Id, done, id_key
from callcenter import audit
from callcenter.agents import state as agent_state
from callcenter.agents.models import Role
from callcenter.calls import service as calls
from callcenter.calls.models import Call
from callcenter.cases import drafts, schemas
from callcenter.cases import service as cases
from callcenter.dispatch import service as dispatches
from callcenter.errors import NotFound

router = APIRouter(prefix="/api", tags=["calls"], dependencies=[Depends(limit_body)])
CaseReader = Depends(require(*access.CASE_ROLES))
AgentOnly = Depends(require(Role.AGENT))
UnitMember = Depends(require(Role.UNIT_MEMBER))
# Seconds to wait for the bridge: past this the agent sees "the phone system did not answer".
COMMAND_TIMEOUT = 5.0
Key = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def own_call(db: Session, call_id: int, viewer: Viewer, request: Request) -> Call:
    """The call, if it is on this agent's phone (supervisors see every call); else 404.

    Ringing calls count: the tracker names the agent on the call only once they answer,
    and Alt+N or a disposition while it rings must work.
    """
    call = calls.by_id(db, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found")
    if viewer.role is Role.AGENT and not is_agents_call(
            request, viewer, node=call.node, uniqueid=call.uniqueid,
            interfaces=(call.agent_interface,), user_ids=(call.agent_user_id,)):
        raise NotFound(f"call {call_id} not found")
    return call


def is_agents_call(request: Request, viewer: Viewer, *, node: str, uniqueid: str,
                   interfaces: tuple[str | None, ...] = (),
                   user_ids: tuple[int | None, ...] = ()) -> bool:
    """Whether the call's record names this agent or their live state names the call.

    A uniqueid alone proves nothing (they are guessable): a ringing or queued call
    that names no agent is only theirs if the bridge says it rings on their phone.
    """
    if viewer.id in user_ids or any(agent_state.is_own_interface(i, viewer)
                                    for i in interfaces):
        return True
    live, _ok = read_live(request, viewer)
    if not live or live.get("node") not in (None, node):
        return False
    return uniqueid in (live.get("ringing_call"), live.get("current_call"))


@router.get("/calls/{call_id}/screenpop", response_model=screenpop.ScreenPop)
def get_screenpop(call_id: Id, request: Request, viewer: Viewer = CaseReader,
                  db: Session = DB):
    call = own_call(db, call_id, viewer, request)
    live = screenpop.live_call(request.app.state.redis, call.node, call.uniqueid)
    audit.record(db, actor_id=viewer.id, action="call.view", entity_type="call",
                 entity_id=call.id, source_ip=client_ip(request))
    return screenpop.build(db, role=viewer.role, call=call, live=live)


class CallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    disposition: str | None


@router.post("/calls/{call_id}/disposition", response_model=CallOut)
def set_disposition(call_id: Id, body: schemas.DispositionIn, request: Request,
                    viewer: Viewer = CaseReader, db: Session = DB):
    """Mark a call that is not a case (prank, silent, information …) for the reports."""
    call = own_call(db, call_id, viewer, request)
    calls.set_disposition(db, call, disposition=body.disposition, actor_id=viewer.id)
    return done(db, CallOut(id=call.id, disposition=body.disposition.value))


# --- intake drafts ----------------------------------------------------------------------


class DraftOut(BaseModel):
    key: str
    call_id: int | None
    case_id: int | None
    # What the form holds, without national IDs: once entered they are never sent back.
    data: dict[str, str]
    # The national IDs entered so far: field name to their last four digits.
    national_ids_entered: dict[str, str]
    # Send it back with the next save: a draft saved since (another tab) is a 409.
    version: int
    updated_at: datetime


def _draft_out(draft, request: Request) -> DraftOut:
    return DraftOut(key=draft.key, call_id=draft.call_id, case_id=draft.case_id,
                    data=drafts.form_data(draft),
                    national_ids_entered=drafts.ids_entered(draft, key=id_key(request)),
                    version=draft.version, updated_at=draft.updated_at)


def prefill(call: Call | None) -> dict[str, str]:
    """The intake form as the IVR left it: issue area and urgency from the call."""
    if call is None:
        return {}
    data = {}
    if call.issue_area:
        data["issue_area"] = call.issue_area
    if call.silent or (call.priority or 0) >= 10:
        data["urgency"] = "immediate"
    if call.caller_number:
        # The caller is the reporter until the agent hears otherwise.
        data["persons.1.phone"] = call.caller_number
    if call.ivr_language and call.ivr_language != "th":
        data["persons.1.language"] = call.ivr_language
    return data


class DraftOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


@router.post("/drafts", response_model=DraftOut)
def open_draft(body: DraftOpen, request: Request, viewer: Viewer = CaseReader,
               db: Session = DB):
    """The agent's draft for a call (the same one on every tab), pre-filled from the IVR."""
    call = own_call(db, body.call_id, viewer, request) if body.call_id is not None else None
    draft = drafts.open_for(db, user_id=viewer.id, call_id=call.id if call else None,
                            prefill=prefill(call))
    drafts.record_view(db, draft, actor_id=viewer.id, source_ip=client_ip(request))
    return done(db, _draft_out(draft, request))


@router.get("/drafts/{key}", response_model=DraftOut)
def get_draft(key: Key, request: Request, viewer: Viewer = CaseReader, db: Session = DB):
    draft = drafts.get(db, key, user_id=viewer.id)
    drafts.record_view(db, draft, actor_id=viewer.id, source_ip=client_ip(request))
    return done(db, _draft_out(draft, request))


@router.put("/drafts/{key}", response_model=DraftOut)
def save_draft(key: Key, body: schemas.DraftIn, request: Request,
               viewer: Viewer = CaseReader, db: Session = DB):
    """Replace the draft's fields; with ``version``, refuse (409) if another tab saved."""
    draft = drafts.save(db, drafts.get(db, key, user_id=viewer.id), body.data,
                        key=id_key(request), version=body.version)
    db.flush()
    return done(db, _draft_out(draft, request))


@router.post("/drafts/{key}/case", response_model=schemas.CaseOut, status_code=201)
def open_case_from_draft(key: Key, request: Request, response: Response,
                         viewer: Viewer = CaseReader, db: Session = DB):
    """Open the draft's case; a repeat (second tab, double click) returns the same case."""
    draft = drafts.get(db, key, user_id=viewer.id)
    if draft.case_id is not None:
        response.status_code = 200
        return schemas.CaseOut.model_validate(cases.get(db, draft.case_id))
    case, created = cases.open_from_intake(
        db, intake=drafts.check(draft, key=id_key(request)), actor_id=viewer.id,
        id_key=id_key(request))
    drafts.mark_opened(draft, case.id)
    if not created:
        response.status_code = 200
    return done(db, schemas.CaseOut.model_validate(case))


# --- agent state --------------------------------------------------------------------------


class AgentStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["sign_in", "sign_out", "pause", "unpause"]
    reason: str | None = None


class AgentStateOut(BaseModel):
    queues: list[str]
    live: dict[str, Any] | None
    bridge: Literal["ok", "unavailable"]


class _Unreachable:
    status = "error"
    ok = False


class SafeCommands:
    """The bridge's command client; a Redis failure reads as "the bridge did not answer"."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, node: str, command: str, **args: Any) -> Any:
        try:
            return self.client.send(node, command, **args)
        except Exception:  # Redis away or timing out: the agent gets a 503, not a 500
            return _Unreachable()


def commands(request: Request) -> SafeCommands:
    from callcenter.ami.client import CommandClient

    return SafeCommands(CommandClient(request.app.state.redis, timeout=COMMAND_TIMEOUT))


def node_for(request: Request, live: dict[str, Any] | None) -> str:
    if live and live.get("node"):
        return str(live["node"])
    nodes = request.app.state.settings.ami_nodes
    return nodes[0].name if nodes else agent_state.DEFAULT_NODE


def read_live(request: Request, viewer: Viewer) -> tuple[dict[str, Any] | None, bool]:
    try:
        return agent_state.live_state(request.app.state.redis, viewer), True
    except Exception:
        return None, False


@router.get("/agent/state", response_model=AgentStateOut)
def get_agent_state(request: Request, viewer: Viewer = AgentOnly,
                    db: Session = DB):
    live, ok = read_live(request, viewer)
    return AgentStateOut(queues=[m.queue for m in agent_state.queues_for(db, viewer)],
                         live=live, bridge="ok" if ok else "unavailable")


@router.post("/agent/state", response_model=AgentStateOut)
def change_agent_state(body: AgentStateIn, request: Request, viewer: Viewer = AgentOnly,
                       db: Session = DB):
    """Ask Asterisk (through the bridge) to change the agent's state; 503 if it cannot."""
    live, _ok = read_live(request, viewer)
    node = node_for(request, live)
    client = commands(request)
    user = viewer
    if body.action == "sign_in":
        agent_state.sign_in(db, client, user=user, node=node)
    elif body.action == "sign_out":
        agent_state.sign_out(db, client, user=user, node=node,
                             queues=sorted((live or {}).get("queues", {})) or None)
    elif body.action == "pause":
        agent_state.pause(client, user=user, node=node, reason=body.reason or "")
    else:
        agent_state.unpause(client, user=user, node=node)
    audit.record(db, actor_id=viewer.id, action=f"agent.{body.action}", entity_type="user",
                 entity_id=viewer.id)
    live, ok = read_live(request, viewer)
    return AgentStateOut(queues=[m.queue for m in agent_state.queues_for(db, user)],
                         live=live, bridge="ok" if ok else "unavailable")


# --- the unit's dispatches ----------------------------------------------------------------


class UnitDispatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    urgency: str
    case_number: str
    province_code: str
    district: str | None
    created_at: datetime


class VisitPersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    role: str
    nickname: str | None
    gender: str
    age_years: int | None
    language: str | None
    needs_interpreter: bool
    has_disability: bool
    phone: str | None
    address: str | None


class UnitDispatchDetailOut(BaseModel):
    dispatch: UnitDispatchOut
    # The agent's text for the unit; the case's summary is never sent to a unit.
    unit_brief: str
    do_not_call_back: bool
    call_window: str | None
    persons: list[VisitPersonOut]


@router.get("/unit/dispatches", response_model=list[UnitDispatchOut])
def unit_dispatches(viewer: Viewer = UnitMember, db: Session = DB):
    """The signed-in unit member's own unit's open dispatches, never another unit's."""
    return [UnitDispatchOut.model_validate(d)
            for d in dispatches.list_for_unit(db, viewer.unit_id)]


@router.get("/unit/dispatches/{dispatch_id}", response_model=UnitDispatchDetailOut)
def unit_dispatch(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
                  db: Session = DB):
    detail = dispatches.get_for_unit(db, dispatch_id, unit_id=viewer.unit_id,
                                     actor_id=viewer.id, source_ip=client_ip(request))
    return UnitDispatchDetailOut(
        dispatch=UnitDispatchOut.model_validate(detail.dispatch), unit_brief=detail.unit_brief,
        do_not_call_back=detail.do_not_call_back, call_window=detail.call_window,
        persons=[VisitPersonOut.model_validate(p) for p in detail.persons])
