"""The reports that count by province name it in the reader's language."""

from datetime import UTC, datetime

from callcenter.reports import labels, service
from callcenter.reports.range import parse_range
from tests.support.builders import CaseSpec, add_case

RANGE = parse_range("1/10/2568", "31/10/2568")


def test_a_province_is_named_in_thai_or_in_english():
    assert labels.province_of("TH-50", "เชียงใหม่", "th") == "เชียงใหม่"
    assert labels.province_of("TH-50", "เชียงใหม่", "en") == "Chiang Mai"
    assert labels.province_of(None, None, "en") == ""


def test_cases_by_province_names_provinces_in_the_readers_language(db_session, agent):
    add_case(db_session, CaseSpec(datetime(2025, 10, 2, tzinfo=UTC), province="TH-50"),
             user=agent)
    db_session.flush()

    def names(lang):
        return {row[0]: row[1] for row in service.run(
            db_session, "cases_by_province", RANGE, lang=lang).rows}

    assert names("th")["TH-50"] == "เชียงใหม่"
    assert names("en")["TH-50"] == "Chiang Mai"
