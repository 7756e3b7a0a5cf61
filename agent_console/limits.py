"""Refuse oversized requests early and name the client address for the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from agent_console import addresses
from callcenter.errors import DomainError

# A record's id in a path: PostgreSQL's integer, so a larger number is refused (422)
# before it reaches the database as an out-of-range error.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

# A case with its persons and a long summary is far below this.
MAX_BODY_BYTES = 256 * 1024


class TooLarge(DomainError):
    status_code = 413
    code = "too_large"


class NulCharacter(DomainError):
    status_code = 400
    code = "invalid"


async def refuse_nul(request: Request) -> None:
    """Refuse NUL characters anywhere a handler may read text: PostgreSQL text cannot hold
    them, and one reaching a query is a server error instead of a clear refusal.

    An app-wide dependency (``app.create_app``), so no router can forget it; it reads no
    more of a body than the handler will (Starlette keeps what was read for it).
    """
    query = request.url.query
    if "%00" in query or "\x00" in query or "\x00" in request.url.path:
        raise NulCharacter("NUL characters are not allowed")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # parsed once; FastAPI and the handler reuse it
        if any(isinstance(v, str) and "\x00" in v for _, v in form.multi_items()):
            raise NulCharacter("NUL characters are not allowed")
    elif content_type.startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body or b"\x00" in body:
            raise NulCharacter("NUL characters are not allowed")


async def limit_body(request: Request) -> None:
    """Refuse bodies over the limit (and NUL characters, as ``refuse_nul``)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        raise TooLarge("the request is too large")
    await refuse_nul(request)
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise TooLarge("the request is too large")
    if b"\\u0000" in body or b"\x00" in body:
        raise NulCharacter("NUL characters are not allowed")


def client_ip(request: Request) -> str | None:
    """The client's address, X-Forwarded-For believed only from trusted proxies."""
    return addresses.of(request)
