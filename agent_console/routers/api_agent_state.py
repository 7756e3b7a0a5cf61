"""JSON API for the agent's own queue state: read it, and ask the phone system to change it.

The change goes through ``callcenter.agents.state.change``, as the agent page's does;
the new state arrives later, as Asterisk reports it through the bridge.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from agent_console import chat_routing_view, pbx
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import limit_body
from callcenter.agents import state as agent_state
from callcenter.agents.models import Role
from callcenter.db import utcnow

router = APIRouter(prefix="/api", tags=["calls"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
AgentOnly = Depends(require(Role.AGENT))


class AgentStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["sign_in", "sign_out", "pause", "unpause"]
    reason: str | None = None


class AgentStateOut(BaseModel):
    queues: list[str]
    live: dict[str, Any] | None
    bridge: Literal["ok", "unavailable"]


def _state(request: Request, viewer: Viewer, db: Session) -> AgentStateOut:
    live, ok = pbx.read_live(request, viewer)
    return AgentStateOut(queues=[m.queue for m in agent_state.queues_for(db, viewer)],
                         live=live, bridge="ok" if ok else "unavailable")


@router.get("/agent/state", response_model=AgentStateOut)
def get_agent_state(request: Request, viewer: Viewer = AgentOnly,
                    db: Session = DB):
    return _state(request, viewer, db)


@router.post("/agent/state", response_model=AgentStateOut,
             responses=errors(400, 409, 422, 502))
def change_agent_state(body: AgentStateIn, request: Request, viewer: Viewer = AgentOnly,
                       db: Session = DB):
    """Ask Asterisk (through the bridge) to change the agent's state; 503 if it cannot."""
    live, _ok = pbx.read_live(request, viewer)
    agent_state.change(db, pbx.commands(request), user=viewer, action=body.action,
                       node=pbx.node_for(request, live), live=live,
                       reason=body.reason or "")
    chat_routing_view.after_state_change(request, db, user_id=viewer.id, action=body.action,
                                         now=utcnow())
    return _state(request, viewer, db)
