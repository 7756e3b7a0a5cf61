"""Telling a case's new owner, live, once the reassignment is committed.

Each notice goes on the owner's own topic (``user.<id>.notices``), which their agent page
hears; published after the commit, so nobody is told of a reassignment a later error
rolled back. Redis away at that moment loses the toast only: the case is theirs, and
"my cases" lists it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from fastapi import Request
from sqlalchemy.orm import Session

from agent_console.deps import Viewer
from callcenter import after_commit, topics
from callcenter.cases import assignment
from callcenter.cases.models import Case
from callcenter.cases.work_models import CaseAssignment

log = logging.getLogger(__name__)


def publish_after_commit(request: Request, db: Session,
                         notices: Sequence[tuple[int, dict[str, object]]]) -> None:
    """Publish ``(user id, notice)`` pairs once the request's transaction commits."""
    if not notices:
        return
    redis = request.app.state.redis
    ready = [(topics.notices_topic(user_id), json.dumps(notice, ensure_ascii=False))
             for user_id, notice in notices]

    def publish() -> None:
        try:
            for topic, body in ready:
                redis.publish(topic, body)
        except Exception as exc:  # Redis away: the case is theirs all the same
            log.warning("case assignment notices not published (%s)", type(exc).__name__)

    after_commit.register(db, publish)


def tell_new_owners(request: Request, db: Session, viewer: Viewer,
                    rows: Sequence[CaseAssignment]) -> None:
    """After the commit, tell each new owner (not the viewer) of the cases now theirs."""
    numbers = {}
    for row in rows:
        case = db.get(Case, row.case_id)
        numbers[row.case_id] = case.number if case else None
    publish_after_commit(request, db, assignment.notices(
        rows, numbers, actor_id=viewer.id, by=viewer.display_name))
