"""The client's address, for the audit trail, the sign-in throttle and the access log.

Anyone can send ``X-Forwarded-For``, so it is believed only from the reverse proxies
named in ``CALLCENTER_TRUSTED_PROXIES`` (none by default). The header is read from the
right, as each proxy appends the address it saw: past the trusted proxies, the first
address that is not one is the client. Everything further left was written by the
client itself and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.requests import HTTPConnection

from callcenter.settings import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: Iterable[str],
                   proxies: Sequence[Network]) -> str | None:
    """The client's address given the TCP peer and the X-Forwarded-For header lines."""
    if peer is None or not _trusted(_parse(peer), proxies):
        return peer
    hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # not an address: our proxy would not write that, so stop believing
        client = str(address)
        if not _trusted(address, proxies):
            break
    return client


def of(connection: HTTPConnection) -> str | None:
    """The client address of a request (or of an ASGI scope, through HTTPConnection)."""
    peer = connection.client.host if connection.client else None
    proxies = connection.app.state.settings.trusted_proxies
    return client_address(peer, connection.headers.getlist("x-forwarded-for"), proxies)
