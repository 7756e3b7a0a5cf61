"""Which agents are free for chats, read from the bridge's live agent state in Redis.

The bridge publishes each queue member as Asterisk reports it (``live.<node>.agents``);
its ``status`` (available, ringing, in_call, paused, logged_out, unavailable) is the one
truth of whether an agent is on a call. An agent the bridge does not report is absent:
routing offers them nothing, and nothing is taken from them either (a lost bridge must
not pull every agent's open chats back into the queues).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import topics
from callcenter.agents import state as agent_state
from callcenter.agents.models import User
from callcenter.chat.capacity import CHAT_ROLES


def live_agents(redis: Any) -> list[dict[str, Any]]:
    payloads = []
    for key in redis.scan_iter(match=topics.live_key("*", topics.AGENT), count=100):
        payloads.extend(json.loads(body) for body in redis.hvals(key))
    return payloads


def statuses(session: Session, payloads: list[dict[str, Any]]) -> dict[int, str]:
    """user id → live status, for the active agents the bridge reports."""
    if not payloads:
        return {}
    users = session.scalars(select(User).where(User.role.in_(CHAT_ROLES),
                                               User.active.is_(True)))
    found: dict[int, str] = {}
    for user in users:
        for payload in payloads:
            if agent_state.matches(payload, user):
                found[user.id] = str(payload.get("status") or "")
                break
    return found


def read(session: Session, redis: Any) -> dict[int, str]:
    return statuses(session, live_agents(redis))
