"""One POST with a deadline, turning every way it can fail into a ``ProviderError``."""

from __future__ import annotations

import ssl
from functools import lru_cache
from typing import Any

import httpx

from callcenter.dispatch import policy
from callcenter.dispatch.channels import ProviderError
from callcenter.dispatch.config import DispatchSettings


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """Built once per process: loading the CA store costs about 20 ms, once per alert
    otherwise. (The worker builds it before forking; a context holds no connection.)"""
    return ssl.create_default_context()


def post_json(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    settings: DispatchSettings,
    *,
    accept: tuple[int, ...] = (),
) -> httpx.Response:
    """POST ``body``; return a 2xx reply (or one whose status is in ``accept``)."""
    try:
        reply = httpx.post(url, json=body, headers=headers, verify=tls_context(),
                           timeout=settings.provider_timeout_seconds)
    except httpx.TimeoutException as exc:
        raise ProviderError(f"timeout after {settings.provider_timeout_seconds:g}s") from exc
    except httpx.HTTPError as exc:
        raise ProviderError(f"connection: {type(exc).__name__}") from exc
    if reply.is_success or reply.status_code in accept:
        return reply
    raise ProviderError(
        f"HTTP {reply.status_code}", transient=policy.is_transient(reply.status_code)
    )
