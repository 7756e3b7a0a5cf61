"""Chat routing on the agent's page: the "chats: n / capacity" panel with the offers,
accepting one (on to the chat's page, ``/chats/{id}``), declining one, taking the next
by hand; supervisors send a chat back to the queue. The JSON twins are in
``api_chat_routing.py``; the rules in ``callcenter.chat.routing``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import chat_routing_view as view
from agent_console import htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.templating import templates
from callcenter.agents.models import Role
from callcenter.chat import policy, routing
from callcenter.db import utcnow

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
# Agents and supervisors take chats; admins keep capacities and take none.
Chatter = Depends(require(Role.AGENT, Role.SUPERVISOR))
Supervisor = Depends(require(Role.SUPERVISOR))
TOPIC_LABELS = {t.key: (t.label_th, t.label_en) for t in policy.TOPICS}


def _panel(request: Request, viewer: Viewer, db: Session, *,
           note: str | None = None) -> Response:
    return templates.TemplateResponse(request, "agent/_chat_panel.html", page_context(
        request, panel=view.panel(db, viewer.id, now=utcnow()), topics=TOPIC_LABELS,
        note=note))


@router.get("/agent/chats", response_class=HTMLResponse)
def chat_panel(request: Request, viewer: Viewer = Chatter, db: Session = DB) -> Response:
    """The panel alone: the agent page fetches it on load, on an offer, and now and then."""
    return _panel(request, viewer, db)


@router.post("/chats/take-next")
def take_next(request: Request, viewer: Viewer = Chatter, db: Session = DB) -> Response:
    conversation = routing.take_next(db, agent_id=viewer.id, now=utcnow())
    if conversation is not None:
        return htmx.redirect(request, f"/chats/{conversation.id}")
    if htmx.is_htmx(request):
        return _panel(request, viewer, db, note="chat_routing.none_waiting")
    return htmx.redirect(request, "/agent")


@router.post("/chats/{conversation_id}/accept")
def accept(conversation_id: Id, request: Request, viewer: Viewer = Chatter,
           db: Session = DB) -> Response:
    routing.accept(db, conversation_id, agent_id=viewer.id, now=utcnow())
    return htmx.redirect(request, f"/chats/{conversation_id}")


@router.post("/chats/{conversation_id}/decline")
def decline(conversation_id: Id, request: Request, viewer: Viewer = Chatter,
            db: Session = DB) -> Response:
    routing.decline(db, conversation_id, agent_id=viewer.id, now=utcnow())
    view.route_soon(request, db)
    if htmx.is_htmx(request):
        return _panel(request, viewer, db)
    return htmx.redirect(request, "/agent")


@router.post("/chats/{conversation_id}/return")
def return_to_queue(conversation_id: Id, request: Request, viewer: Viewer = Supervisor,
                    db: Session = DB) -> Response:
    routing.return_to_queue(db, conversation_id, now=utcnow())
    view.route_soon(request, db)
    _ = page_context(request)["_"]
    if htmx.is_htmx(request):
        return HTMLResponse(f'<div class="toast" role="status">{_("chat_routing.returned")}'
                            '</div>', headers={"HX-Retarget": "#toasts",
                                               "HX-Reswap": "beforeend"})
    return htmx.redirect(request, "/wallboard")
