"""The follow-up rules, with literal times: due in the future (a minute's tolerance), for
an active worker, on an open case, done or cancelled once; which reminders are owed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.cases import follow_up_rules as rules
from callcenter.errors import Conflict, InvalidInput

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_a_follow_up_due_in_the_past_is_refused_with_a_clear_message():
    with pytest.raises(InvalidInput) as refused:
        rules.check_due(NOW - timedelta(hours=1), NOW)
    assert refused.value.field == "due_at"
    assert "cannot be due in the past" in refused.value.message


def test_a_minute_of_tolerance_lets_a_slowly_filled_form_through():
    assert rules.check_due(NOW - timedelta(seconds=50), NOW)
    assert rules.check_due(NOW + timedelta(seconds=2), NOW)


def test_a_due_time_a_year_ahead_or_without_a_zone_is_refused():
    with pytest.raises(InvalidInput):
        rules.check_due(NOW + timedelta(days=400), NOW)
    with pytest.raises(InvalidInput):
        rules.check_due(datetime(2026, 12, 8, 9, 0), NOW)


def test_the_assignee_is_an_active_worker():
    rules.check_assignee(rules.Assignee(role="agent", active=True))
    for who in (None, rules.Assignee(role="agent", active=False),
                rules.Assignee(role="unit_member", active=True)):
        with pytest.raises(InvalidInput) as refused:
            rules.check_assignee(who)
        assert refused.value.field == "assignee_id"


def test_a_closed_case_takes_no_new_task():
    with pytest.raises(Conflict):
        rules.check_case_open(True)
    rules.check_case_open(False)


def test_a_task_is_done_or_cancelled_once():
    rules.check_still_open(done=False, cancelled=False)
    for done, cancelled in ((True, False), (False, True)):
        with pytest.raises(Conflict) as refused:
            rules.check_still_open(done=done, cancelled=cancelled)
        assert refused.value.field == "follow_up"


def test_the_note_is_trimmed_and_bounded():
    assert rules.check_note("  โทรก่อนเที่ยง ") == "โทรก่อนเที่ยง"
    assert rules.check_note("   ") is None
    with pytest.raises(InvalidInput):
        rules.check_note("x" * 301)


def test_the_due_reminder_is_owed_at_the_due_time_and_the_supervisors_after_the_grace():
    grace = timedelta(minutes=30)
    due = NOW
    assert not rules.due_reminder_owed(due, NOW - timedelta(seconds=1))
    assert rules.due_reminder_owed(due, NOW)
    assert not rules.supervisor_reminder_owed(due, NOW + timedelta(minutes=29), grace)
    assert rules.supervisor_reminder_owed(due, NOW + timedelta(minutes=30), grace)


def test_my_tasks_fall_into_overdue_today_and_upcoming():
    day_end = NOW + timedelta(hours=5)
    assert rules.bucket(NOW - timedelta(minutes=1), NOW, day_end=day_end) == "overdue"
    assert rules.bucket(NOW + timedelta(hours=1), NOW, day_end=day_end) == "today"
    assert rules.bucket(NOW + timedelta(hours=6), NOW, day_end=day_end) == "upcoming"
