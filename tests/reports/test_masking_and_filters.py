"""Small-cell masking and the case-work filters, as pure functions."""

from __future__ import annotations

import pytest

from callcenter.cases.models import AgencyType
from callcenter.errors import InvalidInput
from callcenter.reports.filters import Filters, parse_filters
from callcenter.reports.masking import SMALL, mask_row, masked
from callcenter.taxonomy import Urgency


def test_counts_from_one_to_four_are_shown_as_under_five():
    assert [masked(n) for n in (0, 1, 2, 3, 4, 5, 12)] == [0, SMALL, SMALL, SMALL, SMALL, 5, 12]
    assert SMALL == "<5"


def test_masking_leaves_text_booleans_and_other_columns_alone():
    assert masked("3") == "3" and masked(True) is True and masked(None) is None
    assert mask_row(("rape", 3, 2, 7), [2, 3]) == ("rape", 3, SMALL, 7)


def test_filters_are_read_from_the_form_and_empty_means_all():
    assert parse_filters("", "", "") == Filters()
    got = parse_filters(" TH-50 ", "high", "police")
    assert got == Filters("TH-50", Urgency.HIGH, AgencyType.POLICE)
    assert got.query(("province", "agency_type")) == {"province": "TH-50",
                                                      "agency_type": "police"}


@pytest.mark.parametrize(("args", "field"), [
    (("TH-99", None, None), "province"),
    ((None, "soon", None), "urgency"),
    ((None, None, "army"), "agency_type"),
])
def test_an_unknown_filter_value_is_refused_by_its_field(args, field):
    with pytest.raises(InvalidInput) as refused:
        parse_filters(*args)
    assert refused.value.field == field
