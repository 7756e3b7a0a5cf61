"""A LINE conversation and cases (pages): open a case from it or attach it to a case the
agent may read, as from a call or a web report; and the pictures the person sent, served
to those who may see them.

A picture is kept with the case its conversation went to: besides the conversation's
agent and supervisors, anyone who may read that case (need to know) may see it, since
the case's timeline shows it. Anyone else gets 404, as for a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from agent_console import chat_desk_view as view
from agent_console import htmx
from agent_console.case_access import check_readable
from agent_console.chat_desk_view import SeenConversation, Worker
from agent_console.deps import DB, Viewer
from agent_console.limits import Id, limit_body
from callcenter.cases import read_rights
from callcenter.cases import service as cases
from callcenter.chat import desk
from callcenter.chat.models import Conversation
from callcenter.db import utcnow
from callcenter.errors import NotFound
from callcenter.intake import chat_cases, web_queue

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
# A person's picture: never kept by a shared cache, never taken for another type.
MEDIA_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.post("/chats/{conversation_id}/open-case")
def open_case(request: Request, conversation: Conversation = SeenConversation,
              viewer: Viewer = Worker, db: Session = DB) -> Response:
    case = chat_cases.open_case(db, conversation, view.desk_viewer(viewer))
    view.hand_on(request, db, conversation.id)
    return htmx.redirect(request, f"/cases/{case.id}")


@router.post("/chats/{conversation_id}/attach")
def attach(request: Request, case_number: str = Form(max_length=20),
           conversation: Conversation = SeenConversation, viewer: Viewer = Worker,
           db: Session = DB) -> Response:
    desk.check_writable(conversation, view.desk_viewer(viewer))
    case = web_queue.case_by_number(db, case_number.strip())
    # A case the agent may not read is answered as missing: attaching is no way in.
    check_readable(db, viewer, case, request, missing=f"case {case_number} not found")
    chat_cases.attach(db, conversation, case, view.desk_viewer(viewer))
    view.hand_on(request, db, conversation.id)
    return htmx.redirect(request, f"/cases/{case.id}")


@router.get("/chats/{conversation_id}/media/{message_id}")
def media(conversation_id: Id, message_id: Id, request: Request, viewer: Viewer = Worker,
          db: Session = DB) -> Response:
    missing = NotFound(f"message {message_id} not found")
    conversation = db.get(Conversation, conversation_id)
    if conversation is None:
        raise missing
    if not desk.may_see(conversation, view.desk_viewer(viewer)):
        if conversation.case_id is None:
            raise missing
        case = cases.get(db, conversation.case_id)
        if read_rights.access(db, viewer, case, now=utcnow()) is None:
            raise missing
    message = desk.message_of(db, conversation, message_id)
    path = desk.media_file(request.app.state.settings.data_dir.resolve(), message)
    # The type checked by its magic bytes when it was stored, never the file's name.
    return FileResponse(path, media_type=message.media_type or "application/octet-stream",
                        headers=MEDIA_HEADERS)
