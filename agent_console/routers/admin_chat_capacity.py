"""Admin page: how many chats each agent and supervisor holds at once (0: none).

One form per person; every change is audited (``chat.capacity``). The JSON twin is
``PUT /api/admin/chat-capacity/{user_id}`` in ``api_chat_routing.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import chat_routing_view as view
from agent_console import htmx
from agent_console.admin_access import admin_only
from agent_console.deps import DB, Viewer, page_context
from agent_console.limits import Id, limit_body
from agent_console.templating import templates
from callcenter.chat import capacity
from callcenter.chat.routing_policy import DEFAULT_CAPACITY, MAX_CAPACITY
from callcenter.db import utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(limit_body)])
Admin = Depends(admin_only)
Capacity = Annotated[int, Form(ge=0, le=MAX_CAPACITY)]


@router.get("/chat-capacity", response_class=HTMLResponse)
def capacity_list(request: Request, viewer: Viewer = Admin, db: Session = DB) -> Response:
    return templates.TemplateResponse(request, "admin/chat_capacity.html", page_context(
        request, rows=capacity.listing(db), default=DEFAULT_CAPACITY, most=MAX_CAPACITY,
        saved=request.query_params.get("saved")))


@router.post("/chat-capacity/{user_id}")
def capacity_save(user_id: Id, request: Request, capacity_value: Capacity, viewer: Viewer = Admin,
                  db: Session = DB) -> Response:
    capacity.set_capacity(db, user_id=user_id, capacity=capacity_value, actor_id=viewer.id,
                          now=utcnow())
    view.route_soon(request, db)
    if htmx.is_htmx(request):
        _ = page_context(request)["_"]
        return HTMLResponse(f'<div class="toast" role="status">{_("chat_routing.saved")}</div>')
    return htmx.redirect(request, "/admin/chat-capacity?saved=1")
