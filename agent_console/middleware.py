"""ASGI middleware of the console: access log, body size, contained errors, language cookie.

Pure ASGI (no BaseHTTPMiddleware) so streams pass through untouched. Uvicorn's own
access log is off (``__main__``): it would record query strings such as
``/api/cases?phone=…&name=…``. Ours records method, path, status, time, the user's
id and the client's address (``addresses``: X-Forwarded-For only from trusted proxies),
never a query string or a body. A path that is itself a secret (a set-up link's token,
``/setup/<token>``) is written without it (``loggable_path``).
"""

from __future__ import annotations

import json
import logging
import time
import traceback

from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_console import addresses, i18n, outage
from agent_console.errors import internal_error_response, unavailable_response
from agent_console.log_paths import loggable_path

access_log = logging.getLogger("agent_console.access")
error_log = logging.getLogger("agent_console.errors")

# A case with its persons and a long summary is far below this.
MAX_BODY_BYTES = 256 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LANG_COOKIE_SECONDS = 365 * 24 * 3600
PUBLIC_PREFIX = "/report"
# Bodies allowed above MAX_BODY_BYTES on a few paths: a bulk import's file (the route
# checks the file's own, smaller limit and says so in the page's language).
LARGER_BODIES = {"/admin/people/import": 2 * 1024 * 1024,
                 "/admin/people/import/confirm": 2 * 1024 * 1024,
                 "/api/admin/people/import": 2 * 1024 * 1024,
                 # LINE's webhook: events in bulk (callcenter.chat.config's limit).
                 "/line/webhook": 1024 * 1024}


class AccessLog:
    """One line per request: ids and paths only (a person's data never reaches a log)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # Set by the sign-in check (deps.load_viewer); absent for strangers.
            user_id = scope.get("state", {}).get("viewer_id", "-")
            access_log.info("%s %s %s %.0fms user=%s from=%s", scope["method"],
                            loggable_path(scope["path"]),
                            status or "-", (time.perf_counter() - started) * 1000, user_id,
                            addresses.of(HTTPConnection(scope)) or "-")


class BodyLimit:
    """Refuse bodies over the limit with 413, whether sized or chunked.

    A declared Content-Length over the limit is refused before the app runs; a chunked
    body is read up to the limit first (never more) and handed on only if it fits.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = LARGER_BODIES.get(scope["path"], self.limit)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(scope, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            size += len(message.get("body", b""))
            if size > limit:
                await _too_large(scope, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replayed


async def _too_large(scope: Scope, send: Send) -> None:
    api = scope["path"].startswith("/api/")
    body = (json.dumps({"error": "too_large", "message": "the request is too large"}).encode()
            if api else b"the request is too large")
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json" if api else b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class ContainErrors:
    """Answer an unexpected error with a 500 here (a lost database with a 503), and log it
    without its message.

    Starlette would re-raise it to uvicorn, whose traceback prints the exception's
    message, and messages (a validation error's input, a driver's error) can hold a
    caller's data. The frames (file, line, function) are logged; the message and the
    frames' source lines are not.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if outage.is_outage(exc):  # the database went away: a 503, not a bug
                error_log.warning("database unavailable (%s) on %s %s", outage.kind(exc),
                                  scope["method"], loggable_path(scope["path"]))
                if not started:
                    await unavailable_response(Request(scope))(scope, receive, send)
                return
            frames = "\n".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}'
                               for f in traceback.extract_tb(exc.__traceback__))
            error_log.error("unhandled %s on %s %s\n%s", type(exc).__name__, scope["method"],
                            loggable_path(scope["path"]), frames)
            if started:
                return  # the response is under way: the client sees it cut short
            response = internal_error_response(Request(scope))
            await response(scope, receive, send)


class LanguageCookie:
    """``?lang=en`` on any page keeps English for the next pages too (and back to Thai)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == PUBLIC_PREFIX or scope["path"].startswith(PUBLIC_PREFIX + "/"):
            # The public report pages keep their language in the link, never in a
            # cookie: a shared phone must not remember the visit (routers/public_report).
            await self.app(scope, receive, send)
            return
        request = HTTPConnection(scope)
        wanted = next((value for value in request.query_params.getlist("lang")
                       if value in i18n.LANGUAGES), None)
        if wanted is None or request.cookies.get(i18n.COOKIE) == wanted:
            await self.app(scope, receive, send)
            return
        cookie = (f"{i18n.COOKIE}={wanted}; Path=/; Max-Age={LANG_COOKIE_SECONDS}; "
                  "SameSite=lax").encode()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message,
                           "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, sending)
