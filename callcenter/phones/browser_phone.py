"""What the console's browser phone needs to register, handed only to the phone's owner.

The clear password of a phone exists once, on the admin's page that made it; the
database keeps md5_cred, the HA1 of digest authentication (md5 of "user:realm:password").
A SIP client that has the HA1 answers Asterisk's challenge as well as one with the
password (RFC 2617 computes the response from HA1), so the browser phone registers with
it and no clear password is ever stored or sent. HA1 is worth as much as the password
for this realm: it goes only to the signed-in owner of a WebRTC phone, over the
authenticated session, never cached nor logged (the console's route says how).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from callcenter.phones import service
from callcenter.phones.models import PsAuth
from callcenter.phones.policy import PhoneKind


class Choice(StrEnum):
    """The agent's own choice of phone, stored as the kind of their endpoint."""

    BROWSER = "webrtc"  # the console's softphone
    DESK = "desk"  # the desk phone: the page shows no softphone


@dataclass(frozen=True)
class Registration:
    endpoint: str
    realm: str
    ha1: str


def wss_url_for(node: str, *, per_node: Mapping[str, str], default: str | None) -> str | None:
    """Where the phone of an agent of ``node`` registers: that node's WebSocket, else the
    centre's one. Asterisk rings a queue member only through a contact registered on its
    own node, so the phone must register where the agent's queues are."""
    return per_node.get(node, default)


def registration_for(session: Session, user_id: int) -> Registration | None:
    """The user's WebRTC phone and its HA1, or None (no phone, a desk phone, no auth)."""
    phone = service.phone_of_user(session, user_id)
    if phone is None or phone.kind is not PhoneKind.WEBRTC:
        return None
    auth = session.get(PsAuth, phone.endpoint)
    if auth is None or not auth.md5_cred or not auth.realm:
        return None
    return Registration(endpoint=phone.endpoint, realm=auth.realm, ha1=auth.md5_cred)


def choose(session: Session, *, user_id: int, choice: Choice,
           source_ip: str | None) -> service.Phone | None:
    """Switch the user's own phone between the browser and the desk (audited as theirs).

    The endpoint keeps its name and password: a desk phone configured with it works
    again, and Asterisk rings whichever registered last (max_contacts = 1)."""
    phone = service.phone_of_user(session, user_id)
    if phone is None:
        return None
    return service.change_kind(session, endpoint=phone.endpoint, kind=PhoneKind(choice.value),
                               version=None, actor_id=user_id, source_ip=source_ip)
