"""The security headers every answer carries, added as pure ASGI.

As a function middleware (``@app.middleware("http")``, Starlette's BaseHTTPMiddleware)
every chunk of a streamed answer crossed a memory channel and two tasks on its way out:
a wall screen's drawn board, sent to a hundred streams ten times a second, paid that per
stream per board. Here only the answer's start is touched; its body passes straight on.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Files that hold no case data, and that the browser may keep.
UNCACHED_EXCEPT = ("/static/", "/vendor/")


class SecurityHeaders:
    """Adds each of ``headers`` (and HSTS in production) unless the answer set it itself;
    ``no-store`` on everything but static files (case data must not linger in shared
    browser caches); the agent page's ``Permissions-Policy``."""

    def __init__(self, app: ASGIApp, *, headers: Mapping[str, str], hsts: str | None,
                 agent_page: str, agent_permissions: str) -> None:
        self.app = app
        self.headers = dict(headers)
        self.hsts = hsts
        self.agent_page = agent_page
        self.agent_permissions = agent_permissions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if path == self.agent_page:
                    headers.setdefault("Permissions-Policy", self.agent_permissions)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if self.hsts is not None:
                    headers.setdefault("Strict-Transport-Security", self.hsts)
                if not path.startswith(UNCACHED_EXCEPT):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, sending)
