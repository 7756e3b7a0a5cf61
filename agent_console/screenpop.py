"""What the agent sees when the phone rings: the call, the IVR's choices, the number's past.

Built from the bridge's live state (Redis) when there is one, else from the call row;
the number's earlier calls and cases come from the database. The caller's number is
masked for roles that need not see it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from agent_console import access
from callcenter import topics
from callcenter.agents import service as users
from callcenter.agents.models import Role
from callcenter.calls import service as calls
from callcenter.calls.models import Call
from callcenter.cases import contacts
from callcenter.cases import search as case_search
from callcenter.cases.models import Case
from callcenter.db import utcnow


class EarlierCall(BaseModel):
    id: int
    started_at: datetime
    outcome: str
    disposition: str | None
    issue_area: str | None


class EarlierCase(BaseModel):
    id: int
    number: str
    status: str
    do_not_call_back: bool
    call_window: str | None
    withhold_caller_id: bool
    # What the agent needs to pick the case to attach the call to: no person's data.
    urgency: str | None = None
    opened_at: datetime | None = None
    owner: str | None = None  # the staff member who owns it
    # The call on the screen-pop is attached to this case already.
    attached: bool = False


class ScreenPop(BaseModel):
    node: str | None
    uniqueid: str | None
    call_id: int | None
    state: str | None
    caller_number: str | None
    ivr_language: str | None
    issue_area: str | None
    priority: int | None
    silent: bool
    # The IVR's outcome: "danger" means the caller pressed the immediate-danger key.
    ivr_outcome: str | None = None
    queue_name: str | None
    queued_at: datetime | None
    waited_seconds: int | None
    repeat_caller: bool
    flagged_number: bool
    safe_contact_warning: bool
    earlier_calls: list[EarlierCall]
    earlier_cases: list[EarlierCase]


def live_call(redis: Any, node: str, uniqueid: str) -> dict[str, Any] | None:
    """The bridge's latest state of a call, or None (ended, unknown, or Redis away)."""
    try:
        body = redis.hget(topics.live_key(node, topics.CALL), uniqueid)
    except Exception:
        return None
    return json.loads(body) if body else None


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def build(db: Session, *, role: Role, call: Call | None,
          live: dict[str, Any] | None) -> ScreenPop:
    src: dict[str, Any] = dict(live or {})
    if call is not None:
        for name in ("caller_number", "ivr_language", "issue_area", "priority", "silent",
                     "ivr_outcome", "queue_name", "queued_at", "answered_at", "wait_seconds",
                     "uniqueid", "node"):
            if src.get(name) is None:
                src[name] = getattr(call, name)
    number = src.get("caller_number")
    earlier = calls.earlier_calls(db, number, before_id=call.id if call else None)
    flags = calls.number_flags(earlier)
    past_cases = case_search.for_number(db, number)
    queued_at = _when(src.get("queued_at"))
    waited = src.get("wait_seconds")
    if waited is None and queued_at is not None:
        end = _when(src.get("answered_at")) or utcnow()
        waited = max(0, int((end - queued_at).total_seconds()))
    return ScreenPop(
        node=src.get("node"), uniqueid=src.get("uniqueid"),
        call_id=call.id if call else None, state=src.get("state"),
        caller_number=access.mask_number(number, role),
        ivr_language=src.get("ivr_language"), issue_area=src.get("issue_area"),
        priority=src.get("priority"), silent=bool(src.get("silent")),
        ivr_outcome=src.get("ivr_outcome"), queue_name=src.get("queue_name"),
        queued_at=queued_at, waited_seconds=waited,
        repeat_caller=flags.repeat_caller, flagged_number=flags.flagged,
        safe_contact_warning=any(c.do_not_call_back or c.withhold_caller_id or c.call_window
                                 for c in past_cases),
        earlier_calls=[EarlierCall(id=c.id, started_at=c.started_at, outcome=c.outcome.value,
                                   disposition=c.disposition or None,
                                   issue_area=c.issue_area) for c in earlier],
        earlier_cases=earlier_cases(db, past_cases, call_id=call.id if call else None),
    )


def earlier_cases(db: Session, found: list[Case], *, call_id: int | None) -> list[EarlierCase]:
    """The number's cases as the screen-pop lists them, each saying whether the call on
    the screen-pop is attached to it already."""
    owners = users.by_ids(db, {c.owner_id for c in found if c.owner_id is not None})
    attached = contacts.attached_case_ids(db, call_id, [c.id for c in found]) \
        if call_id is not None else set()
    return [EarlierCase(id=c.id, number=c.number, status=c.status.value,
                        do_not_call_back=c.do_not_call_back, call_window=c.call_window,
                        withhold_caller_id=c.withhold_caller_id, urgency=c.urgency.value,
                        opened_at=c.created_at,
                        owner=owners[c.owner_id].display_name if c.owner_id in owners else None,
                        attached=c.id in attached)
            for c in found]
