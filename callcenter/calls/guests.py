"""A call's guests: the interpreters and emergency services dialled into its conference.

The console records each guest when it asks the bridge to dial them (``invite``), learns
their channel and joining time from the bridge's live state (``note_live``), and writes
when they left or when the agent left a service alone with the caller. Audited as
``call.guest_add``, ``call.guest_drop`` and ``call.handover``; never the caller's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls import three_way_rules as rules
from callcenter.calls.guest_models import CallGuest, GuestRole
from callcenter.calls.models import Call
from callcenter.errors import NotFound


def of_call(session: Session, call_id: int) -> list[CallGuest]:
    return list(session.scalars(select(CallGuest).where(CallGuest.call_id == call_id)
                                .order_by(CallGuest.invited_at, CallGuest.id)))


def of_calls(session: Session, call_ids: Iterable[int]) -> list[CallGuest]:
    ids = list(call_ids)
    if not ids:
        return []
    return list(session.scalars(select(CallGuest).where(CallGuest.call_id.in_(ids))
                                .order_by(CallGuest.invited_at, CallGuest.id)))


def get(session: Session, call: Call, guest_id: int) -> CallGuest:
    guest = session.get(CallGuest, guest_id)
    if guest is None or guest.call_id != call.id:
        raise NotFound(f"guest {guest_id} not found")
    return guest


def invite(session: Session, call: Call, *, role: GuestRole, number: str, actor_id: int | None,
           now: datetime, language: str | None = None, service: str | None = None,
           interpreter_id: int | None = None) -> CallGuest:
    guest = CallGuest(call_id=call.id, role=role, number=number, language=language,
                      service=service, interpreter_id=interpreter_id, added_by_id=actor_id,
                      invited_at=now)
    session.add(guest)
    session.flush()
    audit.record(session, actor_id=actor_id, action="call.guest_add", entity_type="call",
                 entity_id=call.id, changes={"guest": [None, role.value],
                                             "language": [None, language],
                                             "service": [None, service]})
    return guest


def note_live(session: Session, call: Call, participants: Iterable[Mapping[str, Any]]
              ) -> list[CallGuest]:
    """Copy what the bridge saw (channel, joined, left) onto the call's guest rows."""
    rows = of_call(session, call.id)
    seen = rules.guests_seen(participants)
    by_channel = {s.channel: s for s in seen}
    waiting = [g.id for g in rows if g.channel is None and g.left_at is None]
    paired = rules.pair(waiting, {g.channel for g in rows if g.channel}, seen)
    for guest in rows:
        match = paired.get(guest.id) or by_channel.get(guest.channel or "")
        if match is None:
            continue
        guest.channel = match.channel
        guest.joined_at = guest.joined_at or match.joined_at
        if match.left_at and guest.left_at is None:
            guest.left_at = match.left_at
    session.flush()
    return rows


def dropped(session: Session, call: Call, guest: CallGuest, *, actor_id: int,
            now: datetime) -> None:
    """The agent sent the guest away (or cancelled a guest still ringing)."""
    if guest.left_at is None:
        guest.left_at = now
    session.flush()
    audit.record(session, actor_id=actor_id, action="call.guest_drop", entity_type="call",
                 entity_id=call.id, changes={"guest": [guest.role.value, None]})


def handed_over(session: Session, call: Call, *, actor_id: int, now: datetime) -> list[CallGuest]:
    """The agent left the caller with the services in the conference."""
    services = [g for g in of_call(session, call.id)
                if g.role is GuestRole.SERVICE and g.left_at is None and g.agent_left_at is None]
    for guest in services:
        guest.agent_left_at = now
    session.flush()
    audit.record(session, actor_id=actor_id, action="call.handover", entity_type="call",
                 entity_id=call.id,
                 changes={"services": [None, ",".join(g.service or "" for g in services)]})
    return services


def present(rows: Iterable[CallGuest]) -> list[CallGuest]:
    return [g for g in rows if g.left_at is None]
