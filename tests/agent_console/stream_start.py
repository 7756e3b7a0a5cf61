"""Open an endless stream (SSE) through the app and read only how it is answered.

TestClient waits for a response to end, which a live stream never does: this drives the
ASGI app on the TestClient's own event loop, takes the response's start (status and
headers), then says the browser went away so the stream ends.
"""

from __future__ import annotations

import anyio
from fastapi.testclient import TestClient


def stream_start(client: TestClient, path: str) -> tuple[int, dict[str, str]]:
    """The status and headers a GET of ``path`` starts with, sent with the client's cookies."""
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"testserver"), (b"accept", b"text/event-stream"),
                    (b"cookie", cookie.encode())],
    }
    started: dict[str, object] = {}

    async def run() -> None:
        gone = anyio.Event()

        async def receive() -> dict[str, object]:
            if not started.get("asked"):
                started["asked"] = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                started["start"] = message
                gone.set()

        with anyio.fail_after(10):
            await client.app(scope, receive, send)

    assert client.portal is not None, "use the client inside `with TestClient(app)`"
    client.portal.call(run)
    start = started["start"]
    assert isinstance(start, dict)
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], headers
