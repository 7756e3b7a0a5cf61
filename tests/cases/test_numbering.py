import pytest

from callcenter.cases.identity import digest, is_valid_national_id
from callcenter.cases.numbering import format_number, parse_number


def test_case_numbers_carry_the_buddhist_year_and_six_digits():
    assert format_number(2569, 123) == "1300-2569-000123"
    assert parse_number("1300-2569-000123") == (2569, 123)


@pytest.mark.parametrize("text", ["1300-69-1", "1301-2569-000001", "1300-2569-00001x", ""])
def test_malformed_case_numbers_are_refused(text):
    with pytest.raises(ValueError, match="1300-2569-000123"):
        parse_number(text)


def test_the_sequence_has_six_digits_at_most():
    with pytest.raises(ValueError):
        format_number(2569, 1_000_000)


def test_national_ids_are_checked_with_their_check_digit():
    assert is_valid_national_id("1101700230708")
    assert not is_valid_national_id("1101700230705")
    assert not is_valid_national_id("110170023070")


def test_the_id_digest_is_keyed_and_ignores_formatting():
    assert digest("1-1017-00230-70-8", key="k1") == digest("1101700230708", key="k1")
    assert digest("1101700230708", key="k1") != digest("1101700230708", key="k2")
    assert "1101700230708" not in digest("1101700230708", key="k1")
