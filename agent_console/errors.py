"""Turn errors into answers: JSON under /api, pages (or htmx toasts) elsewhere.

Error pages and messages name records by id at most; a person's data never appears in
them, and unexpected errors are logged by request path and exception type only.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_console import htmx
from agent_console.deps import NotSignedIn, page_context
from agent_console.templating import templates
from callcenter.errors import DomainError

log = logging.getLogger("agent_console.errors")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: Request, status: int, message: str) -> Response:
    if htmx.is_htmx(request):
        # htmx would swap nothing on an error status: show the message as a toast.
        return HTMLResponse(
            f'<div class="toast error" role="alert">{escape(message)}</div>',
            status_code=status,
            headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"},
        )
    return templates.TemplateResponse(
        request, "error.html", page_context(request, message=message, status=status),
        status_code=status,
    )


async def domain_error(request: Request, exc: DomainError) -> Response:
    if _is_api(request):
        body = {"error": exc.code, "message": exc.message}
        if exc.field:
            body["field"] = exc.field
        return JSONResponse(body, status_code=exc.status_code)
    if isinstance(exc, NotSignedIn):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return htmx.redirect(request, f"/login?next={quote(target, safe='')}")
    return _page(request, exc.status_code, exc.message)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = [
        {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
        for e in exc.errors()
    ]
    if _is_api(request):
        return JSONResponse({"error": "invalid", "problems": problems}, status_code=422)
    text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return _page(request, 400, text)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _is_api(request):
        return JSONResponse({"error": "http", "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)
    return _page(request, exc.status_code, str(exc.detail))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    if _is_api(request):
        return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)
    return _page(request, 500, "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
