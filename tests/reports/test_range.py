"""Report ranges come as Buddhist-era dates; bad ones are refused naming the field."""

from datetime import UTC, date, datetime

import pytest

from callcenter.errors import DomainError
from callcenter.reports.range import MAX_DAYS, parse_range


def test_a_buddhist_era_range_covers_whole_local_days():
    rng = parse_range("1/3/2569", "31/03/2569")
    assert (rng.first, rng.last, rng.days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
    # Bangkok is UTC+7: the range starts at 17:00 UTC on the day before.
    assert rng.start.astimezone(UTC) == datetime(2026, 2, 28, 17, tzinfo=UTC)
    assert rng.end.astimezone(UTC) == datetime(2026, 3, 31, 17, tzinfo=UTC)


def test_a_single_day_is_a_range_of_one_day():
    assert parse_range("23/11/2569", "23/11/2569").days == 1


def test_iso_dates_with_a_buddhist_year_are_read_too():
    assert parse_range("2569-01-01", "2569-12-31").days == 365


@pytest.mark.parametrize(
    ("first", "last", "field", "words"),
    [
        ("", "31/3/2569", "start", "enter a date"),
        ("1/3/2569", None, "end", "enter a date"),
        ("31/3/2569", "1/3/2569", "end", "before the start"),
        ("1/1/2568", "1/1/2570", "end", f"at most {MAX_DAYS} days"),
        ("1/3/2026", "31/3/2569", "start", "Buddhist era"),
        ("31/2/2569", "1/3/2569", "start", "no such date"),
        ("1/3/2569", "yesterday", "end", "dd/mm/yyyy"),
    ],
)
def test_empty_reversed_too_long_or_unreadable_ranges_are_refused(first, last, field, words):
    with pytest.raises(DomainError) as caught:
        parse_range(first, last)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_whole_leap_year_fits():
    assert parse_range("1/1/2567", "31/12/2567").days == 366
