"""Getting a waiting conversation to an agent and back: offers, accept, decline, lapsed
offers, "take next", returns to the queue. Takes the session, never commits.

Race safety. Every change of a conversation's status here is a conditional UPDATE
(``WHERE status = … AND agent_id = …``): of two agents accepting, or a decline racing a
lapse, exactly one changes the row and the other is told it is no longer theirs. The
passes that count an agent's load before adding to it (``route``, ``take_next``) hold one
transaction-wide lock on PostgreSQL, so two workers never both fill the same agent's last
place; SQLite has a single writer anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from callcenter.agents.models import User
from callcenter.chat import capacity, routing_policy, service, system_lines
from callcenter.chat.models import Conversation, ConversationStatus
from callcenter.chat.routing_policy import AgentSlot, Offer, Waiting
from callcenter.errors import Conflict, NotFound

S = ConversationStatus
# Any fixed 64-bit number: the key of the routing lock (pg_advisory_xact_lock).
ROUTING_LOCK = 1300_0033


@dataclass(frozen=True, slots=True)
class Timings:
    offer_timeout: timedelta
    decline_rest: timedelta

    @classmethod
    def of(cls, settings) -> Timings:
        return cls(timedelta(seconds=settings.chat_offer_timeout_seconds),
                   timedelta(seconds=settings.chat_decline_rest_seconds))


def _lock_routing(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTING_LOCK})


def _waiting(session: Session) -> list[Waiting]:
    rows = session.execute(
        select(Conversation.id, Conversation.topic, Conversation.language,
               Conversation.waiting_since, Conversation.declined_by_id,
               Conversation.offered_at)
        .where(Conversation.status == S.WAITING, Conversation.waiting_since.is_not(None)))
    return [Waiting(*row) for row in rows]


def slots(session: Session, presence: Mapping[int, str]) -> list[AgentSlot]:
    """The agents the bridge reports, with their languages, capacity and load."""
    ids = sorted(presence)
    if not ids:
        return []
    languages = dict(session.execute(select(User.id, User.languages)
                                     .where(User.id.in_(ids))).all())
    capacities = capacity.of_many(session, ids)
    held = capacity.holding(session, ids)
    return [AgentSlot(user_id, presence[user_id], frozenset(languages.get(user_id) or ["th"]),
                      capacities[user_id], held.get(user_id, 0))
            for user_id in ids if user_id in languages]


def route(session: Session, *, presence: Mapping[int, str], now: datetime,
          timings: Timings) -> list[Offer]:
    """Offer waiting conversations to free agents; the offers made (to tell each agent)."""
    _lock_routing(session)
    planned = routing_policy.plan(_waiting(session), slots(session, presence), now=now,
                                  rest=timings.decline_rest)
    made = []
    for offer in planned:
        changed = session.execute(
            update(Conversation)
            .where(Conversation.id == offer.conversation_id, Conversation.status == S.WAITING)
            .values(status=S.OFFERED, agent_id=offer.agent_id, offered_at=now,
                    updated_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            made.append(offer)
    session.expire_all()
    return made


def _held_by(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id, populate_existing=True)
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


def accept(session: Session, conversation_id: int, *, agent_id: int,
           now: datetime) -> Conversation:
    """The offered agent takes it: OFFERED → ACTIVE. Anyone else, or too late: 409."""
    changed = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == S.OFFERED,
               Conversation.agent_id == agent_id)
        .values(status=S.ACTIVE, accepted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    conversation = _held_by(session, conversation_id)
    if not changed:
        raise Conflict("this chat is no longer offered to you")
    return conversation


def _back_to_line(session: Session, conversation_id: int, *, from_statuses: tuple[S, ...],
                  agent_id: int | None, now: datetime, waiting_since: datetime | None = None,
                  declined_by: int | None = None) -> bool:
    query = (update(Conversation)
             .where(Conversation.id == conversation_id,
                    Conversation.status.in_(from_statuses)))
    if agent_id is not None:
        query = query.where(Conversation.agent_id == agent_id)
    values: dict[str, object] = {"status": S.WAITING, "agent_id": None, "updated_at": now,
                                 "declined_by_id": declined_by}
    if waiting_since is not None:
        values["waiting_since"] = waiting_since
    changed = session.execute(
        query.values(**values).execution_options(synchronize_session=False)).rowcount
    return bool(changed)


def decline(session: Session, conversation_id: int, *, agent_id: int,
            now: datetime) -> Conversation:
    """The offered agent says no: back in line where it was, offered to someone else."""
    if not _back_to_line(session, conversation_id, from_statuses=(S.OFFERED,),
                         agent_id=agent_id, now=now, declined_by=agent_id):
        _held_by(session, conversation_id)
        raise Conflict("this chat is no longer offered to you")
    return _held_by(session, conversation_id)


def expire_offers(session: Session, *, now: datetime, timings: Timings) -> list[int]:
    """Offers nobody accepted in time go back in line (as a decline by that agent)."""
    lapsed = session.execute(
        select(Conversation.id, Conversation.agent_id, Conversation.offered_at)
        .where(Conversation.status == S.OFFERED,
               Conversation.offered_at <= now - timings.offer_timeout)).all()
    back = []
    for conversation_id, agent_id, _ in lapsed:
        if _back_to_line(session, conversation_id, from_statuses=(S.OFFERED,),
                         agent_id=agent_id, now=now, declined_by=agent_id):
            back.append(conversation_id)
    return back


def _first_in_line(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Conversation.waiting_since))
                          .where(Conversation.status == S.WAITING))


def _return(session: Session, conversation: Conversation, *, agent_id: int | None,
            now: datetime, why: str) -> bool:
    place = routing_policy.back_in_line(
        conversation.waiting_since or conversation.queued_at,
        first_in_line=_first_in_line(session), fallback=conversation.created_at)
    if not _back_to_line(session, conversation.id, from_statuses=(S.OFFERED, S.ACTIVE),
                         agent_id=agent_id, now=now, waiting_since=place):
        return False
    service.note(session, _held_by(session, conversation.id), why, now=now)
    return True


def release_agent(session: Session, agent_id: int, *, now: datetime) -> list[int]:
    """The agent signed out (or was signed out): every conversation offered to them or
    active with them goes back to waiting, first in line, with a line in its transcript."""
    held = list(session.scalars(
        select(Conversation).where(Conversation.agent_id == agent_id,
                                   Conversation.status.in_((S.OFFERED, S.ACTIVE)))
        .order_by(Conversation.waiting_since, Conversation.id)))
    returned = []
    # Oldest first: each later one goes in front of the one before, so reverse to keep
    # their own order at the head of the line.
    for conversation in reversed(held):
        if _return(session, conversation, agent_id=agent_id, now=now,
                   why=system_lines.SIGNED_OUT):
            returned.append(conversation.id)
    return returned


def return_to_queue(session: Session, conversation_id: int, *, now: datetime) -> Conversation:
    """A supervisor sends a conversation back to the queue, first in line."""
    conversation = _held_by(session, conversation_id)
    if conversation.status not in (S.OFFERED, S.ACTIVE):
        raise Conflict("this chat is not with an agent")
    if not _return(session, conversation, agent_id=conversation.agent_id, now=now,
                   why=system_lines.RETURNED):
        raise Conflict("this chat changed meanwhile; reload")
    return _held_by(session, conversation_id)


def take_next(session: Session, *, agent_id: int, now: datetime) -> Conversation | None:
    """The agent pulls the first conversation in line in their languages, straight to
    ACTIVE; None when nothing waits for them. Refused at capacity (409)."""
    _lock_routing(session)
    user = session.get(User, agent_id)
    if user is None:
        raise NotFound("no such agent")
    limit = capacity.of(session, agent_id)
    if capacity.holding(session, [agent_id]).get(agent_id, 0) >= limit:
        raise Conflict("you already hold as many chats as your capacity")
    choice = routing_policy.next_for(_waiting(session), frozenset(user.languages or ["th"]))
    if choice is None:
        return None
    changed = session.execute(
        update(Conversation)
        .where(Conversation.id == choice.id, Conversation.status == S.WAITING)
        .values(status=S.ACTIVE, agent_id=agent_id, offered_at=now, accepted_at=now,
                updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    return _held_by(session, choice.id) if changed else None


@dataclass(frozen=True, slots=True)
class Load:
    holding: int
    capacity: int


def load_of(session: Session, agent_id: int) -> Load:
    """What the agent's page shows: "chats: holding / capacity"."""
    return Load(capacity.holding(session, [agent_id]).get(agent_id, 0),
                capacity.of(session, agent_id))


def offered_to(session: Session, agent_id: int) -> list[Conversation]:
    return list(session.scalars(
        select(Conversation).where(Conversation.agent_id == agent_id,
                                   Conversation.status == S.OFFERED)
        .order_by(Conversation.offered_at, Conversation.id)))
