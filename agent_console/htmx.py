"""htmx-aware responses: one helper decides between a full redirect and an HX one."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect(request: Request, url: str) -> Response:
    """303 for plain forms; for htmx, HX-Redirect so the whole page changes."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
