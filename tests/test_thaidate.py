from datetime import UTC, date, datetime, time

import pytest

from callcenter.thaidate import (
    buddhist_year,
    format_date,
    parse_date_be,
    parse_typed_clock,
    parse_typed_day,
    typed_day_text,
)


def test_the_buddhist_year_is_read_on_the_bangkok_calendar():
    # 18:00 UTC on 31 December is already 1 January in Bangkok.
    assert buddhist_year(datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == 2569
    assert buddhist_year(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == 2568
    assert buddhist_year(date(2026, 11, 23)) == 2569


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        buddhist_year(datetime(2026, 1, 1))


def test_thai_pages_show_the_buddhist_era_and_english_pages_the_gregorian_year():
    moment = datetime(2026, 11, 23, 8, 5, tzinfo=UTC)
    assert format_date(moment) == "23 พ.ย. 2569"
    assert format_date(moment, long=True, with_time=True) == "23 พฤศจิกายน 2569 15:05 น."
    assert format_date(moment, lang="en") == "23 Nov 2026"
    assert format_date(moment, lang="en", with_time=True) == "23 Nov 2026 15:05"


def test_the_day_is_read_on_the_bangkok_calendar_in_either_language():
    # 23:30 UTC on New Year's Eve is already 1 January in Bangkok.
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert format_date(moment, lang="en") == "1 Jan 2027"
    assert format_date(moment, lang="th") == "1 ม.ค. 2570"
    assert format_date(date(2026, 12, 6), lang="en") == "6 Dec 2026"


def test_typed_dates_are_read_with_a_buddhist_year():
    assert parse_date_be("23/11/2569") == date(2026, 11, 23)
    with pytest.raises(ValueError, match="Buddhist era"):
        parse_date_be("23/11/2026")
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date_be("yesterday")


@pytest.mark.parametrize(("typed", "day"), [
    ("7/12/2569", date(2026, 12, 7)),      # Buddhist era, as a Thai reader writes it
    (" 7/12/2026 ", date(2026, 12, 7)),    # Gregorian, as an English reader does
    ("2026-12-01", date(2026, 12, 1)),     # an API or a date picker
    ("2569-12-01", date(2026, 12, 1)),
])
def test_a_typed_day_is_read_in_either_era(typed, day):
    assert parse_typed_day(typed) == day


@pytest.mark.parametrize("typed", ["31/2/2569", "7/12/69", "7-12", "x", "", "1/1/1800"])
def test_a_day_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        parse_typed_day(typed)


@pytest.mark.parametrize(("typed", "clock"), [
    ("14:30", time(14, 30)), ("14.30", time(14, 30)), ("14.30 น.", time(14, 30)),
    ("8:05", time(8, 5)),
])
def test_a_typed_time_is_read_on_a_24_hour_clock(typed, clock):
    assert parse_typed_clock(typed) == clock


@pytest.mark.parametrize("typed", ["2 PM", "25:00", "14", ""])
def test_a_time_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        parse_typed_clock(typed)


def test_a_proposed_day_is_shown_in_the_readers_era():
    assert typed_day_text(date(2026, 12, 7), "th") == "7/12/2569"
    assert typed_day_text(date(2026, 12, 7), "en") == "7/12/2026"
