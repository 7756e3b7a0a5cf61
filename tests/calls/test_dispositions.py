"""Dispositions are an admin-kept list: a call takes an active code, prank and silent
stay on (the nuisance flag counts them), and old codes keep their label."""

import pytest
from sqlalchemy import select

from callcenter import pick_lists
from callcenter.agents.models import User
from callcenter.calls import dispositions
from callcenter.calls import service as calls
from callcenter.errors import Conflict, InvalidInput
from tests.agent_console.console_support import add_call
from tests.support.audit_trail import audited


def _admin(db) -> User:
    return db.scalars(select(User).where(User.login == "admin")).one()


def _edit(db, code, **values) -> pick_lists.ItemEdit:
    item = next(i for i in dispositions.everything(db) if i.code == code)
    return pick_lists.ItemEdit(**{"label_th": item.label_th, "label_en": item.label_en,
                                  "active": item.active, "version": item.version, **values})


def test_the_list_starts_with_the_codes_the_console_shipped_with(seeded_session):
    assert [d.code for d in dispositions.active(seeded_session)] == [
        "prank", "silent", "information", "counselling", "wrong_number", "missed"]


def test_a_call_takes_a_code_an_admin_added(seeded_session):
    admin = _admin(seeded_session)
    dispositions.add(seeded_session, pick_lists.ItemIn(
        code="referral_only", label_th="ส่งต่อเท่านั้น", label_en="Referral only"),
        actor_id=admin.id)
    call = add_call(seeded_session)
    calls.set_disposition(seeded_session, call, disposition="referral_only", actor_id=admin.id)
    assert call.disposition == "referral_only"
    audited(seeded_session, "disposition.add", actor_id=admin.id, entity_type="disposition",
            entity_id="referral_only")


def test_a_code_switched_off_or_never_listed_is_refused_naming_the_field(seeded_session):
    admin = _admin(seeded_session)
    dispositions.update(seeded_session, "missed", _edit(seeded_session, "missed", active=False),
                        actor_id=admin.id)
    call = add_call(seeded_session)
    for code in ("missed", "nope"):
        with pytest.raises(InvalidInput) as refused:
            calls.set_disposition(seeded_session, call, disposition=code, actor_id=admin.id)
        assert refused.value.field == "disposition"
    assert call.disposition is None


@pytest.mark.parametrize("code", ["prank", "silent"])
def test_the_codes_the_nuisance_flag_counts_cannot_be_switched_off(seeded_session, code):
    with pytest.raises(Conflict) as refused:
        dispositions.update(seeded_session, code, _edit(seeded_session, code, active=False),
                            actor_id=_admin(seeded_session).id)
    assert refused.value.field == "active"


def test_a_relabelled_nuisance_code_still_counts_toward_the_flag(seeded_session):
    dispositions.update(seeded_session, "prank",
                        _edit(seeded_session, "prank", label_en="Hoax call"),
                        actor_id=_admin(seeded_session).id)
    earlier = [add_call(seeded_session, uniqueid=f"1.{n}", disposition="prank")
               for n in range(3)]
    assert calls.number_flags(earlier).flagged


def test_an_inactive_code_keeps_its_label_for_the_calls_that_have_it(seeded_session):
    dispositions.update(seeded_session, "counselling",
                        _edit(seeded_session, "counselling", active=False),
                        actor_id=_admin(seeded_session).id)
    assert dispositions.labels(seeded_session)["counselling"] == ("ให้คำปรึกษา", "Counselling")
