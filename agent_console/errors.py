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
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_console import htmx, i18n, outage
from agent_console.deps import (
    NotSignedIn,
    PasswordChangeRequired,
    SecondFactorRequired,
    page_context,
)
from agent_console.log_paths import loggable_path
from agent_console.templating import templates
from callcenter.errors import DomainError, StaleEdit

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
        if isinstance(exc, StaleEdit):
            body["changed"] = exc.changed
        return JSONResponse(body, status_code=exc.status_code)
    if isinstance(exc, SecondFactorRequired):
        return htmx.redirect(request, "/login/totp")
    if isinstance(exc, PasswordChangeRequired):
        return htmx.redirect(request, "/account/password")
    if isinstance(exc, NotSignedIn):
        # The path only: a query string may hold search terms (a phone, a name), and
        # the login page's URL would carry them into history and proxy logs.
        return htmx.redirect(request, f"/login?next={quote(request.url.path, safe='')}")
    return _page(request, exc.status_code, _translated(request, exc))


def _translated(request: Request, exc: DomainError) -> str:
    """The message in the page's language: a field's own message, or on Thai pages the
    kind of error (services speak English; their messages are precise but not Thai)."""
    context = page_context(request)
    _ = context["_"]
    english = i18n.catalogue("en")
    if exc.field and f"error.{exc.code}.{exc.field}" in english:
        return _(f"error.{exc.code}.{exc.field}")
    if isinstance(exc, StaleEdit):
        # Which fields someone else changed, named in the page's language where known.
        names = [_(f"field.{name}") if f"field.{name}" in english else name
                 for name in exc.changed]
        return _("error.stale_edit", fields=", ".join(names))
    if context["lang"] != "en" and f"error.{exc.code}" in english:
        return _(f"error.{exc.code}")
    return exc.message


def _problems(errors, *, request_part: bool = True) -> list[dict[str, str]]:
    # Pydantic's "input" (what was typed: a phone, a name) is never echoed back or logged.
    # A request's locations start with where the value came from (body, query): dropped.
    def field(loc) -> str:
        parts = loc[1:] if request_part else loc
        return ".".join(str(p) for p in parts) or str(loc[0])

    return [{"field": field(e["loc"]), "message": e["msg"], "type": e["type"]} for e in errors]


def _invalid(request: Request, problems: list[dict[str, str]], *, page_status: int) -> Response:
    """The API's 422 naming the fields (never the input), or a page saying them in its language."""
    if _is_api(request):
        return JSONResponse({"error": "invalid", "problems": [
            {"field": p["field"], "message": p["message"]} for p in problems]}, status_code=422)
    return _page(request, page_status, _page_problems(request, problems))


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    # 422 on pages as in the API: the request itself is malformed (an id that is not a
    # number, a field too long), which no change of the form's choices would fix.
    return _invalid(request, _problems(exc.errors()), page_status=422)


def _page_problems(request: Request, problems: list[dict[str, str]]) -> str:
    _ = page_context(request)["_"]
    english = i18n.catalogue("en")

    def text(p: dict[str, str]) -> str:
        # The innermost named part: "languages.0" is the languages field, not "0".
        name = next((part for part in reversed(p["field"].split("."))
                     if not part.isdigit()), p["field"])
        label = _("f." + name) if "f." + name in english else name
        key = "v." + p["type"]
        return f"{label}: {_(key) if key in english else _('v.invalid')}"

    return "; ".join(text(p) for p in problems)


async def model_error(request: Request, exc: ValidationError) -> Response:
    """A service's own validation (a draft checked on opening): 422 naming the fields."""
    return _invalid(request, _problems(exc.errors(), request_part=False), page_status=422)


# Starlette's own refusals (no such path, wrong method) say so in English only.
HTTP_MESSAGES = {404: "error.not_found", 405: "error.method_not_allowed"}


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _is_api(request):
        return JSONResponse({"error": "http", "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)
    key = HTTP_MESSAGES.get(exc.status_code)
    message = page_context(request)["_"](key) if key else str(exc.detail)
    return _page(request, exc.status_code, message)


def internal_error_response(request: Request) -> Response:
    if _is_api(request):
        return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)
    try:
        return _page(request, 500, page_context(request)["_"]("error.internal"))
    except Exception:  # the page itself failed (a database down): plain text then
        return Response("internal error", status_code=500, media_type="text/plain")


def unavailable_response(request: Request) -> Response:
    """503: the database is away; the request was rolled back, so nothing was saved."""
    retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
    if _is_api(request):
        return JSONResponse(outage.API_BODY, status_code=503, headers=retry)
    try:
        response = _page(request, 503, page_context(request)["_"]("error.unavailable"))
    except Exception:  # the page itself failed: plain text then, still a 503
        response = Response(outage.API_BODY["message"], status_code=503,
                            media_type="text/plain")
    response.headers.update(retry)
    return response


async def database_error(request: Request, exc: Exception) -> Response:
    if not outage.is_outage(exc):
        raise exc  # a bug, not an outage: answered and logged as any unexpected error
    log.warning("database unavailable (%s) on %s %s", outage.kind(exc), request.method,
                loggable_path(request.url.path))
    return unavailable_response(request)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method,
              loggable_path(request.url.path))
    return internal_error_response(request)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ValidationError, model_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(PoolTimeout, database_error)
    app.add_exception_handler(Exception, unexpected_error)
