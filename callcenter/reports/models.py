"""What the reports add to the schema: agents' state history and range indexes.

``agent_state_changes`` holds one row each time an agent's state changes (signed in,
available, ringing, in a call, wrap-up, paused with a reason, signed out); a state
lasts until the agent's next row. The bridge writes it; the reports read pause time
by reason from it. The indexes let a report read only its date range.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.cases.models import Case
from callcenter.columns import enum_type
from callcenter.db import Base
from callcenter.dispatch.models import Dispatch


class AgentState(StrEnum):
    LOGGED_IN = "logged_in"
    AVAILABLE = "available"
    RINGING = "ringing"
    IN_CALL = "in_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"
    LOGGED_OUT = "logged_out"


class AgentStateChange(Base):
    __tablename__ = "agent_state_changes"
    __table_args__ = (
        Index("ix_agent_state_changes_interface_at", "agent_interface", "changed_at"),
        Index("ix_agent_state_changes_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(40))
    # The queue member interface, as every AMI queue event names the agent.
    agent_interface: Mapped[str] = mapped_column(String(128))
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[AgentState] = mapped_column(enum_type(AgentState, "agent_state"))
    # The pause reason the agent or supervisor chose (Asterisk's PausedReason).
    reason: Mapped[str | None] = mapped_column(String(80))
    changed_at: Mapped[datetime]


# Range scans of the reports (calls already have ix_calls_started_at).
CASES_CREATED_AT = Index("ix_cases_created_at", Case.__table__.c.created_at)
DISPATCHES_CREATED_AT = Index("ix_dispatches_created_at", Dispatch.__table__.c.created_at)
