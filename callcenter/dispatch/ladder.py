"""The escalation ladder: a unit's contacts in position order, then the supervisor alarm.

The unit's contacts *are* the ladder: the operator lists the duty console and phones
first and the provincial supervisor's phone or LINE last, so "next channel, next contact,
the provincial supervisor" is one rule: alert the next reachable position. When every
position has been tried the dispatch stays escalated and the wallboard alarm repeats.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.dispatch.channels import reachable
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Alert, AlertStatus, Dispatch
from callcenter.provinces.models import UnitContact


def reachable_contacts(
    session: Session, unit_id: int, settings: DispatchSettings
) -> list[UnitContact]:
    contacts = session.scalars(
        select(UnitContact).where(UnitContact.unit_id == unit_id).order_by(UnitContact.position)
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
