"""The rules an admin keeps a unit's contacts by: validated addresses, an order, versions,
an audit of each change, and never a unit without an active contact."""

import pytest
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.errors import Conflict, InvalidInput, NotFound, StaleEdit
from callcenter.provinces import unit_admin
from callcenter.provinces.contacts import normalised_address
from callcenter.provinces.models import AlertChannel, ContactRole, ResponseUnit
from callcenter.provinces.schemas import ContactEdit, ContactIn, UnitEdit
from tests.support.audit_trail import audited

C = AlertChannel


@pytest.fixture
def admin_id(seeded_session) -> int:
    return seeded_session.scalar(select(User.id).where(User.login == "admin"))


@pytest.fixture
def unit(seeded_session) -> ResponseUnit:
    return seeded_session.scalars(select(ResponseUnit)
                                  .where(ResponseUnit.code == "RRU-TH-50")).one()


def who(admin_id):
    return {"actor_id": admin_id, "source_ip": "127.0.0.1"}


@pytest.mark.parametrize(("channel", "given", "stored"), [
    (C.SMS, "081 234 5678", "+66812345678"),
    (C.SMS, "+66 81-234-5678", "+66812345678"),
    (C.VOICE, "02 123 4567", "+6621234567"),
    (C.EMAIL, "Duty@Example.go.th", "Duty@example.go.th"),
    (C.LINE, "U" + "0123456789abcdef" * 2, "U" + "0123456789abcdef" * 2),
    (C.CONSOLE, "  ", ""),
])
def test_an_address_is_stored_in_the_one_form_its_channel_takes(channel, given, stored):
    assert normalised_address(channel, given) == stored


@pytest.mark.parametrize(("channel", "given"), [
    (C.SMS, "12345"), (C.SMS, "+1 202 555 0100"), (C.VOICE, "not a phone"), (C.SMS, ""),
    (C.EMAIL, "duty@"), (C.EMAIL, "duty at example"), (C.LINE, "@somchai"),
    (C.LINE, "U123"), (C.CONSOLE, "0812345678"),
])
def test_an_address_that_does_not_suit_its_channel_is_refused_naming_the_field(channel, given):
    with pytest.raises(InvalidInput) as refused:
        normalised_address(channel, given)
    assert refused.value.field == "address"


def test_an_added_contact_goes_last_with_its_phone_in_e164_and_is_audited(
        seeded_session, unit, admin_id):
    added = unit_admin.add_contact(seeded_session, unit.id, ContactIn(
        channel=C.SMS, address="081 234 5678", label="หัวหน้าทีม", role=ContactRole.TEAM_LEAD),
        **who(admin_id))
    ladder = unit_admin.contacts(seeded_session, unit.id)
    assert ladder[-1] is added and added.address == "+66812345678"
    event = audited(seeded_session, "unit_contact.create", actor_id=admin_id,
                    entity_type="unit_contact", entity_id=added.id)
    assert event.changes["address"] == [None, "+66812345678"]
    assert event.changes["channel"] == [None, "sms"]


def test_editing_a_unit_records_before_and_after_and_moves_its_version(
        seeded_session, unit, admin_id):
    unit_admin.update_unit(seeded_session, unit.id, UnitEdit(
        name_th="หน่วยเคลื่อนที่เร็ว เชียงใหม่ (ใหม่)", name_en=unit.name_en, active=True,
        version=1), **who(admin_id))
    assert unit.version == 2
    event = audited(seeded_session, "unit.update", actor_id=admin_id,
                    entity_type="response_unit", entity_id=unit.id)
    assert event.changes == {"name_th": ["หน่วยเคลื่อนที่เร็ว พมจ.เชียงใหม่",
                                         "หน่วยเคลื่อนที่เร็ว เชียงใหม่ (ใหม่)"]}


def test_an_edit_drawn_from_an_older_version_is_refused_naming_what_changed(
        seeded_session, unit, admin_id):
    first = UnitEdit(name_th="ชื่อแรก", name_en=unit.name_en, active=True, version=1)
    unit_admin.update_unit(seeded_session, unit.id, first, **who(admin_id))
    late = UnitEdit(name_th="ชื่อที่สอง", name_en=unit.name_en, active=True, version=1)
    with pytest.raises(StaleEdit) as refused:
        unit_admin.update_unit(seeded_session, unit.id, late, **who(admin_id))
    assert refused.value.changed == {"name_th": "ชื่อแรก"}


def test_the_last_active_contact_can_be_neither_removed_nor_made_inactive(
        seeded_session, unit, admin_id):
    ladder = unit_admin.contacts(seeded_session, unit.id)
    for contact in ladder[1:]:
        unit_admin.update_contact(seeded_session, unit.id, contact.id, ContactEdit(
            channel=contact.channel, address=contact.address, label=contact.label,
            role=contact.role, active=False, version=contact.version), **who(admin_id))
    last = ladder[0]
    with pytest.raises(Conflict) as refused:
        unit_admin.remove_contact(seeded_session, unit.id, last.id, version=last.version,
                                  **who(admin_id))
    assert refused.value.field == "contact"
    with pytest.raises(Conflict):
        unit_admin.update_contact(seeded_session, unit.id, last.id, ContactEdit(
            channel=C.CONSOLE, role=last.role, active=False, version=last.version),
            **who(admin_id))
    assert last.active


def test_a_unit_without_an_active_contact_cannot_be_made_active(seeded_session, unit, admin_id):
    unit.active = False
    for contact in unit_admin.contacts(seeded_session, unit.id):
        contact.active = False
    seeded_session.flush()
    with pytest.raises(Conflict) as refused:
        unit_admin.update_unit(seeded_session, unit.id, UnitEdit(
            name_th=unit.name_th, name_en=unit.name_en, active=True, version=unit.version),
            **who(admin_id))
    assert refused.value.field == "active"


def test_a_removed_contact_leaves_the_ladder_and_the_audit_names_it(
        seeded_session, unit, admin_id):
    supervisor = unit_admin.contacts(seeded_session, unit.id)[-1]
    unit_admin.remove_contact(seeded_session, unit.id, supervisor.id, version=1, **who(admin_id))
    assert supervisor.id not in [c.id for c in unit_admin.contacts(seeded_session, unit.id)]
    event = audited(seeded_session, "unit_contact.delete", actor_id=admin_id,
                    entity_type="unit_contact", entity_id=supervisor.id)
    assert event.changes["role"] == ["provincial_supervisor", None]


def test_moving_a_contact_swaps_it_with_its_neighbour_and_stops_at_the_ends(
        seeded_session, unit, admin_id):
    console, phone, supervisor = unit_admin.contacts(seeded_session, unit.id)
    unit_admin.move_contact(seeded_session, unit.id, phone.id, "up", version=1, **who(admin_id))
    assert [c.id for c in unit_admin.contacts(seeded_session, unit.id)] == [
        phone.id, console.id, supervisor.id]
    unit_admin.move_contact(seeded_session, unit.id, phone.id, "up", version=phone.version,
                            **who(admin_id))
    assert unit_admin.contacts(seeded_session, unit.id)[0].id == phone.id
    event = audited(seeded_session, "unit_contact.move", actor_id=admin_id,
                    entity_type="unit_contact", entity_id=phone.id)
    assert event.changes == {"position": [2, 1]}


def test_a_contact_of_another_unit_is_not_found(seeded_session, unit, admin_id):
    other = seeded_session.scalars(select(ResponseUnit)
                                   .where(ResponseUnit.code == "RRU-TH-10")).one()
    with pytest.raises(NotFound):
        unit_admin.remove_contact(seeded_session, unit.id, other.contacts[0].id, version=1,
                                  **who(admin_id))
