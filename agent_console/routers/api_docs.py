"""The API's documentation in production, for signed-in hotline staff only.

The OpenAPI document maps every route and field of the case API: a plan for anyone
probing the console. Agents, supervisors and admins use that API and may read it; unit
members (outside the hotline, on phones in the field) use only the unit pages, so they
get 403 like anonymous callers get 401. In development FastAPI serves both openly
(the schema tests read it).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from agent_console.deps import Viewer, require
from callcenter.agents.models import Role

router = APIRouter(prefix="/api", include_in_schema=False)
DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
staff_only = require(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


@router.get("/openapi.json")
def openapi(request: Request, viewer: Viewer = Depends(staff_only)) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request, viewer: Viewer = Depends(staff_only)) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=request.app.title)
