"""What a phone's rows hold: the options of each kind of phone, endpoint names, md5_cred.

Pure rules. The options repeat those of the templates in `asterisk_conf/pjsip.conf`
(`agent-endpoint`, `webrtc-endpoint`, `supervisor-endpoint`, `agent-aor`): a realtime row
cannot use a template, so it carries every option itself, and `tests/asterisk_conf`
checks that both say the same.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from callcenter.agents.models import Role


class PhoneKind(StrEnum):
    DESK = "desk"  # a desk phone or a softphone on the agent's computer (SIP over UDP)
    WEBRTC = "webrtc"  # the console's softphone in the browser (SIP over secure WebSocket)


# The realm of the digest challenge. It is part of md5_cred, so changing it would make
# every stored credential wrong: a new realm means a new password for every phone.
# Asterisk's own default (`default_realm` of pjsip.conf's global section).
REALM = "asterisk"

# The dialplan context of each role's phone (extensions.conf).
CONTEXTS = {Role.AGENT: "agent-phones", Role.SUPERVISOR: "supervisor"}
ROLES_WITH_PHONES = frozenset(CONTEXTS)

# The first letters an endpoint of each role must have: extensions.conf dials another
# phone by its name only through the patterns `_age[n]t.` and `_sup.` of `agent-phones`.
PREFIXES = {Role.AGENT: "agent", Role.SUPERVISOR: "sup"}

# Letters a SIP user part and an Asterisk channel name take without quoting; at most 40,
# the width of ps_auths.username in Asterisk's schema.
ENDPOINT_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")

# Options common to every staff phone (pjsip.conf's agent-endpoint template).
_ENDPOINT = {
    "transport": "transport-udp",
    "disallow": "all",
    "allow": "g722,alaw,ulaw",
    "direct_media": "no",
    "dtmf_mode": "rfc4733",
    "rtp_symmetric": "yes",
    "force_rport": "yes",
    "rewrite_contact": "yes",
    # One call at a time: app_queue sees a talking agent as busy.
    "device_state_busy_at": 1,
}
# What the webrtc-endpoint template changes: `webrtc = yes` turns on AVPF, DTLS-SRTP,
# ICE, rtcp-mux and media over the received transport together.
_WEBRTC = {
    "transport": "transport-wss",
    "webrtc": "yes",
    "dtls_auto_generate_cert": "yes",
    "allow": "opus,g722,alaw,ulaw",
}
# pjsip.conf's agent-aor template: one registered device, a new one replaces it.
AOR_OPTIONS = {"max_contacts": 1, "remove_existing": "yes", "qualify_frequency": 30}


def endpoint_options(role: Role, kind: PhoneKind) -> dict[str, object]:
    """The ps_endpoints columns (other than id, auth and aors) of a phone."""
    options: dict[str, object] = {**_ENDPOINT, "context": CONTEXTS[role],
                                  "webrtc": None, "dtls_auto_generate_cert": None}
    if kind is PhoneKind.WEBRTC:
        options.update(_WEBRTC)
    return options


def kind_of(webrtc: str | None) -> PhoneKind:
    """The kind of a stored endpoint, from its `webrtc` column."""
    return PhoneKind.WEBRTC if webrtc in ("yes", "true", "on", "1") else PhoneKind.DESK


def default_endpoint(login: str, role: Role, user_id: int) -> str:
    """The login when it is a good endpoint name for the role, else `agent<id>` /
    `supervisor<id>` (the dialplan reaches both)."""
    candidate = login.lower()
    if endpoint_problem(candidate, role) is None:
        return candidate
    return f"{'agent' if role is Role.AGENT else 'supervisor'}{user_id}"


def endpoint_problem(endpoint: str, role: Role) -> str | None:
    """Why ``endpoint`` cannot name a phone of ``role`` (None: it can)."""
    if not ENDPOINT_ID.fullmatch(endpoint):
        return "an endpoint name has 1 to 40 lowercase letters, digits, dots, dashes or underscores"
    prefix = PREFIXES[role]
    if not endpoint.startswith(prefix) or len(endpoint) == len(prefix):
        return f"the endpoint of this role starts with {prefix!r} and goes on after it"
    return None


def md5_cred(username: str, realm: str, password: str) -> str:
    """HA1 of RFC 2617 digest authentication, as ps_auths.md5_cred holds it:
    md5("username:realm:password") in lowercase hex."""
    text = f"{username}:{realm}:{password}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
