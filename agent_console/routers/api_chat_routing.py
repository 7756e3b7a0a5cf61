"""JSON API of chat routing: the same steps as the agent page (``chat_routing.py``),
and the admins' chat capacities (``/admin/chat-capacity`` is the page)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agent_console import chat_routing_view as view
from agent_console.admin_access import admin_only
from agent_console.api_errors import COMMON, errors
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id, limit_body
from callcenter.agents.models import Role
from callcenter.chat import capacity, routing
from callcenter.chat.routing_policy import MAX_CAPACITY
from callcenter.db import utcnow

router = APIRouter(prefix="/api", tags=["chat routing"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Chatter = Depends(require(Role.AGENT, Role.SUPERVISOR))
Supervisor = Depends(require(Role.SUPERVISOR))
Admin = Depends(admin_only)


class ChatOut(BaseModel):
    """A conversation as routing sees it: never the person's name, id or words."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    status: str
    queue_name: str | None
    topic: str | None
    language: str
    agent_id: int | None
    waiting_since: datetime | None
    offered_at: datetime | None
    accepted_at: datetime | None


class LoadOut(BaseModel):
    holding: int
    capacity: int
    offers: list[ChatOut]


class TakenOut(BaseModel):
    chat: ChatOut | None


class CapacityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capacity: int = Field(ge=0, le=MAX_CAPACITY)


class CapacityOut(BaseModel):
    user_id: int
    login: str
    display_name: str
    role: str
    languages: list[str]
    capacity: int
    holding: int


@router.get("/chats/load", response_model=LoadOut, responses=errors(403))
def load(viewer: Viewer = Chatter, db: Session = DB):
    """The agent's chats: how many held, their capacity, the offers waiting for them."""
    now = routing.load_of(db, viewer.id)
    return LoadOut(holding=now.holding, capacity=now.capacity,
                   offers=[ChatOut.model_validate(c) for c in routing.offered_to(db, viewer.id)])


@router.post("/chats/take-next", response_model=TakenOut, responses=errors(403, 409))
def take_next(viewer: Viewer = Chatter, db: Session = DB):
    """The first conversation in line in the agent's languages, now theirs; null if none."""
    taken = routing.take_next(db, agent_id=viewer.id, now=utcnow())
    return TakenOut(chat=ChatOut.model_validate(taken) if taken else None)


@router.post("/chats/{conversation_id}/accept", response_model=ChatOut,
             responses=errors(403, 404, 409, 422))
def accept(conversation_id: Id, viewer: Viewer = Chatter, db: Session = DB):
    """Only the agent it is offered to; 409 once it is no longer offered to them."""
    return routing.accept(db, conversation_id, agent_id=viewer.id, now=utcnow())


@router.post("/chats/{conversation_id}/decline", response_model=ChatOut,
             responses=errors(403, 404, 409, 422))
def decline(conversation_id: Id, request: Request, viewer: Viewer = Chatter,
            db: Session = DB):
    conversation = routing.decline(db, conversation_id, agent_id=viewer.id, now=utcnow())
    view.route_soon(request, db)
    return conversation


@router.post("/chats/{conversation_id}/return", response_model=ChatOut,
             responses=errors(403, 404, 409, 422))
def return_to_queue(conversation_id: Id, request: Request, viewer: Viewer = Supervisor,
                    db: Session = DB):
    """A supervisor sends an offered or active chat back to the queue, first in line."""
    conversation = routing.return_to_queue(db, conversation_id, now=utcnow())
    view.route_soon(request, db)
    return conversation


@router.get("/admin/chat-capacity", response_model=list[CapacityOut], responses=errors(403))
def capacities(viewer: Viewer = Admin, db: Session = DB):
    return capacity.listing(db)


@router.put("/admin/chat-capacity/{user_id}", response_model=CapacityOut,
            responses=errors(403, 404, 422))
def set_capacity(user_id: Id, body: CapacityIn, request: Request, viewer: Viewer = Admin,
                 db: Session = DB):
    """Keep how many chats the agent holds at once (0: none); audited."""
    capacity.set_capacity(db, user_id=user_id, capacity=body.capacity, actor_id=viewer.id,
                          now=utcnow())
    view.route_soon(request, db)
    return capacity.one(db, user_id)
