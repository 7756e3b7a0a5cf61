"""Refuse oversized requests early and name the client address for the audit trail."""

from __future__ import annotations

from fastapi import Request

from callcenter.errors import DomainError

# A case with its persons and a long summary is far below this.
MAX_BODY_BYTES = 256 * 1024


class TooLarge(DomainError):
    status_code = 413
    code = "too_large"


async def limit_body(request: Request) -> None:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise TooLarge("the request is too large")
    elif request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()  # chunked: read it, bounded by the server's limits
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge("the request is too large")


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
