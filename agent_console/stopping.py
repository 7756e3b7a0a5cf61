"""The live streams end when the web process is told to stop.

A page's stream (the wall screen's board, the agent page's events) never ends by
itself, and uvicorn stopping (SIGTERM, a restart) waits for every answer under way:
without this, a restart waited for the last wall screen to go away. ``ConsoleServer``
tells the application first (``begin``); ``EndStreamsOnStop`` then makes each open
stream hear what a closed page would say (its client disconnected), so the stream
ends as it would then, and it completes the answer, so the page's browser sees the
stream end cleanly and reconnects (to a process that is up). Requests other than GETs
are left to finish: only streams last.
"""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


def begin(app) -> None:
    """The process is stopping: every stream ends now (``app.state.stopping``)."""
    stopping = getattr(app.state, "stopping", None)
    if stopping is not None:
        stopping.set()


class ConsoleServer(uvicorn.Server):
    """uvicorn's server, which tells the console it is stopping before it waits for the
    answers under way."""

    def __init__(self, config: uvicorn.Config, app) -> None:
        super().__init__(config)
        self.console = app

    async def shutdown(self, sockets=None) -> None:
        begin(self.console)
        await super().shutdown(sockets)


class EndStreamsOnStop:
    """A GET answered while the process stops hears its client go; its answer, if
    started, is completed here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stopping = getattr(scope["app"].state, "stopping", None) if "app" in scope else None
        if scope["type"] != "http" or scope["method"] != "GET" or stopping is None:
            await self.app(scope, receive, send)
            return
        started = finished = False

        async def receive_until_stop() -> Message:
            if stopping.is_set():
                return DISCONNECT
            message = asyncio.ensure_future(receive())
            stop = asyncio.ensure_future(stopping.wait())
            try:
                await asyncio.wait({message, stop}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in (message, stop):
                    if not waiting.done():
                        waiting.cancel()
            if message.done() and not message.cancelled():
                return message.result()
            return DISCONNECT

        async def sending(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        await self.app(scope, receive_until_stop, sending)
        if started and not finished and stopping.is_set():
            # Ended by the stop, not by its page: the last chunk says it is over.
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
