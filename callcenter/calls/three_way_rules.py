"""Three-way calls, pure: the services an agent may hand a caller to, and which of the
conference's channels is which guest.

The bridge publishes a call's conference participants without their numbers (docs/ami.md,
"Hold, transfers and conferences"): a guest is known only as a channel with role
``guest``. Guests are dialled one at a time and join in that order, so the n-th guest
channel that joined belongs to the n-th guest row still waiting for one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from callcenter.ami.call_features import EMERGENCY_NUMBERS

# Service code → the short number the trunk dials (call_features keeps number → name).
SERVICES = {name: number for number, name in EMERGENCY_NUMBERS.items()}


def service_number(service: str) -> str | None:
    return SERVICES.get(service)


@dataclass(frozen=True)
class Seen:
    """A guest channel as the bridge saw it."""

    channel: str
    joined_at: datetime
    left_at: datetime | None


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    # The bridge writes UTC with its offset; the database keeps aware UTC moments.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def guests_seen(participants: Iterable[Mapping[str, Any]]) -> list[Seen]:
    """The guest channels of a live call's ``participants``, in the order they joined."""
    seen = [Seen(str(p["channel"]), _when(p.get("joined_at")), _when(p.get("left_at")))
            for p in participants if p.get("role") == "guest" and p.get("joined_at")]
    return sorted(seen, key=lambda s: s.joined_at)


def pair(waiting: Sequence[int], known: set[str], seen: Sequence[Seen]) -> dict[int, Seen]:
    """Which waiting guest row (ids, in the order they were dialled) each new channel is.

    ``known`` are the channels rows already have; the others are handed out in order.
    """
    fresh = [s for s in seen if s.channel not in known]
    return dict(zip(waiting, fresh, strict=False))


def agent_in(participants: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the agent is still in the conference."""
    return any(p.get("role") == "agent" and not p.get("left_at") for p in participants)
