"""The number units call to reach the centre: 1300 until an admin keeps another, audited."""

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.errors import InvalidInput
from callcenter.provinces import centre_line


@pytest.mark.parametrize(("typed", "kept"), [
    ("1300", "1300"), ("1 300", "1300"), ("02 123 4567", "+6621234567"),
    ("081-234-5678", "+66812345678"), ("+66 2 123 4567", "+6621234567"),
])
def test_short_codes_are_kept_as_dialled_and_other_numbers_become_e164(typed, kept):
    assert centre_line.normalised(typed) == kept


@pytest.mark.parametrize("typed", ["abc", "12", "+1 212 555 0100", "0000000000"])
def test_what_is_no_thai_number_is_refused_on_the_phone_field(typed):
    with pytest.raises(InvalidInput) as refused:
        centre_line.normalised(typed)
    assert refused.value.field == "phone"


def test_units_call_1300_until_an_admin_keeps_a_direct_line(seeded_session):
    assert centre_line.number(seeded_session) == "1300"
    assert centre_line.is_default(seeded_session)
    assert centre_line.set_number(seeded_session, "02 123 4567", actor_id=None) == "+6621234567"
    assert centre_line.number(seeded_session) == "+6621234567"
    assert centre_line.set_number(seeded_session, "  ", actor_id=None) == "1300"
    assert centre_line.is_default(seeded_session)
    changes = seeded_session.scalars(select(AuditEvent.changes).where(
        AuditEvent.action == "centre_line.update").order_by(AuditEvent.id)).all()
    assert changes == [{"phone": ["1300", "+6621234567"]}, {"phone": ["+6621234567", "1300"]}]


def test_keeping_the_same_number_again_records_nothing(seeded_session):
    centre_line.set_number(seeded_session, "1300", actor_id=None)
    assert seeded_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "centre_line.update")).all() == []
