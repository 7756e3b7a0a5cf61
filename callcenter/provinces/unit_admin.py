"""An admin keeping a unit up: its names, whether it is active, its contacts in order.

Every change is audited with its before and after values (``unit.update``,
``unit_contact.create`` / ``update`` / ``delete`` / ``move``) and carries the version the
form was drawn from: a save over a newer version is refused with what changed
(``StaleEdit``). A unit can never be left without an active contact: an active unit
needs one, so the last one can be neither removed nor made inactive, and a unit with
none cannot be made active. Never commits.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.errors import Conflict, NotFound, StaleEdit
from callcenter.provinces.contacts import normalised_address
from callcenter.provinces.models import ResponseUnit, UnitContact
from callcenter.provinces.schemas import ContactEdit, ContactIn, UnitEdit

UNIT_FIELDS = ("name_th", "name_en", "active")
CONTACT_FIELDS = ("channel", "address", "label", "role", "active")


def units(session: Session) -> list[ResponseUnit]:
    """Every unit, by province code (the order of the ISO codes, Bangkok first)."""
    return list(session.scalars(select(ResponseUnit).order_by(ResponseUnit.province_code,
                                                              ResponseUnit.id)))


def unit(session: Session, unit_id: int) -> ResponseUnit:
    found = session.get(ResponseUnit, unit_id)
    if found is None:
        raise NotFound(f"unit {unit_id} does not exist")
    return found


def contact(session: Session, unit_id: int, contact_id: int) -> UnitContact:
    found = session.get(UnitContact, contact_id)
    if found is None or found.unit_id != unit_id:
        raise NotFound(f"contact {contact_id} of unit {unit_id} does not exist")
    return found


def contacts(session: Session, unit_id: int) -> list[UnitContact]:
    return list(session.scalars(select(UnitContact).where(UnitContact.unit_id == unit_id)
                                .order_by(UnitContact.position)))


def update_unit(session: Session, unit_id: int, edit: UnitEdit, *, actor_id: int,
                source_ip: str | None) -> ResponseUnit:
    row = unit(session, unit_id)
    before = _values(row, UNIT_FIELDS)
    after = edit.model_dump(include=set(UNIT_FIELDS))
    _check_version(row.version, edit.version, before, after)
    if edit.active and not _active_contacts(session, unit_id):
        raise Conflict("an active unit needs at least one active contact", field="active")
    row.name_th, row.name_en, row.active = edit.name_th, edit.name_en, edit.active
    _audit(session, "unit.update", "response_unit", row.id, before, after, actor_id, source_ip,
           row)
    return row


def add_contact(session: Session, unit_id: int, given: ContactIn, *, actor_id: int,
                source_ip: str | None) -> UnitContact:
    row = unit(session, unit_id)
    address = normalised_address(given.channel, given.address)
    last = session.scalar(select(func.max(UnitContact.position))
                          .where(UnitContact.unit_id == row.id)) or 0
    added = UnitContact(unit_id=row.id, position=last + 1, channel=given.channel,
                        address=address, label=given.label, role=given.role,
                        active=given.active, version=1)
    session.add(added)
    session.flush()
    after = _values(added, CONTACT_FIELDS) | {"position": added.position}
    audit.record(session, actor_id=actor_id, action="unit_contact.create",
                 entity_type="unit_contact", entity_id=added.id, source_ip=source_ip,
                 changes=audit.changes_between({}, after))
    return added


def update_contact(session: Session, unit_id: int, contact_id: int, edit: ContactEdit, *,
                   actor_id: int, source_ip: str | None) -> UnitContact:
    row = contact(session, unit_id, contact_id)
    before = _values(row, CONTACT_FIELDS)
    after = edit.model_dump(include=set(CONTACT_FIELDS))
    after["address"] = normalised_address(edit.channel, edit.address)
    _check_version(row.version, edit.version, before, after)
    if row.active and not edit.active:
        _keep_one_active(session, row, "active")
    row.channel, row.address, row.label = edit.channel, after["address"], edit.label
    row.role, row.active = edit.role, edit.active
    _audit(session, "unit_contact.update", "unit_contact", row.id, before, after, actor_id,
           source_ip, row)
    return row


def remove_contact(session: Session, unit_id: int, contact_id: int, *, version: int,
                   actor_id: int, source_ip: str | None) -> None:
    row = contact(session, unit_id, contact_id)
    before = _values(row, CONTACT_FIELDS) | {"position": row.position}
    _check_version(row.version, version, before, {})
    if row.active:
        _keep_one_active(session, row, "contact")
    try:
        with session.begin_nested():
            session.delete(row)
            session.flush()
    except IntegrityError as exc:
        # A dispatch's alert names it: the record of who was alerted must stay whole.
        raise Conflict("this contact has carried alerts; make it inactive instead",
                       field="contact") from exc
    audit.record(session, actor_id=actor_id, action="unit_contact.delete",
                 entity_type="unit_contact", entity_id=contact_id, source_ip=source_ip,
                 changes=audit.changes_between(before, {}))


def move_contact(session: Session, unit_id: int, contact_id: int,
                 direction: Literal["up", "down"], *, version: int, actor_id: int,
                 source_ip: str | None) -> UnitContact:
    """Swap the contact with its neighbour above or below; at either end nothing moves."""
    row = contact(session, unit_id, contact_id)
    _check_version(row.version, version, {"position": row.position}, {})
    ladder = contacts(session, unit_id)
    index = ladder.index(row)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(ladder):
        return row
    other = ladder[other_index]
    mine, theirs = row.position, other.position
    # (unit_id, position) is unique: park one row while the other takes its place.
    row.position = -row.id
    session.flush()
    other.position = mine
    session.flush()
    row.position = theirs
    row.version += 1
    other.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action="unit_contact.move",
                 entity_type="unit_contact", entity_id=row.id, source_ip=source_ip,
                 changes={"position": [mine, theirs]})
    return row


def _active_contacts(session: Session, unit_id: int) -> int:
    return session.scalar(select(func.count()).select_from(UnitContact).where(
        UnitContact.unit_id == unit_id, UnitContact.active.is_(True))) or 0


def _keep_one_active(session: Session, row: UnitContact, field: str) -> None:
    owner = session.get(ResponseUnit, row.unit_id)
    if owner is not None and owner.active and _active_contacts(session, row.unit_id) <= 1:
        raise Conflict("a unit can never be left without an active contact", field=field)


def _check_version(stored: int, given: int, before: dict[str, object],
                   after: dict[str, object]) -> None:
    if stored == given:
        return
    # The fields whose stored value differs from what this edit would save, as stored.
    changed = {k: getattr(v, "value", v) for k, v in before.items()
               if k not in after or after[k] != v}
    raise StaleEdit(changed=changed or {k: getattr(v, "value", v) for k, v in before.items()})


def _values(row: object, fields: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(row, name) for name in fields}


def _audit(session: Session, action: str, entity_type: str, entity_id: int,
           before: dict[str, object], after: dict[str, object], actor_id: int,
           source_ip: str | None, row: ResponseUnit | UnitContact) -> None:
    changes = audit.changes_between(before, after)
    if changes:
        row.version += 1
    session.flush()
    audit.record(session, actor_id=actor_id, action=action, entity_type=entity_type,
                 entity_id=entity_id, source_ip=source_ip, changes=changes)
