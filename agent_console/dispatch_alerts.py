"""A dispatch's alerts and new state, handed on once the request's transaction is committed.

Routes that create or move a dispatch call ``enqueue_after_commit``; the request's
session (``deps.db_session``) commits and then runs it. Before the commit a worker
could not see the rows it is sent for; after a rollback there is nothing to send. If
Redis is away at that moment, nothing is lost: the alert rows are committed, and the
outbox relay (``callcenter.dispatch.delivery.relay``) enqueues them when Redis is back.
"""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy.orm import Session

from callcenter import after_commit
from callcenter.db import default_sessionmaker
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.dispatch.delivery import enqueue

log = logging.getLogger(__name__)


def enqueue_after_commit(request: Request, db: Session, dispatch_id: int) -> None:
    """After the request's commit, enqueue what the dispatch is owed and publish its state."""
    redis = request.app.state.redis
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()

    def hand_on() -> None:
        try:
            enqueue.after_commit(redis, dispatch_id, sessions=factory,
                                 settings=get_dispatch_settings())
        except Exception as exc:  # Redis down: the row is committed, the relay enqueues it
            log.warning("dispatch %s not enqueued now (%s)", dispatch_id, type(exc).__name__)

    after_commit.register(db, hand_on)
