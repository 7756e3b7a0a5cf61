"""Call reports match counts made directly over the calls that were built."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from callcenter.calls.models import Call, CallDirection, CallOutcome
from callcenter.queues.catalog import BY_NAME
from callcenter.reports import service
from callcenter.reports.calls import SERVICE_LEVEL_DEFINITION, SHORT_ABANDON_SECONDS
from callcenter.reports.range import parse_range
from tests.support.builders import CallSpec, add_call

BANGKOK = timedelta(hours=7)
RANGE = parse_range("1/3/2569", "31/3/2569")
OUTCOMES = [CallOutcome.ANSWERED] * 6 + [
    CallOutcome.ABANDONED, CallOutcome.ABANDONED, CallOutcome.IVR_HANGUP,
    CallOutcome.QUEUE_TIMEOUT, CallOutcome.TRANSFERRED, CallOutcome.INTERRUPTED,
]


def random_calls(n: int = 400, seed: int = 7) -> list[CallSpec]:
    rnd = random.Random(seed)
    first = datetime(2026, 2, 27, tzinfo=UTC)
    specs = []
    for _ in range(n):
        outcome = rnd.choice(OUTCOMES)
        queue = None if outcome is CallOutcome.IVR_HANGUP else rnd.choice(list(BY_NAME))
        specs.append(CallSpec(
            started_at=first + timedelta(seconds=rnd.randrange(36 * 86400)),
            outcome=outcome, queue=queue,
            wait=rnd.choice([None, *range(0, 60)]) if queue else None,
            talk=rnd.randrange(10, 900),
            direction=CallDirection.OUTBOUND if rnd.random() < 0.05 else CallDirection.INBOUND,
        ))
    # On the edges of the range: local midnight of the first day and after the last.
    specs += [
        CallSpec(datetime(2026, 2, 28, 17, 0, tzinfo=UTC)),
        CallSpec(datetime(2026, 2, 28, 16, 59, 59, tzinfo=UTC)),
        CallSpec(datetime(2026, 3, 31, 16, 59, 59, tzinfo=UTC)),
        CallSpec(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)),
    ]
    return specs


def in_range(spec: CallSpec) -> bool:
    return (RANGE.start <= spec.started_at < RANGE.end
            and spec.direction is CallDirection.INBOUND)


def short(spec: CallSpec) -> bool:
    return (spec.outcome is CallOutcome.ABANDONED and spec.wait is not None
            and spec.wait <= SHORT_ABANDON_SECONDS)


def counted_abandon(spec: CallSpec) -> bool:
    return spec.outcome is CallOutcome.ABANDONED and not short(spec)


@pytest.fixture
def calls(db_session, agent):
    specs = random_calls()
    for spec in specs:
        add_call(db_session, spec)
    db_session.flush()
    return [s for s in specs if in_range(s)]


def rows(session, name):
    return list(service.run(session, name, RANGE).rows)


def test_calls_by_day_match_a_count_by_local_day(db_session, calls):
    expected: dict = defaultdict(Counter)
    for s in calls:
        day = (s.started_at + BANGKOK).date()
        expected[day]["offered"] += 1
        expected[day]["answered"] += s.answered
        expected[day]["abandoned"] += counted_abandon(s)
        expected[day]["short"] += short(s)
        expected[day]["ivr"] += s.outcome is CallOutcome.IVR_HANGUP
    got = {r[0]: r for r in rows(db_session, "calls_by_day")}
    assert set(got) == set(expected)
    for day, c in expected.items():
        offered, answered, abandoned, shorts, ivr, other = got[day][1:7]
        assert (offered, answered, abandoned, shorts, ivr) == (
            c["offered"], c["answered"], c["abandoned"], c["short"], c["ivr"])
        assert other == offered - answered - abandoned - shorts - ivr


def test_the_report_total_matches_a_plain_count_over_the_range(db_session, calls):
    plain = db_session.scalar(
        select(func.count()).select_from(Call).where(
            Call.started_at >= RANGE.start, Call.started_at < RANGE.end,
            Call.direction == CallDirection.INBOUND,
        )
    )
    assert sum(r[1] for r in rows(db_session, "calls_by_day")) == plain == len(calls)
    assert sum(r[1] for r in rows(db_session, "calls_by_hour")) == plain
    assert sum(r[2] for r in rows(db_session, "calls_by_queue")) == plain
    assert sum(r[1] for r in rows(db_session, "calls_by_outcome")) == plain


def test_calls_by_hour_of_day_use_bangkok_time(db_session, calls):
    expected = Counter((s.started_at + BANGKOK).hour for s in calls)
    assert {r[0]: r[1] for r in rows(db_session, "calls_by_hour")} == dict(expected)


def test_calls_by_queue_and_outcome_match_direct_counts(db_session, calls):
    by_queue = Counter(s.queue or "-" for s in calls)
    got = rows(db_session, "calls_by_queue")
    assert {r[0]: r[2] for r in got} == dict(by_queue)
    assert {r[0]: r[1] for r in got}["violence"] == "ความรุนแรง"
    by_outcome = Counter(str(s.outcome) for s in calls)
    assert dict(rows(db_session, "calls_by_outcome")) == dict(by_outcome)


def test_average_wait_and_talk_are_over_answered_calls(db_session, calls):
    answered = [s for s in calls if s.answered and s.queue == "violence"]
    row = {r[0]: r for r in rows(db_session, "calls_by_queue")}["violence"]
    waits = [s.wait for s in answered if s.wait is not None]
    assert row[-2] == pytest.approx(sum(waits) / len(waits), abs=0.05)
    assert row[-1] == pytest.approx(sum(s.talk for s in answered) / len(answered), abs=0.05)


def test_service_level_follows_its_stated_definition(db_session, calls):
    expected: dict = defaultdict(Counter)
    for s in calls:
        if s.queue is None:
            continue
        day = (s.started_at + BANGKOK).date()
        threshold = BY_NAME[s.queue].service_level_seconds
        expected[day]["answered"] += s.answered
        expected[day]["within"] += s.answered and (s.wait or 0) <= threshold
        expected[day]["abandoned"] += counted_abandon(s)
    for day, answered, within, abandoned, _short, level, abandonment in rows(
        db_session, "service_level"
    ):
        c = expected[day]
        assert (answered, within, abandoned) == (c["answered"], c["within"], c["abandoned"])
        base = c["answered"] + c["abandoned"]
        assert level == pytest.approx(round(100 * c["within"] / base, 1))
        assert abandonment == pytest.approx(round(100 * c["abandoned"] / base, 1))


def test_service_level_by_hand(db_session, agent):
    day = datetime(2026, 3, 10, 3, tzinfo=UTC)
    for spec in (
        CallSpec(day, queue="urgent", wait=10),  # threshold 10 s: within
        CallSpec(day, queue="urgent", wait=11),  # late
        CallSpec(day, queue="welfare", wait=30),  # threshold 30 s: within
        CallSpec(day, CallOutcome.ABANDONED, queue="welfare", wait=5),  # short: left out
        CallSpec(day, CallOutcome.ABANDONED, queue="welfare", wait=6),  # counted
    ):
        add_call(db_session, spec)
    db_session.flush()
    (row,) = rows(db_session, "service_level")
    assert row[1:] == (3, 2, 1, 1, 50.0, 25.0)
    assert "÷" in SERVICE_LEVEL_DEFINITION["en"] and "÷" in SERVICE_LEVEL_DEFINITION["th"]
    assert service.spec("service_level").define("th") == SERVICE_LEVEL_DEFINITION["th"]
    assert all(spec.define("th") and spec.define("en") for spec in service.REPORTS.values())


def test_call_records_carry_no_caller_number(db_session, calls):
    records = rows(db_session, "call_records")
    assert len(records) == len(calls)
    assert not any("0812345678" in map(str, r) for r in records)
    # Local time, in order.
    first = min(calls, key=lambda s: s.started_at)
    assert records[0][1] == (first.started_at + BANGKOK).replace(tzinfo=None)


def test_hour_by_hour_adds_up_to_the_days(db_session, calls):
    hourly = rows(db_session, "calls_hourly")
    assert dict(Counter((s.started_at + BANGKOK).replace(
        minute=0, second=0, microsecond=0, tzinfo=None) for s in calls)) == {
        r[0]: r[1] for r in hourly}
    by_day: Counter = Counter()
    for r in hourly:
        by_day[r[0].date()] += r[2]  # answered
    assert dict(by_day) == {r[0]: r[2] for r in rows(db_session, "calls_by_day")}


def test_service_level_by_queue_uses_each_queues_threshold(db_session, calls):
    for queue, _label, threshold, answered, within, abandoned, _s, level, _a in rows(
        db_session, "service_level_by_queue"
    ):
        mine = [s for s in calls if s.queue == queue]
        assert threshold == BY_NAME[queue].service_level_seconds
        assert answered == sum(s.answered for s in mine)
        assert within == sum(s.answered and (s.wait or 0) <= threshold for s in mine)
        assert abandoned == sum(counted_abandon(s) for s in mine)
        base = answered + abandoned
        assert level == (round(100 * within / base, 1) if base else None)
