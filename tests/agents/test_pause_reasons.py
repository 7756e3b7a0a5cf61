"""Pause reasons are an admin-kept list: agents pause for the active ones, in order;
codes never change, items are never deleted, and the system's own reason stays on."""

import pytest
from pydantic import ValidationError

from callcenter import pick_lists
from callcenter.agents import pause_reasons, state
from callcenter.errors import Conflict, DomainError, NotFound, StaleEdit
from tests.agents.test_state import Phone, agent
from tests.support.audit_trail import audited


def _edit(item, **values) -> pick_lists.ItemEdit:
    return pick_lists.ItemEdit(**{"label_th": item.label_th, "label_en": item.label_en,
                                  "active": item.active, "version": item.version, **values})


def _by_code(db, code):
    return next(r for r in pause_reasons.everything(db) if r.code == code)


def test_the_list_starts_with_the_reasons_the_console_shipped_with(seeded_session):
    assert pause_reasons.active_codes(seeded_session) == list(state.PAUSE_REASONS)
    assert pause_reasons.labels(seeded_session)["meal"] == ("พักรับประทานอาหาร", "Meal")


def test_an_agent_may_pause_for_a_reason_an_admin_added(seeded_session):
    admin = agent(seeded_session, "admin")
    pause_reasons.add(seeded_session, pick_lists.ItemIn(
        code="first_aid", label_th="ปฐมพยาบาล", label_en="First aid"), actor_id=admin.id)
    phone = Phone()
    state.change(seeded_session, phone, user=agent(seeded_session), action="pause",
                 node="pbx1", live=None, reason="first_aid")
    assert phone.sent == [("pause", {"interface": "PJSIP/agent1", "reason": "first_aid"})]
    assert pause_reasons.active_codes(seeded_session)[-1] == "first_aid"
    event = audited(seeded_session, "pause_reason.add", actor_id=admin.id,
                    entity_type="pause_reason", entity_id="first_aid")
    assert event.changes["label_en"] == [None, "First aid"]


def test_a_reason_switched_off_is_refused_but_keeps_its_label_for_old_records(seeded_session):
    admin = agent(seeded_session, "admin")
    meal = _by_code(seeded_session, "meal")
    pause_reasons.update(seeded_session, "meal", _edit(meal, active=False), actor_id=admin.id)
    with pytest.raises(DomainError) as refused:
        state.change(seeded_session, Phone(), user=agent(seeded_session), action="pause",
                     node="pbx1", live=None, reason="meal")
    assert refused.value.field == "reason"
    assert "meal" not in pause_reasons.active_codes(seeded_session)
    assert pause_reasons.labels(seeded_session)["meal"] == ("พักรับประทานอาหาร", "Meal")
    event = audited(seeded_session, "pause_reason.update", actor_id=admin.id,
                    entity_type="pause_reason", entity_id="meal")
    assert event.changes == {"active": [True, False]}


def test_the_wrap_up_reason_the_reports_count_as_handle_time_cannot_be_switched_off(
        seeded_session):
    wrap_up = _by_code(seeded_session, "wrap_up")
    with pytest.raises(Conflict) as refused:
        pause_reasons.update(seeded_session, "wrap_up", _edit(wrap_up, active=False),
                             actor_id=agent(seeded_session, "admin").id)
    assert refused.value.field == "active"
    renamed = pause_reasons.update(seeded_session, "wrap_up",
                                   _edit(wrap_up, label_en="After-call work"),
                                   actor_id=agent(seeded_session, "admin").id)
    assert renamed.label_en == "After-call work" and renamed.version == 2


@pytest.mark.parametrize("code", ["First aid", "ปฐมพยาบาล", "1st", "a" * 41, "", "x-y"])
def test_a_code_is_a_lowercase_ascii_slug_for_asterisk(code):
    with pytest.raises(ValidationError):
        pick_lists.ItemIn(code=code, label_th="ก", label_en="a")


def test_a_code_already_listed_is_refused_even_when_switched_off(seeded_session):
    with pytest.raises(Conflict) as refused:
        pause_reasons.add(seeded_session, pick_lists.ItemIn(
            code="meal", label_th="อาหาร", label_en="Food"),
            actor_id=agent(seeded_session, "admin").id)
    assert refused.value.field == "code"


def test_moving_a_reason_swaps_it_with_its_neighbour_and_the_agent_page_order_follows(
        seeded_session):
    admin = agent(seeded_session, "admin")
    meal = _by_code(seeded_session, "meal")
    pause_reasons.move(seeded_session, "meal", pick_lists.MoveIn(direction="up", version=1),
                       actor_id=admin.id)
    assert pause_reasons.active_codes(seeded_session)[:2] == ["meal", "break"]
    assert meal.version == 2
    # At the top already: nothing moves, nothing is counted as changed.
    pause_reasons.move(seeded_session, "meal", pick_lists.MoveIn(direction="up", version=2),
                       actor_id=admin.id)
    assert pause_reasons.active_codes(seeded_session)[:2] == ["meal", "break"]
    assert meal.version == 2


def test_an_edit_drawn_from_an_older_version_is_refused_naming_what_changed(seeded_session):
    admin = agent(seeded_session, "admin")
    meal = _by_code(seeded_session, "meal")
    first = _edit(meal, label_en="Lunch")
    second = _edit(meal, label_th="อาหารกลางวัน")
    pause_reasons.update(seeded_session, "meal", first, actor_id=admin.id)
    with pytest.raises(StaleEdit) as stale:
        pause_reasons.update(seeded_session, "meal", second, actor_id=admin.id)
    assert stale.value.changed == {"label_th": "พักรับประทานอาหาร", "label_en": "Lunch"}


def test_an_unknown_code_is_not_found(seeded_session):
    with pytest.raises(NotFound):
        pause_reasons.update(seeded_session, "nope", pick_lists.ItemEdit(
            label_th="ก", label_en="a", active=True, version=1), actor_id=1)


def test_seeding_again_adds_what_is_missing_and_keeps_what_admins_changed(seeded_session):
    meal = _by_code(seeded_session, "meal")
    pause_reasons.update(seeded_session, "meal", _edit(meal, label_en="Lunch", active=False),
                         actor_id=agent(seeded_session, "admin").id)
    pause_reasons.sync_defaults(seeded_session)
    assert (meal.label_en, meal.active) == ("Lunch", False)
    assert len(pause_reasons.everything(seeded_session)) == len(state.PAUSE_REASONS)
