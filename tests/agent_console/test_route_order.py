"""The routes agents use on every call are tried first.

FastAPI tries the application's routers one after another, each for several µs: a route
behind sixty routers cost each of its requests a third of a millisecond on the event loop.
"""

from __future__ import annotations

from starlette.routing import Match

CALL_TIME = [("POST", "/api/drafts"), ("PUT", "/api/drafts/k1"),
             ("POST", "/api/drafts/k1/case"), ("POST", "/api/cases/7/notes"),
             ("POST", "/api/cases/7/dispatches"), ("GET", "/agent/events")]
FIRST_ROUTERS = 24  # the static files and packages, health, then the call's own routers


def routers_tried(app, method: str, path: str) -> int:
    scope = {"type": "http", "method": method, "path": path, "root_path": "",
             "headers": [], "query_string": b"", "app": app}
    for tried, route in enumerate(app.router.routes, start=1):
        if route.matches(scope)[0] is Match.FULL:
            return tried
    raise AssertionError(f"no route for {method} {path}")


def test_the_intakes_requests_are_matched_among_the_first_routers(app):
    assert len(app.router.routes) > 3 * FIRST_ROUTERS  # the order matters at all
    tried = {f"{method} {path}": routers_tried(app, method, path) for method, path in CALL_TIME}
    assert max(tried.values()) <= FIRST_ROUTERS, tried
