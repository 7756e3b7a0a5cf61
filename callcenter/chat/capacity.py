"""Agents' chat capacity: how many conversations each holds at once, as admins keep it.

No row means the default (``routing_policy.DEFAULT_CAPACITY``); 0 means the person takes
no chats. Every change is audited with the value before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.agents.models import Role, User
from callcenter.chat.models import ChatCapacity, Conversation, ConversationStatus
from callcenter.chat.routing_policy import DEFAULT_CAPACITY, MAX_CAPACITY
from callcenter.errors import InvalidInput, NotFound

# Who chats: the roles that take calls (a supervisor may also pull one by hand).
CHAT_ROLES = (Role.AGENT, Role.SUPERVISOR)
HELD = (ConversationStatus.OFFERED, ConversationStatus.ACTIVE)


def of(session: Session, user_id: int) -> int:
    row = session.get(ChatCapacity, user_id)
    return row.capacity if row is not None else DEFAULT_CAPACITY


def of_many(session: Session, user_ids: list[int]) -> dict[int, int]:
    kept = dict(session.execute(
        select(ChatCapacity.user_id, ChatCapacity.capacity)
        .where(ChatCapacity.user_id.in_(user_ids))).all())
    return {user_id: kept.get(user_id, DEFAULT_CAPACITY) for user_id in user_ids}


def holding(session: Session, user_ids: list[int] | None = None) -> dict[int, int]:
    """Conversations offered to or active with each agent (those holding none absent)."""
    query = (select(Conversation.agent_id, func.count())
             .where(Conversation.status.in_(HELD), Conversation.agent_id.is_not(None))
             .group_by(Conversation.agent_id))
    if user_ids is not None:
        query = query.where(Conversation.agent_id.in_(user_ids))
    return dict(session.execute(query).all())


def set_capacity(session: Session, *, user_id: int, capacity: int, actor_id: int,
                 now: datetime) -> int:
    """Keep an agent's capacity; a conversation already held above it stays held."""
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"capacity must be 0 to {MAX_CAPACITY}", field="capacity")
    user = session.get(User, user_id)
    if user is None or user.role not in CHAT_ROLES:
        raise NotFound("no agent with this id")
    row = session.get(ChatCapacity, user_id)
    before = row.capacity if row is not None else DEFAULT_CAPACITY
    if row is None:
        row = ChatCapacity(user_id=user_id, capacity=capacity, updated_at=now)
        session.add(row)
    row.capacity = capacity
    row.updated_at = now
    session.flush()
    if before != capacity:
        audit.record(session, actor_id=actor_id, action="chat.capacity", entity_type="user",
                     entity_id=user_id, changes={"chat_capacity": [before, capacity]})
    return capacity


@dataclass(frozen=True, slots=True)
class AgentCapacity:
    user_id: int
    login: str
    display_name: str
    role: str
    languages: list[str]
    capacity: int
    holding: int


def _rows(session: Session, users: list[User]) -> list[AgentCapacity]:
    ids = [u.id for u in users]
    capacities = of_many(session, ids)
    held = holding(session, ids)
    return [AgentCapacity(u.id, u.login, u.display_name, u.role.value, list(u.languages or []),
                          capacities[u.id], held.get(u.id, 0)) for u in users]


def listing(session: Session) -> list[AgentCapacity]:
    """Every active agent and supervisor with their capacity, for the admins' page."""
    return _rows(session, list(session.scalars(
        select(User).where(User.role.in_(CHAT_ROLES), User.active.is_(True))
        .order_by(User.display_name, User.id))))


def one(session: Session, user_id: int) -> AgentCapacity:
    user = session.get(User, user_id)
    if user is None or user.role not in CHAT_ROLES:
        raise NotFound("no agent with this id")
    return _rows(session, [user])[0]
