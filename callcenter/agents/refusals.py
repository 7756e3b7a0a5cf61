"""What a PBX command's failure means for the person who asked: a code, a status, words.

Pure. The bridge answers a command ``ok``, ``timeout`` or ``error`` with Asterisk's own
message (app_queue's replies to QueueAdd, QueueRemove and QueuePause, as Asterisk 22
words them) or the bridge's. Each known message becomes a ``Refusal`` the console can
explain (what failed, what to do); any other is a generic refusal that never repeats the
message, so nothing the PBX or the bridge said reaches a page unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callcenter.errors import DomainError


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str  # the page's message key: error.<code>, supervisor.<code>
    status: int
    message: str  # in English, for the API and the logs; pages translate the code


TIMEOUT = Refusal("bridge_unavailable", 503,
                  "the phone system did not answer in time; nothing was changed, try again")
LINK_DOWN = Refusal("pbx_link_down", 503,
                    "the link to the phone system is down; try again in a moment")
NOT_SIGNED_IN = Refusal("not_signed_in", 409,
                        "the phone is not signed in to any queue; press 'Sign in to queues' first")
STATIC_MEMBER = Refusal("static_member", 409,
                        "the phone is a fixed member of the queue in the PBX configuration; "
                        "an administrator must remove it there")
NO_SUCH_QUEUE = Refusal("no_such_queue", 502,
                        "the PBX does not know one of the agent's queues; "
                        "tell the administrator")
STARTING = Refusal("pbx_starting", 503,
                   "the phone system is starting up; try again in a moment")
REFUSED = Refusal("pbx_refused", 502,
                  "the phone system refused the change; try again, and tell a supervisor "
                  "if it goes on")

# Asterisk's words (app_queue.c, manager.c) and the bridge's, by what they mean.
KNOWN = {
    "Interface not found": NOT_SIGNED_IN,
    "Member not dynamic": STATIC_MEMBER,
    "Unable to add interface to queue: No such queue": NO_SUCH_QUEUE,
    "Unable to remove interface from queue: No such queue": NO_SUCH_QUEUE,
    "the link to Asterisk is down": LINK_DOWN,
}
# The member is already where the command would put it: signing in twice (or to a phone
# astdb brought back) and signing out twice are done, not failures.
ALREADY_IN = "Unable to add interface: Already there"
ALREADY_OUT = "Unable to remove interface: Not there"


def refusal(result: Any, *, done_if: tuple[str, ...] = ()) -> Refusal | None:
    """None when the command did what was asked; otherwise what went wrong."""
    status = getattr(result, "status", "error")
    message = str(getattr(result, "message", "") or "")
    if status == "ok" or (status == "error" and message in done_if):
        return None
    if status == "timeout":
        return TIMEOUT
    if message in KNOWN:
        return KNOWN[message]
    if message.startswith("Invalid/unknown command"):
        return STARTING  # app_queue not loaded yet: Asterisk is still booting
    return REFUSED


class PbxRefused(DomainError):
    """A refused or unanswered PBX command, as a domain error a page can explain."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.message)
        self.code = reason.code
        self.status_code = reason.status
