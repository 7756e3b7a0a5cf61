"""Where transfers and conferences go in the dialplan, and what may be dialled into them.

Pure. The one place that spells the contexts, extension prefixes and conference names of
asterisk_conf/extensions.conf and confbridge.conf that the command client uses;
tests/asterisk_conf checks both ways that they match.

In a dialplan pattern the letters n, x and z are wildcards and '-' is ignored, so every
prefix here is made of other letters: `_host-.` matches `host-1796531225.0` literally.
"""

from __future__ import annotations

import re

# Blind transfer (AMI BlindTransfer): to a queue by name, or to an agent's phone.
QUEUE_CONTEXT = "hotline-queue"
AGENT_CONTEXT = "agent-phones"
# Warm transfer (AMI Atxfer): Asterisk "dials" the target as DTMF into the agent's
# channel, so a target is digits only: an outside number or a short code here.
WARM_TRANSFER_CONTEXT = "warm-transfer"
# A colleague reached by a warm transfer: Atxfer can only dial digits, and staff phones
# are named by login, so the bridge first sets `_HOTLINE_STAFF_<staff id>` = the phone's
# endpoint on the agent's leg (AMI Setvar), and the warm-transfer context dials `8` + the
# id in five digits and reads it back. The leading `_` hands the variable down to the
# channels Atxfer creates for the consultation. Not astdb: AMI DBPut needs the `system`
# right, which the bridge's AMI user must not have (Asterisk answers "Permission denied").
STAFF_PREFIX = "8"
STAFF_VARIABLE = "HOTLINE_STAFF_"
_STAFF_ID_DIGITS = 5
# Conferences: the call's channels are redirected, and guests originated, into here.
CONFERENCE_CONTEXT = "conference"
BRIDGE_PROFILE = "hotline"
# Who joins as what: the extension prefix and the confbridge.conf user profile.
ROLES = {"caller": ("caller-", "caller"), "agent": ("host-", "agent"),
         "guest": ("guest-", "guest")}
ROOM_PREFIX = "hotline-"
TRUNK = "trunk-telco"  # pjsip.conf: the telco trunk (as callcenter.calls.callbacks says)

# Thai emergency and partner services that may be added to a call or take it over:
# police 191, emergency medical 1669, the children's and women's hotline 1387.
EMERGENCY_NUMBERS = {"191": "police", "1669": "ems", "1387": "children"}
_THAI_NUMBER = re.compile(r"0[0-9]{8,9}")


class BadTarget(ValueError):
    """A number or name the dialplan would not route (said before Asterisk is asked)."""


def room_of(call_uniqueid: str) -> str:
    """The conference of a call, named after the caller's Uniqueid (one per call)."""
    return f"{ROOM_PREFIX}{call_uniqueid}"


def call_of_room(conference: str) -> str:
    return conference.removeprefix(ROOM_PREFIX) if conference.startswith(ROOM_PREFIX) else ""


def conference_exten(role: str, call_uniqueid: str) -> str:
    if role not in ROLES:
        raise BadTarget(f"unknown conference role {role!r}")
    return f"{ROLES[role][0]}{call_uniqueid}"


def outside_number(number: str) -> str:
    """A number the trunk may dial: a Thai phone number or one of the service codes."""
    number = number.strip().replace("-", "").replace(" ", "")
    if number.startswith("+66"):
        number = "0" + number[3:]
    if number in EMERGENCY_NUMBERS or _THAI_NUMBER.fullmatch(number):
        return number
    raise BadTarget("not a Thai phone number or a known service number")


def dial_string(number: str) -> str:
    """The channel to originate for a guest of a conference."""
    return f"PJSIP/{outside_number(number)}@{TRUNK}"


_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def staff_number(staff_id: int) -> str:
    """The digits Atxfer dials to reach a colleague: 8 and the staff id in five digits."""
    if not 0 < staff_id < 10**_STAFF_ID_DIGITS:
        raise BadTarget("no short number for that colleague")
    return f"{STAFF_PREFIX}{staff_id:0{_STAFF_ID_DIGITS}d}"


def staff_variable(staff_id: int) -> str:
    """The inherited channel variable that names the phone behind `staff_number`."""
    return f"_{STAFF_VARIABLE}{staff_number(staff_id).removeprefix(STAFF_PREFIX)}"


def staff_phone(endpoint: str) -> str:
    """A colleague's PJSIP endpoint as the dialplan dials it (a name only)."""
    if not _NAME.fullmatch(endpoint or ""):
        raise BadTarget("not a phone name")
    return endpoint


def blind_target(*, queue: str | None = None, endpoint: str | None = None) -> tuple[str, str]:
    """(context, exten) of a blind transfer to a queue or to an agent's phone."""
    if (queue is None) == (endpoint is None):
        raise BadTarget("name a queue or an agent's phone, not both")
    name = queue if queue is not None else endpoint
    if not name or not _NAME.fullmatch(name):
        raise BadTarget("not a queue or phone name")
    return (QUEUE_CONTEXT, name) if queue is not None else (AGENT_CONTEXT, name)


# Asterisk's refusals of these actions, said so that whoever reads them knows what to do.
ERRORS = {
    "No attended transfer feature code found":
        "warm transfer is not set up on the PBX (features.conf needs an atxfer code)",
    "Channel specified does not exist": "that call leg has already ended",
    "No such channel": "that call leg has already ended",
    "Invalid channel": "that call leg has already ended",
    "Unable to find channel": "that call leg has already ended",
    "No bridge found": "the call is not connected to anyone to transfer",
    "Transfer failed": "Asterisk could not transfer the call",
    "No active conferences.": "the call has no conference",
    "No Conference by that name found.": "the call has no conference",
    "No Channel by that name found in Conference.": "that person is not in the conference",
}


def explain(message: str) -> str:
    return ERRORS.get(message, message)
