"""Chat routing as the console uses it: what an agent's state change owes the chats, the
offers and load the agent's page shows, and a routing pass asked for after the commit.

Shared by the agent page, its JSON twin and the chat routing routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from callcenter import after_commit
from callcenter.chat import routing, routing_jobs
from callcenter.chat.config import get_line_settings
from callcenter.chat.models import Conversation

# A change after which a place may be free for a chat (sign in, resume), or after which
# the agent's chats must go back to the queue (sign out).
FREEING = ("sign_in", "unpause", "sign_out")


def route_soon(request: Request, db: Session) -> None:
    """Ask the worker for a routing pass once this request has committed."""
    client = getattr(request.app.state, "redis", None)
    if client is not None:
        after_commit.register(db, lambda: routing_jobs.request_routing(client))


def after_state_change(request: Request, db: Session, *, user_id: int, action: str,
                       now: datetime) -> None:
    """An agent who signs out hands their chats back first in line, at once (the sweep
    would do it too once the bridge reports them signed out)."""
    if action == "sign_out":
        routing.release_agent(db, user_id, now=now)
    if action in FREEING:
        route_soon(request, db)


@dataclass(frozen=True, slots=True)
class OfferShown:
    id: int
    topic: str | None
    urgent: bool
    language: str
    waited_seconds: int


@dataclass(frozen=True, slots=True)
class ChatPanel:
    load: routing.Load
    offers: list[OfferShown]
    offer_seconds: int


def panel(db: Session, user_id: int, *, now: datetime) -> ChatPanel:
    def shown(c: Conversation) -> OfferShown:
        since = c.waiting_since or now
        return OfferShown(c.id, c.topic, c.topic == "urgent", c.language,
                          max(int((now - since).total_seconds()), 0))

    return ChatPanel(routing.load_of(db, user_id),
                     [shown(c) for c in routing.offered_to(db, user_id)],
                     int(get_line_settings().chat_offer_timeout_seconds))
