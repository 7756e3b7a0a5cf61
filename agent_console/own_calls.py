"""Which calls are the signed-in agent's: the rule behind the screen-pop, Alt+N and dispositions.

An agent sees a call only if its record names them or their phone, or the bridge says
it rings or talks on their phone; any other call answers 404, as one that does not
exist. Supervisors see every call. A uniqueid alone proves nothing: they are guessable.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console.deps import Viewer
from agent_console.pbx import read_live
from callcenter.agents import state as agent_state
from callcenter.agents.models import Role
from callcenter.calls import service as calls
from callcenter.calls.models import Call
from callcenter.errors import NotFound


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

    A ringing or queued call that names no agent is only theirs if the bridge says it
    rings on their phone.
    """
    if viewer.id in user_ids or any(agent_state.is_own_interface(i, viewer)
                                    for i in interfaces):
        return True
    live, _ok = read_live(request, viewer)
    if not live or live.get("node") not in (None, node):
        return False
    return uniqueid in (live.get("ringing_call"), live.get("current_call"))
