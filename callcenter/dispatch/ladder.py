"""The escalation ladder: a unit's contacts in position order, then the supervisor alarm.

The unit's contacts *are* the ladder: the duty console and phones first and the
provincial supervisor last (each contact says who it reaches, ``UnitContact.role``), so
"next channel, next contact, the provincial supervisor" is one rule: alert the next
reachable active position (an admin can take a contact off). ``problems`` lists the
units whose ladder does not end with a provincial supervisor. When every position has
been tried the dispatch stays escalated and the wallboard alarm repeats (with a back-off,
see ``escalation``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from callcenter.dispatch.channels import reachable
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch
from callcenter.provinces.models import AlertChannel, ContactRole, ResponseUnit, UnitContact


def reachable_contacts(
    session: Session, unit_id: int, settings: DispatchSettings
) -> list[UnitContact]:
    contacts = session.scalars(
        select(UnitContact).where(UnitContact.unit_id == unit_id,
                                  UnitContact.active.is_(True))  # an admin took it off
        .order_by(UnitContact.position)
    )
    return [c for c in contacts if reachable(c.channel, c.address, settings)]


def newest_alert(session: Session, dispatch_id: int) -> Alert | None:
    return session.scalars(
        select(Alert).where(Alert.dispatch_id == dispatch_id)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1)
    ).first()


def next_contact(
    session: Session, dispatch: Dispatch, settings: DispatchSettings
) -> UnitContact | None:
    """The first reachable contact after the one alerted last (or the first of all)."""
    last = newest_alert(session, dispatch.id)
    after = -1
    if last is not None and last.contact_id is not None:
        contact = session.get(UnitContact, last.contact_id)
        after = contact.position if contact is not None else -1
    for contact in reachable_contacts(session, dispatch.unit_id, settings):
        if contact.position > after:
            return contact
    return None


def first_contacts(
    session: Session, dispatch: Dispatch, settings: DispatchSettings
) -> list[UnitContact]:
    """Who a new dispatch alerts: the first reachable contact, and for the urgencies set
    in ``phone_with_console_urgencies`` the one after it too when the first is the
    console, so an urgent case rings a phone at once even if the console is watched by
    nobody who looks. (The later of the two is the ladder's current rung.)"""
    contacts = reachable_contacts(session, dispatch.unit_id, settings)
    if not contacts:
        return []
    first = contacts[0]
    if (first.channel is AlertChannel.CONSOLE and len(contacts) > 1
            and dispatch.urgency in settings.phone_with_console_urgencies):
        return [first, contacts[1]]
    return [first]


def describe(contact: UnitContact) -> str:
    who = " (provincial supervisor)" if contact.role is ContactRole.PROVINCIAL_SUPERVISOR else ""
    return f"next contact position {contact.position} ({contact.channel.value}){who}"


def problems(session: Session, settings: DispatchSettings | None = None) -> list[str]:
    """Codes of active units whose ladder does not end with a provincial supervisor (one
    that is reachable, when ``settings`` are given)."""
    found = []
    units = session.scalars(select(ResponseUnit).where(ResponseUnit.active.is_(True))
                            .options(selectinload(ResponseUnit.contacts))
                            .order_by(ResponseUnit.code))
    for unit in units:
        contacts = sorted((c for c in unit.contacts if c.active), key=lambda c: c.position)
        if settings is not None:
            contacts = [c for c in contacts if reachable(c.channel, c.address, settings)]
        if not contacts or contacts[-1].role is not ContactRole.PROVINCIAL_SUPERVISOR:
            found.append(unit.code)
    return found


def add_alert(session: Session, dispatch: Dispatch, contact: UnitContact, now: datetime) -> Alert:
    # A UUID: LINE requires one as its retry key, and every provider accepts it.
    alert = Alert(
        dispatch_id=dispatch.id,
        channel=contact.channel,
        contact_id=contact.id,
        idempotency_key=str(uuid.uuid4()),
        status=AlertStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(alert)
    return alert
