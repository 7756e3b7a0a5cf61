"""The agent's last call and what it still owes (service side of ``calls.wrap_up``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.calls.models import Call
from callcenter.queues.models import Queue


def last_call(session: Session, user_id: int) -> Call | None:
    """The agent's most recent call that has ended."""
    return session.scalars(select(Call).where(
        Call.agent_user_id == user_id, Call.ended_at.is_not(None),
        Call.answered_at.is_not(None)).order_by(Call.ended_at.desc(), Call.id.desc())
        .limit(1)).first()


def wrap_up_required(session: Session, queue_name: str | None) -> bool:
    if not queue_name:
        return False
    return bool(session.scalar(select(Queue.wrap_up_required).where(
        Queue.name == queue_name)))
