"""Agents' state history (`agent_state_changes`) and who a queue member is.

The AMI bridge writes one row each time an agent's state or pause reason changes, at
Asterisk's time of the change; the reports read pause time by reason and handle time
from it. A queue member is named by its interface (`PJSIP/agent1001`, the phone the
console signs an agent in with; the recordings' members are `Local/agent1@agents/n`) and
its member name (the console's is the user's login): `Directory` maps those to a user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from callcenter.agents.models import AgentState, AgentStateChange, User
from callcenter.agents.state import device

_COLUMNS = AgentStateChange.__table__.c
INTERFACE_LENGTH = _COLUMNS.agent_interface.type.length
REASON_LENGTH = _COLUMNS.reason.type.length


@dataclass(slots=True)
class Directory:
    """Users by phone interface, by device name and by login: one query, then lookups."""

    by_interface: dict[str, int] = field(default_factory=dict)
    by_device: dict[str, int] = field(default_factory=dict)
    by_login: dict[str, int] = field(default_factory=dict)

    def user_id(self, interface: str | None, state_interface: str | None = None,
                member_name: str | None = None) -> int | None:
        for candidate in (interface, state_interface):
            if candidate and candidate in self.by_interface:
                return self.by_interface[candidate]
        for candidate in (interface, state_interface):
            if candidate and (found := self.by_device.get(device(candidate))) is not None:
                return found
        return self.by_login.get(member_name) if member_name else None


def directory(session: Session) -> Directory:
    found = Directory()
    for user_id, login, phone in session.execute(
            select(User.id, User.login, User.phone_interface)):
        found.by_login[login] = user_id
        if phone:
            found.by_interface[phone] = user_id
            if device(phone):
                found.by_device.setdefault(device(phone), user_id)
    return found


def record_changes(session: Session, *, node: str, changes: Iterable[Any],
                   users: Directory) -> int:
    """Insert one row per change (attributes: interface, state_interface, name, state,
    reason, changed_at); returns how many."""
    rows = [
        {
            "node": node,
            "agent_interface": c.interface[:INTERFACE_LENGTH],
            "agent_user_id": users.user_id(c.interface, c.state_interface, c.name),
            "state": AgentState(c.state),
            "reason": c.reason[:REASON_LENGTH] if c.reason else None,
            "changed_at": c.changed_at,
        }
        for c in changes
    ]
    if rows:
        session.execute(insert(AgentStateChange), rows)
    return len(rows)
