"""The chat desk as the console's routes share it: who looks, the gate of every
``/chats/{conversation_id}`` route, the work handed on after the commit (sends to LINE,
the page's live trigger) and the conversations a case's timeline shows."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.access import AUDIT_ROLES
from agent_console.deps import DB, Viewer, require
from agent_console.limits import Id
from callcenter import after_commit
from callcenter.agents import service as users
from callcenter.cases.models import Case
from callcenter.chat import desk, jobs, live, service
from callcenter.chat.models import Conversation
from callcenter.intake import chat_cases

Worker = Depends(require(*access.CASE_ROLES))


def desk_viewer(viewer: Viewer) -> desk.Viewer:
    return desk.Viewer(id=viewer.id, boss=viewer.role in AUDIT_ROLES)


def seen_conversation(conversation_id: Id, viewer: Viewer = Worker,
                      db: Session = DB) -> Conversation:
    """The conversation of the path, if this viewer may see it (its agent, supervisors,
    admins); to anyone else it is missing (404), as a case they may not read is."""
    return desk.get(db, conversation_id, desk_viewer(viewer))


SeenConversation = Depends(seen_conversation)


def hand_on(request: Request, db: Session, conversation_id: int,
            owed: list[int] = ()) -> None:
    """After the request's commit: enqueue the sends owed and tell the open pages."""
    redis = request.app.state.redis
    ids = list(owed)

    def after() -> None:
        if ids:
            jobs.after_commit_sends(redis, ids)
        live.publish(redis, [conversation_id])

    after_commit.register(db, after)


def names(db: Session, user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    return {i: user.display_name for i, user in users.by_ids(db, ids).items()}


def case_number(db: Session, case_id: int | None) -> str | None:
    return chat_cases.case_number(db, case_id)


def timeline(db: Session, case: Case) -> list[dict[str, Any]]:
    """Each conversation the case came from or was attached to, with its transcript."""
    return [{"at": conversation.created_at, "kind": "chat", "item": conversation,
             "messages": service.transcript(db, conversation.id)}
            for conversation in desk.of_case(db, case.id)]
