"""The client's address: X-Forwarded-For believed only from trusted proxies."""

import ipaddress

import pytest

from agent_console.addresses import client_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))


@pytest.mark.parametrize(("peer", "header", "proxies", "expected"), [
    # No trusted proxy (the default): the header is anyone's to write, and ignored.
    ("203.0.113.5", ["198.51.100.66"], (), "203.0.113.5"),
    ("10.0.0.2", ["198.51.100.66"], (), "10.0.0.2"),
    # A direct client that is not a proxy cannot name another address.
    ("203.0.113.5", ["198.51.100.66"], PROXIES, "203.0.113.5"),
    # Behind our proxy: the rightmost address it did not write itself is the client.
    ("10.0.0.2", ["198.51.100.66, 203.0.113.9"], PROXIES, "203.0.113.9"),
    ("10.0.0.2", ["198.51.100.66", "203.0.113.9, 10.1.2.3"], PROXIES, "203.0.113.9"),
    ("fd00::2", ["2001:db8::7"], PROXIES, "2001:db8::7"),
    # Only proxies in the chain: the leftmost one is as far as we can see.
    ("10.0.0.2", ["10.9.9.9, 10.1.2.3"], PROXIES, "10.9.9.9"),
    # A proxy that sent no header, or one that is not an address: stop at what we trust.
    ("10.0.0.2", [], PROXIES, "10.0.0.2"),
    ("10.0.0.2", ["<script>, 10.1.2.3"], PROXIES, "10.1.2.3"),
    (None, ["198.51.100.66"], PROXIES, None),
])
def test_the_client_is_the_rightmost_address_no_trusted_proxy_wrote(peer, header, proxies,
                                                                    expected):
    assert client_address(peer, header, proxies) == expected
