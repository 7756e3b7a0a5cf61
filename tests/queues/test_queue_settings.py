"""Each queue's targets and thresholds: the wallboard's rules read them (pure), admins
edit them (versioned, audited), and the catalog never overwrites an admin's edit."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.errors import InvalidInput, NotFound, StaleEdit
from callcenter.queues import service as queues
from callcenter.queues import stats
from callcenter.queues.schemas import QueueSettingsIn
from tests.support.audit_trail import audited

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def answered(queue: str, wait: int) -> dict:
    return {"queue_name": queue, "outcome": "answered", "answered_at": "x",
            "wait_seconds": wait, "talk_seconds": 10}


def waiting(queue: str, seconds: int) -> dict:
    return {"name": queue, "waiting": [
        {"uniqueid": f"{queue}.1", "joined_at": (NOW - timedelta(seconds=seconds)).isoformat()}]}


def rules(**values) -> dict[str, stats.QueueSettings]:
    return {"violence": stats.QueueSettings("ความรุนแรง", "Violence", **values)}


def test_without_settings_a_queue_keeps_the_catalogs_defaults():
    board = stats.build(queues=[waiting("violence", 10)], agents=[], now=NOW)
    view = board.queues[0]
    assert (view.rules.target, view.rules.min_calls, view.threshold) == (90, 5, 20)
    assert view.label_en == "Violence"


def test_the_minimum_of_calls_before_flagging_is_the_queues_own():
    calls = [answered("violence", 40), answered("violence", 3)]  # 50 %
    today = stats.tally_calls(calls)
    quiet = stats.build(queues=[], agents=[], today=today, now=NOW)
    assert quiet.alarms == [] and quiet.queues[0].service_level_band == "ok"
    flagged = stats.build(queues=[], agents=[], today=today, now=NOW,
                          settings=rules(min_calls=2))
    assert [(a.kind, a.subject) for a in flagged.alarms] == [("service_level", "violence")]
    assert flagged.queues[0].below_target


def test_a_service_level_between_target_and_amber_level_is_amber_without_an_alarm():
    calls = [answered("violence", 3)] * 3 + [answered("violence", 40)]  # 75 %
    board = stats.build(queues=[], agents=[], today=stats.tally_calls(calls), now=NOW,
                        settings=rules(target=70, warn=80, min_calls=4))
    assert board.queues[0].service_level_band == "warn"
    assert board.alarms == []


def test_the_answer_threshold_comes_from_the_settings():
    board = stats.build(queues=[waiting("violence", 1)], agents=[], now=NOW,
                        settings=rules(threshold=45))
    assert board.queues[0].threshold == 45
    assert stats.thresholds_of(rules(threshold=45)) == {"violence": 45}


def test_a_long_wait_follows_the_queues_own_amber_and_red_limits():
    settings = rules(wait_warn=20, wait_alarm=40)
    board = stats.build(queues=[waiting("violence", 30)], agents=[], now=NOW,
                        settings=settings)
    assert board.queues[0].wait_band == "warn" and board.alarms == []
    assert stats.seconds_to_next_change(board) == 41 - 30
    board = stats.build(queues=[waiting("violence", 10)], agents=[], now=NOW,
                        settings=settings)
    assert stats.seconds_to_next_change(board) == 21 - 10  # amber first
    late = stats.build(queues=[waiting("violence", 41)], agents=[], now=NOW,
                       settings=settings)
    assert late.queues[0].wait_band == "alarm"
    assert [a.kind for a in late.alarms] == ["long_wait"]


def _form(row, **values) -> QueueSettingsIn:
    data = queues.snapshot(row) | {"version": row.version} | values
    return QueueSettingsIn(**data)


def _admin(db) -> User:
    return db.scalars(select(User).where(User.login == "admin")).one()


def test_an_admins_edit_is_saved_versioned_and_audited_with_before_and_after(seeded_session):
    row = queues.get(seeded_session, "violence")
    admin = _admin(seeded_session)
    queues.update(seeded_session, "violence",
                  _form(row, service_level_target=80, service_level_min_calls=10),
                  actor_id=admin.id, source_ip="10.0.0.9")
    assert (row.service_level_target, row.service_level_min_calls, row.version) == (80, 10, 2)
    event = audited(seeded_session, "queue.update", actor_id=admin.id, entity_type="queue",
                    entity_id="violence")
    assert event.changes == {"service_level_min_calls": [5, 10],
                             "service_level_target": [90, 80]}
    assert queues.settings(seeded_session)["violence"].target == 80


def test_a_second_edit_from_the_same_version_is_refused_naming_what_changed(seeded_session):
    row = queues.get(seeded_session, "violence")
    mine, theirs = _form(row, service_level_target=85), _form(row, label_en="Abuse")
    queues.update(seeded_session, "violence", mine, actor_id=_admin(seeded_session).id)
    with pytest.raises(StaleEdit) as stale:
        queues.update(seeded_session, "violence", theirs, actor_id=_admin(seeded_session).id)
    assert stale.value.changed == {"label_en": "Violence", "service_level_target": 85}


def test_syncing_the_catalog_keeps_an_admins_edits(seeded_session):
    row = queues.get(seeded_session, "violence")
    queues.update(seeded_session, "violence",
                  _form(row, label_th="ความรุนแรงในครอบครัว", service_level_seconds=15,
                        active=False), actor_id=_admin(seeded_session).id)
    queues.sync_catalog(seeded_session)
    row = queues.get(seeded_session, "violence")
    assert (row.label_th, row.service_level_seconds, row.active) == (
        "ความรุนแรงในครอบครัว", 15, False)


def test_syncing_the_catalog_creates_a_queue_the_table_lacks_with_the_defaults(
        seeded_session):
    seeded_session.delete(queues.get(seeded_session, "lao"))
    seeded_session.flush()
    queues.sync_catalog(seeded_session)
    row = queues.get(seeded_session, "lao")
    assert (row.label_en, row.service_level_target, row.wait_alarm_seconds) == ("Lao", 90, 60)


@pytest.mark.parametrize(("values", "field"), [
    ({"service_level_target": 101}, "service_level_target"),
    ({"service_level_seconds": 0}, "service_level_seconds"),
    ({"label_th": "  "}, "label_th"),
    ({"service_level_min_calls": 0}, "service_level_min_calls"),
])
def test_out_of_range_values_are_refused_naming_the_field(seeded_session, values, field):
    row = queues.get(seeded_session, "violence")
    with pytest.raises(ValidationError) as refused:
        _form(row, **values)
    assert refused.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(("values", "field"), [
    ({"service_level_target": 90, "service_level_warn": 80}, "service_level_warn"),
    ({"wait_warn_seconds": 90, "wait_alarm_seconds": 60}, "wait_warn_seconds"),
])
def test_amber_must_come_before_red(seeded_session, values, field):
    with pytest.raises(InvalidInput) as refused:
        _form(queues.get(seeded_session, "violence"), **values)
    assert refused.value.field == field


def test_a_queue_the_table_lacks_is_not_found(seeded_session):
    with pytest.raises(NotFound):
        queues.get(seeded_session, "nowhere")
