"""The agent's chat desk (pages): my active LINE conversations (all of them, with their
agents, for supervisors), one conversation live, replying with canned replies to pick
and edit, and ending it. Opening a case from a conversation, attaching it and its
pictures are in ``chat_cases.py``.

A conversation is shown only to its agent, supervisors and admins (``SeenConversation``);
its page hears ``chat.<id>.updated`` on its own stream and fetches its transcript again.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from agent_console import chat_desk_view as view
from agent_console import chat_routing_view, htmx
from agent_console.chat_desk_view import SeenConversation, Worker
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import limit_body
from agent_console.sse import format_event
from agent_console.templating import templates
from callcenter import topics
from callcenter.chat import canned_replies, desk, service
from callcenter.chat.models import Conversation
from callcenter.db import utcnow

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
# The person reads a LINE text of at most this many characters.
TEXT = Form(max_length=desk.MAX_REPLY)


@router.get("/chats", response_class=HTMLResponse)
def desk_page(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    me = view.desk_viewer(viewer)
    mine = desk.mine(db, viewer.id)
    everyone = desk.all_active(db) if me.boss else []
    agents = view.names(db, {row.conversation.agent_id for row in everyone})
    return templates.TemplateResponse(request, "chats/desk.html", page_context(
        request, mine=mine, everyone=everyone, agents=agents))


def _transcript_context(request: Request, db: Session, conversation: Conversation,
                        viewer: Viewer, **values: object) -> dict[str, object]:
    me = view.desk_viewer(viewer)
    messages = service.transcript(db, conversation.id)
    desk.mark_read(conversation, messages, me)
    authors = view.names(db, {m.author_id for m in messages})
    return page_context(request, conversation=conversation, messages=messages,
                        authors=authors, writable=desk.may_write(conversation, me),
                        **values)


@router.get("/chats/{conversation_id}", response_class=HTMLResponse)
def conversation_page(request: Request, conversation: Conversation = SeenConversation,
                      viewer: Viewer = Worker, db: Session = DB) -> Response:
    replies = [(reply.code, canned_replies.text_of(reply, conversation.language))
               for reply in canned_replies.active(db)]
    case_number = view.case_number(db, conversation.case_id)
    return templates.TemplateResponse(request, "chats/conversation.html", _transcript_context(
        request, db, conversation, viewer, replies=replies, case_number=case_number,
        agent=view.names(db, {conversation.agent_id}).get(conversation.agent_id)))


@router.get("/chats/{conversation_id}/transcript", response_class=HTMLResponse)
def transcript(request: Request, conversation: Conversation = SeenConversation,
               viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The transcript alone: what the page fetches again on each live trigger."""
    return templates.TemplateResponse(request, "chats/_transcript.html", _transcript_context(
        request, db, conversation, viewer))


@router.get("/chats/{conversation_id}/stream")
async def stream(request: Request, conversation: Conversation = SeenConversation
                 ) -> Response:
    hub = request.app.state.hub
    mine = topics.chat_topic(conversation.id)

    async def nothing_kept() -> list[tuple[str, str]]:
        return []  # the page itself is the snapshot; events only say "look again"

    async def body() -> AsyncIterator[bytes]:
        if hub is None:
            yield format_event(topics.HUB, json.dumps({"live": False}))
            return
        async for chunk in hub.stream(lambda topic: topic == mine, nothing_kept):
            if await request.is_disconnected():
                break
            yield chunk

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.post("/chats/{conversation_id}/reply")
def reply(request: Request, text: str = TEXT, conversation: Conversation = SeenConversation,
          viewer: Viewer = Worker, db: Session = DB) -> Response:
    message = desk.reply(db, conversation, text, view.desk_viewer(viewer), now=utcnow())
    view.hand_on(request, db, conversation.id, [message.id])
    if htmx.is_htmx(request):
        # The form's target: the transcript with the new message, pending.
        return templates.TemplateResponse(request, "chats/_transcript.html",
                                          _transcript_context(request, db, conversation,
                                                              viewer))
    return htmx.redirect(request, f"/chats/{conversation.id}")


@router.post("/chats/{conversation_id}/end")
def end(request: Request, closing: str = Form(default="", max_length=desk.MAX_REPLY),
        conversation: Conversation = SeenConversation, viewer: Viewer = Worker,
        db: Session = DB) -> Response:
    owed = desk.end(db, conversation, view.desk_viewer(viewer), now=utcnow(),
                    closing=closing)
    view.hand_on(request, db, conversation.id, owed)
    chat_routing_view.route_soon(request, db)  # the freed place is offered at once
    return htmx.redirect(request, "/chats")
