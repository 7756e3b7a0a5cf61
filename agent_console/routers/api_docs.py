"""The API's documentation page (Swagger UI), served by the console itself.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script;
the console serves every file itself and its Content-Security-Policy refuses inline
scripts, so this page takes Swagger UI from the npm package `make` installs and starts
it from static/api_docs.js.

In production both the page and the OpenAPI document are for signed-in hotline staff
only. The document maps every route and field of the case API: a plan for anyone
probing the console. Agents, supervisors and admins use that API and may read it; unit
members (outside the hotline, on phones in the field) use only the unit pages, so they
get 403 like anonymous callers get 401. In development both are open (the schema tests
read the document).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from agent_console.deps import require
from agent_console.templating import templates
from callcenter.agents.models import Role

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
staff_only = require(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


def docs(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "api_docs.html", {"title": request.app.title, "openapi_url": OPENAPI_URL})


def install(app: FastAPI, *, production: bool) -> None:
    """Add the page and the document; staff only in production, open in development."""
    guard = [Depends(staff_only)] if production else []
    app.add_api_route(OPENAPI_URL, openapi, methods=["GET"], dependencies=guard,
                      include_in_schema=False)
    app.add_api_route(DOCS_URL, docs, methods=["GET"], dependencies=guard,
                      include_in_schema=False)
