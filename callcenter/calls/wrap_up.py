"""After-call work (wrap-up), pure: whether an agent owes it and how long it has lasted.

Two parts, one duration. Asterisk's ``wrapuptime`` (asterisk_conf/queues.conf, equal to
``queues.stats.WRAP_UP_SECONDS``, a test reads both) keeps a member from ringing for
that long after every call, whatever the console does. A queue whose admins require
wrap-up (``queues.wrap_up_required``) asks more: the agent stays paused with reason
``wrap_up`` until the call has a disposition or a case, however long that takes.

The server holds the rule (``calls.wrap_up_jobs``): ``step`` says what to ask of Asterisk
for an agent's last call and live state; the agent page only shows the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callcenter.queues.stats import WRAP_UP_SECONDS

PAUSE_REASON = "wrap_up"  # the locked pause reason (agents.pause_reasons.LOCKED)

PAUSE = "pause"
UNPAUSE = "unpause"
RULE = "wrap_up_required"  # named in the audit of every pause or lift the server makes

__all__ = ["PAUSE", "PAUSE_REASON", "RULE", "UNPAUSE", "WRAP_UP_SECONDS", "WrapUp", "ours",
           "owes", "step", "wrap_up"]


def owes(*, required: bool, disposition: str | None, has_case: bool) -> bool:
    """Whether the call still needs the agent's word before the next one."""
    return required and not disposition and not has_case


@dataclass(frozen=True)
class WrapUp:
    """The agent's after-call work as the agent page shows it."""

    owed: bool  # the call needs a disposition or a case before the next call
    active: bool  # in after-call work now (owed, or within Asterisk's wrapuptime)
    seconds: int  # since the call ended


def wrap_up(*, ended_at: datetime | None, now: datetime, required: bool,
            disposition: str | None, has_case: bool) -> WrapUp:
    if ended_at is None:
        return WrapUp(False, False, 0)
    seconds = max(0, int((now - ended_at).total_seconds()))
    owed = owes(required=required, disposition=disposition, has_case=has_case)
    return WrapUp(owed, owed or seconds < WRAP_UP_SECONDS, seconds)


def ours(*, reason: str | None, since: datetime | None, ended_at: datetime) -> bool:
    """A ``wrap_up`` pause that began after the call ended: the one the server made for
    it. A pause the agent chose before (or another reason) is never lifted."""
    return reason == PAUSE_REASON and (since is None or since >= ended_at)


def step(*, work: WrapUp, required: bool, status: str | None, reason: str | None,
         since: datetime | None, ended_at: datetime) -> str | None:
    """What to ask of Asterisk now: ``PAUSE``, ``UNPAUSE`` or nothing.

    Only an available agent is paused (one in a call, ringing, signed out or paused for
    a reason of their own is left as they are: unpausing brings them back here).
    """
    if work.owed and status == "available":
        return PAUSE
    if required and not work.owed and status == "paused" and ours(
            reason=reason, since=since, ended_at=ended_at):
        return UNPAUSE
    return None
