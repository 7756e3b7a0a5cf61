"""The case clock's pure figures: the first contact, each step's time from it, the
nearest-rank percentiles, the targets and durations as people read them."""

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.cases import clock
from callcenter.taxonomy import Urgency

T0 = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_first_contact_is_the_earliest_calls_answer_or_arrival_when_never_answered():
    calls = [(at(100), at(110)), (at(-50), None), (at(5), at(20))]
    assert clock.first_contact(created_at=at(300), calls=calls) == at(-50)
    assert clock.first_contact(created_at=at(300), calls=[(at(0), at(12))]) == at(12)


def test_a_case_without_calls_starts_its_clock_when_it_was_opened():
    assert clock.first_contact(created_at=at(0), calls=[]) == at(0)


def test_each_step_counts_from_the_first_contact_and_a_step_not_reached_has_no_time():
    times = clock.ClockTimes(first_contact=at(0), opened=at(95), dispatched=at(150),
                             acknowledged=at(400), closed=at(86400))
    steps = {s.name: s.elapsed for s in clock.steps(times)}
    assert [s.name for s in clock.steps(times)] == list(clock.STEPS)
    assert steps["opened"] == timedelta(seconds=95)
    assert steps["dispatched"] == timedelta(seconds=150)
    assert steps["on_scene"] is None and steps["first_follow_up"] is None
    assert steps["closed"] == timedelta(days=1)


def test_a_step_logged_a_moment_before_the_answer_counts_as_at_once_not_negative():
    times = clock.ClockTimes(first_contact=at(10), opened=at(9))
    assert clock.steps(times)[0].elapsed == timedelta(0)
    assert clock.between(at(10), at(9)) == 0.0
    assert clock.between(None, at(9)) is None


def test_percentiles_are_nearest_rank_values_of_the_sorted_times():
    values = list(range(1, 31))  # 1 … 30
    assert clock.percentile(values, 50) == 15
    assert clock.percentile(values, 90) == 27
    assert clock.percentile([7.0], 90) == 7.0
    assert clock.percentile([], 50) is None
    with pytest.raises(ValueError):
        clock.percentile(values, 0)


def test_a_summary_counts_the_times_within_its_target():
    summary = clock.summarise([30, 45, 59, 60, 61, 300], target=60)
    assert (summary.count, summary.median, summary.p90) == (6, 59, 300)
    assert summary.within_target == 4
    assert clock.summarise([10], target=None).within_target is None


def test_only_the_most_urgent_cases_have_nfpas_sixty_seconds_to_dispatch():
    assert clock.dispatch_target(Urgency.IMMEDIATE) == 60
    assert clock.dispatch_target(Urgency.HIGH) is None


@pytest.mark.parametrize(("seconds", "thai", "english"), [
    (5, "5 วินาที", "5 s"),
    (65, "1 นาที 05 วินาที", "1 min 05 s"),
    (3600, "1 ชั่วโมง 00 นาที 00 วินาที", "1 h 00 min 00 s"),
    (90061, "1 วัน 01 ชั่วโมง 01 นาที 01 วินาที", "1 d 01 h 01 min 01 s"),
    (None, "—", "—"),
])
def test_durations_read_in_thai_and_english(seconds, thai, english):
    assert clock.format_duration(seconds) == thai
    assert clock.format_duration(seconds, lang="en") == english
