from datetime import UTC, date, datetime

import pytest

from callcenter.thaidate import buddhist_year, format_date, parse_date_be


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
