"""The interpreters' pure rules: languages named, hours that cover a moment, guests paired."""

from datetime import datetime, time

import pytest

from callcenter.calls import interpreter_rules as rules
from callcenter.calls import three_way_rules
from callcenter.calls.interpreter_schemas import InterpreterIn
from callcenter.errors import InvalidInput

# 2026-12-07 is a Monday.
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=rules.BANGKOK)


def test_the_hotlines_usual_languages_come_first_and_are_named_in_thai_and_english():
    assert rules.all_codes()[:3] == ("my", "km", "lo")
    assert rules.language_name("my", english=False) == "เมียนมา"
    assert rules.language_name("km", english=False) == "เขมร"
    assert rules.language_name("lo", english=True) == "Lao"
    assert rules.is_language("kar") is False and rules.is_language("shn")


def test_weekday_hours_cover_a_weekday_afternoon_but_not_sunday():
    hours = rules.Hours("01234", time(8), time(17))
    assert hours.covers(MONDAY_NOON)
    assert not hours.covers(MONDAY_NOON.replace(hour=17))
    assert not hours.covers(datetime(2026, 12, 6, 12, 0, tzinfo=rules.BANGKOK))


def test_a_night_shift_belongs_to_the_day_it_began():
    night = rules.Hours("4", time(22), time(6))  # Friday night
    assert night.covers(datetime(2026, 12, 11, 23, 0, tzinfo=rules.BANGKOK))
    assert night.covers(datetime(2026, 12, 12, 5, 59, tzinfo=rules.BANGKOK))  # Saturday
    assert not night.covers(datetime(2026, 12, 11, 5, 0, tzinfo=rules.BANGKOK))


def test_midnight_to_midnight_is_the_whole_day():
    assert rules.Hours("0", time(0), time(0)).covers(MONDAY_NOON)


def test_a_utc_moment_is_read_on_bangkoks_clock():
    assert rules.bangkok(datetime(2026, 12, 7, 5, 0)).hour == 12


def test_an_interpreters_number_is_checked_and_kept_in_e164():
    data = InterpreterIn(language="my", name="ล่าม", phone="081-234-5678", days="0,1,2",
                         from_time="08:00", until_time="17:00")
    assert (data.phone, data.days) == ("+66812345678", "012")


@pytest.mark.parametrize(("field", "value"), [("language", "xx"), ("phone", "12345"),
                                              ("days", "9")])
def test_an_interpreter_with_a_bad_field_is_refused_naming_it(field, value):
    good = {"language": "my", "name": "ล่าม", "phone": "0812345678", "days": "0",
            "from_time": "08:00", "until_time": "17:00"}
    with pytest.raises(InvalidInput) as refused:
        InterpreterIn(**{**good, field: value})
    assert refused.value.field == field


def test_new_guest_channels_go_to_the_guests_in_the_order_they_were_dialled():
    seen = three_way_rules.guests_seen([
        {"channel": "PJSIP/trunk-telco-2", "role": "guest", "joined_at": "2026-12-07T05:00:09"},
        {"channel": "PJSIP/agent1-1", "role": "agent", "joined_at": "2026-12-07T05:00:01"},
        {"channel": "PJSIP/trunk-telco-1", "role": "guest", "joined_at": "2026-12-07T05:00:05",
         "left_at": "2026-12-07T05:00:08"},
    ])
    paired = three_way_rules.pair([7, 8], {"PJSIP/trunk-telco-1"}, seen)
    assert {k: v.channel for k, v in paired.items()} == {7: "PJSIP/trunk-telco-2"}


def test_the_services_are_dialled_by_their_short_numbers():
    assert three_way_rules.SERVICES == {"police": "191", "ems": "1669", "children": "1387"}
