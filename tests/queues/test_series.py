"""The wallboard's quarter-hour series: literal calls in, the board's own rules out."""

from __future__ import annotations

from datetime import datetime, timedelta

from callcenter.queues import series
from callcenter.thaidate import BANGKOK

MIDNIGHT = datetime(2026, 12, 7, tzinfo=BANGKOK)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return MIDNIGHT + timedelta(hours=hour, minutes=minute, seconds=second)


def call(queued: datetime, outcome: str = "answered", wait: int = 10,
         queue: str | None = "violence", direction: str = "inbound") -> dict:
    answered = queued + timedelta(seconds=wait) if outcome == "answered" else None
    ended = None if outcome == "in_progress" else queued + timedelta(seconds=wait + 60)
    return {"queue_name": queue, "direction": direction, "started_at": queued,
            "queued_at": queued, "answered_at": answered, "ended_at": ended,
            "outcome": outcome, "wait_seconds": wait, "talk_seconds": 60 if answered else None}


def test_a_call_counts_in_the_quarter_hour_it_reached_a_queue():
    found = series.counts([call(at(9, 14, 59)), call(at(9, 15)), call(at(9, 29))], MIDNIGHT)
    assert found.offered[9 * 4] == 1 and found.offered[9 * 4 + 1] == 2
    assert sum(found.offered) == 3 and found.answered == found.offered


def test_short_abandons_are_offered_but_not_abandoned_as_on_the_board():
    found = series.counts([call(at(8), "abandoned", wait=5), call(at(8), "abandoned", wait=6),
                           call(at(8), "queue_timeout", wait=300)], MIDNIGHT)
    assert (found.offered[32], found.answered[32], found.abandoned[32]) == (3, 0, 1)


def test_outbound_calls_calls_without_a_queue_and_yesterday_are_left_out():
    found = series.counts([call(at(8), direction="outbound"), call(at(8), queue=None),
                           call(MIDNIGHT - timedelta(minutes=1))], MIDNIGHT)
    assert sum(found.offered) == 0


def test_service_level_through_the_day_is_the_boards_figure_at_each_quarters_end():
    calls = [call(at(0, 1), wait=5), call(at(0, 20), wait=40), call(at(0, 40), "abandoned", 30)]
    now = at(0, 50)
    found = series.service_level(calls, MIDNIGHT, now, {"violence": 20})
    # 00:00–00:15: one answered in time; by 00:30 a late one; by 00:45 an abandon too.
    assert found[:4] == [100.0, 50.0, 33.3, 33.3]
    assert found[4:] == [None] * (series.BUCKETS - 4)


def test_service_level_is_none_before_any_call_is_counted():
    assert series.service_level([], MIDNIGHT, at(1), None)[:5] == [None] * 5


def test_waiting_callers_at_each_quarters_end_and_now():
    calls = [call(at(10, 10), wait=600),  # waits 10:10–10:20
             call(at(10, 14), "abandoned", wait=200),  # hangs up at 10:18:20
             call(at(10, 25), "in_progress")]  # still waiting now
    found = series.waiting(calls, MIDNIGHT, at(10, 31))
    assert found[40] == 2  # 10:15
    assert found[41] == 1  # 10:30: the 10:25 caller
    assert found[42] == 1  # now, 10:31
    assert found[43] is None


def test_labels_name_each_quarter_and_the_future_is_trimmed():
    labels = series.labels(MIDNIGHT)
    assert (labels[0], labels[1], labels[-1], len(labels)) == ("00:00", "00:15", "23:45", 96)
    assert series.buckets_until(at(0, 0, 1), MIDNIGHT) == 1
    assert series.trim([1, 2, 3], 2) == [1, 2, None]
