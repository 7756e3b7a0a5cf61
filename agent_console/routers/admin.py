"""The administration area's front page: what an admin keeps up, one link per part.

Each part has its own router (``admin_people.py``, ``admin_units.py``,
``admin_phones.py``, ``admin_lists.py``) and its JSON twin under ``/api/admin``;
``agent_console.admin_access`` says who may enter and which actions want a fresh code.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from agent_console.admin_access import admin_only
from agent_console.deps import Viewer, page_context
from agent_console.templating import templates

router = APIRouter(prefix="/admin")

# (path, title key, help key): the parts of the area, in the order an admin sets up a centre.
SECTIONS = (
    ("/admin/people", "admin.people", "admin.people.help"),
    ("/admin/units", "admin.units", "admin.units.help"),
    ("/admin/units/health", "admin.units_health", "admin.units_health.help"),
    ("/admin/phones", "admin.phones", "admin.phones.help"),
    ("/admin/queues", "admin.queues", "admin.queues.help"),
    ("/admin/lists", "admin.lists", "admin.lists.help"),
    ("/admin/agencies", "admin.agencies", "admin.agencies.help"),
    ("/admin/merges", "merge.admin_title", "merge.admin_help"),
    ("/admin/teams", "owners.admin_teams", "owners.admin_teams.help"),
    ("/admin/chat-capacity", "chat_routing.admin_title", "chat_routing.admin_help"),
    ("/admin/interpreters", "interpreters.title", "interpreters.admin_help"),
    ("/admin/app-keys", "admin.app_keys", "admin.app_keys.help"),
)


@router.get("", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer = Depends(admin_only)) -> Response:
    return templates.TemplateResponse(request, "admin/home.html",
                                      page_context(request, sections=SECTIONS))
