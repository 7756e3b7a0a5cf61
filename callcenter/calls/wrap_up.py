"""After-call work (wrap-up), pure: whether an agent owes it and how long it has lasted.

Two parts, one duration. Asterisk's ``wrapuptime`` (asterisk_conf/queues.conf, equal to
``queues.stats.WRAP_UP_SECONDS``, a test reads both) keeps a member from ringing for
that long after every call, whatever the console does. A queue whose admins require
wrap-up (``queues.wrap_up_required``) asks more: the agent stays paused with reason
``wrap_up`` until the call has a disposition or a case, however long that takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callcenter.queues.stats import WRAP_UP_SECONDS

PAUSE_REASON = "wrap_up"  # the locked pause reason (agents.pause_reasons.LOCKED)

__all__ = ["PAUSE_REASON", "WRAP_UP_SECONDS", "WrapUp", "owes", "wrap_up"]


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
